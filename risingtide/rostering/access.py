"""Who may see and do what in rostering (oneroster). Registered when the app is ready.

A school's coordinator (leading teacher) and head bring in and export their school's roster;
an LA lead does it for all the LA's schools at once (LAs run the MIS for many maintained
schools). Exporting is a pupil-data export: ``roster.export`` and ``roster.export_la`` are the
capabilities a fresh second-factor check applies to.
"""

from risingtide.access.core import Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.rostering.models import RosterImport

declare_subject(
    "roster_import",
    Subject(
        RosterImport,
        {
            Reach.SCHOOL: by_field("school_id"),
            # An LA lead reaches the LA's own imports, never a school's.
            Reach.LA: by_field("local_authority_id", "the LA it was imported for"),
        },
    ),
)
SCHOOL_STAFF = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}
declare(
    Capability(
        "roster.import",
        "school",
        "Import the school's roster (a OneRoster 1.2 CSV bundle): classes, staff and pupils",
        SCHOOL_STAFF,
    ),
    Capability(
        "roster.export",
        "school",
        "Export the school's roster as a OneRoster 1.2 CSV bundle (pupil data)",
        SCHOOL_STAFF,
        fresh=True,
    ),
    Capability(
        "roster.import_la",
        "local_authority",
        "Import a OneRoster 1.2 CSV bundle for all the LA's schools",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "roster.export_la",
        "local_authority",
        "Export the rosters of all the LA's schools as a OneRoster 1.2 CSV bundle (pupil data)",
        {Role.LA_LEAD: Reach.LA},
        fresh=True,
    ),
    Capability(
        "roster_import.view",
        "roster_import",
        "See a roster import, its preview, progress and result",
        {**SCHOOL_STAFF, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "roster_import.confirm",
        "roster_import",
        "Confirm or cancel a roster import once its preview is checked",
        {**SCHOOL_STAFF, Role.LA_LEAD: Reach.LA},
        fresh=True,
    ),
)
