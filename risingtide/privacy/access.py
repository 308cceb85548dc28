"""Who may ask for a person's data and erase a pupil (issue 21, docs/privacy.md). Registered
with the access engine when the app is ready.

A subject-access request is the school's to answer as data controller: its head or leading
teacher asks for a pupil's export (the head for a member of staff's), after a fresh check of
who they are, and only the one who asked downloads it. Erasing a pupil cannot be undone (only
from a backup): the head alone does it, after a fresh check."""

from risingtide.access.core import Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.privacy.models import SubjectAccessExport

ASKERS = {Role.HEAD: Reach.SCHOOL, Role.LEADING_TEACHER: Reach.SCHOOL}
declare_subject(
    "subject_access_export",
    Subject(SubjectAccessExport, {Reach.SELF: by_field("requested_by_id", "who asked for it")}),
)
declare(
    Capability(
        "pupil_record.export_personal_data",
        "pupil_record",
        "Ask for everything held about a pupil as a ZIP (a subject-access request; audited)",
        ASKERS,
        fresh=True,
    ),
    Capability(
        "pupil_record.erase",
        "pupil_record",
        "Erase a pupil: their personal data removed or replaced, for good (audited)",
        {Role.HEAD: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "staff_member.export_personal_data",
        "staff_member",
        "Ask for everything held about a member of staff as a ZIP (audited); the head, who "
        "reaches the staff whose every role is at the school",
        {Role.HEAD: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "subject_access_export.view",
        "subject_access_export",
        "See the progress of an export one asked for",
        {Role.HEAD: Reach.SELF, Role.LEADING_TEACHER: Reach.SELF},
    ),
    Capability(
        "subject_access_export.download",
        "subject_access_export",
        "Download an export one asked for, while it is kept (after a fresh check)",
        {Role.HEAD: Reach.SELF, Role.LEADING_TEACHER: Reach.SELF},
        fresh=True,
    ),
)
