"""The Common Transfer File (CTF), DfE's XML file that moves a pupil's data between schools.

``reading`` takes one in (tolerantly, strictly and safely), through ``tokens`` (one XSLT that
flattens every pupil's elements) and ``pupils`` (checking each value into rows and errors);
``writing`` makes one for a pupil who leaves.
"""
