"""The quality-standards pages, one module for each part: a school's page (school), one
self-evaluation (self_evaluation), the improvement plan (improvement_plan), the LA's and the
nation's pages (monitoring) and the frameworks (frameworks). The CQS pages are in the classroom
package.

Thin views over services and plans (changes), and queries, monitoring and national (reads).
"""
