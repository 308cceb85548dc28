"""What ``rostering`` holds about a person: who uploaded a OneRoster bundle."""

from risingtide.lib.personal_data import SCHOOL_WORK, Holding, declare

declare(Holding("rostering.RosterImport", named=("uploaded_by",), erase=SCHOOL_WORK))
