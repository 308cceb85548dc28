"""The register's pages, one module per part of the register: a school's register and
identification support (``school``), a pupil's record (``records``), imports, exports, and data
protection (the audit log and the data-sharing agreements). Thin views over queries and
services; every view of pupil-level data writes an audit event (who, what, when, why).
"""
