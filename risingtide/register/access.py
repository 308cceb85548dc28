"""Who may see and change the register and pupil records, and how they reach people: pupil-level
data stays in its school, and reaches the school's LA only while a data-sharing agreement is in
force. Registered with the access engine when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import PUPIL_CARERS, pupils_in_groups
from risingtide.people.models import Role
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import DataSharingAgreement, Pupil
from risingtide.schools.models import School, TeachingGroup


def _sharing_la(prefix: str) -> Path:
    """An LA reaches a school's pupil-level data only while the school has a data-sharing
    agreement in force."""
    return Path(
        lambda ids: Q(
            **{
                f"{prefix}local_authority_id__in": ids,
                f"{prefix}pk__in": DataSharingAgreement.schools_in_force(),
            }
        ),
        "a school in the LA, only while it has a data-sharing agreement in force",
    )


# A school's register and pupil data as a whole (the school itself is the subject).
declare_subject(
    "register",
    Subject(
        School, {Reach.SCHOOL: by_field("pk", "itself"), Reach.LA: _sharing_la("")}, primary=False
    ),
)
declare_subject(
    "pupil_record",
    Subject(
        Pupil,
        {
            # A teacher reaches the records of the pupils in their groups, at the group's school.
            Reach.GROUP: Path(
                lambda ids: Q(
                    account__in=pupils_in_groups(ids),
                    school__in=TeachingGroup.objects.filter(pk__in=ids).values("school_id"),
                ),
                "the record, at the group's school, of a pupil in one of the person's groups",
            ),
            Reach.SCHOOL: by_field("school_id"),
            Reach.LA: _sharing_la("school__"),
        },
    ),
)
declare_subject(
    "import",
    Subject(
        ImportBatch,
        {
            Reach.SELF: by_field("uploaded_by_id", "who uploaded it"),
            Reach.SCHOOL: by_field("school_id"),
        },
    ),
)
declare(
    # while the school has a data-sharing agreement in force) ---
    Capability(
        "register.view",
        "register",
        "See a school's G&T register, screening list and equity check",
        {
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.HEAD: Reach.SCHOOL,
            Role.LA_LEAD: Reach.LA,
        },
    ),
    Capability(
        "register.manage",
        "register",
        "Import pupil data, decide identifications, set the screening criteria",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "register.export",
        "register",
        "Export the register (census return, CSV, XLSX, PDF) and CTF for a leaver",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "register.audit",
        "school",
        "Read the log of who viewed or exported the school's pupil-level data",
        {
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.HEAD: Reach.SCHOOL,
            Role.LA_LEAD: Reach.LA,
        },
    ),
    Capability(
        "register.share",
        "school",
        "Record or end the school's data-sharing agreement with its LA (the head signs it)",
        {Role.HEAD: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "pupil_record.view",
        "pupil_record",
        "See a pupil's record: characteristics, attainment, register history, evidence",
        {
            Role.TEACHER: Reach.GROUP,
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.HEAD: Reach.SCHOOL,
            Role.LA_LEAD: Reach.LA,
        },
    ),
    Capability(
        "pupil_record.nominate",
        "pupil_record",
        "Nominate a pupil for the register and add evidence",
        {**PUPIL_CARERS},
    ),
    Capability(
        "pupil_record.decide",
        "pupil_record",
        "Decide a nomination: identify, not identify or remove (the coordinator)",
        {Role.LEADING_TEACHER: Reach.SCHOOL},
    ),
    Capability(
        "pupil_record.export",
        "pupil_record",
        "Export a leaving pupil's CTF with their G&T data",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "import.view",
        "import",
        "See an import of pupil data, its preview and progress",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "import.confirm",
        "import",
        "Confirm or cancel an import once its preview is checked",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
)
