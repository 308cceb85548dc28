"""The portfolio pages, one module for each part: the portfolio and its stages (portfolio),
items and notes (items), connections and the graph (connections), the Communicate presentation
and sharing it (presentation), group work (group_work) and the teacher's views of a whole
project (teaching).

Thin views over services, groups and tools (changes), and queries (reads).
"""
