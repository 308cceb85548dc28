"""What ``register`` holds about a pupil: the school's record of them, its characteristics'
history, attainment, register decisions and evidence (docs/privacy.md)."""

from datetime import date

from django.utils import timezone

from risingtide.lib.personal_data import SCHOOL_WORK, Custom, Delete, Holding, by_pk, declare


def _tombstone(records, person) -> None:
    """The record stays as a row that names no one: past census snapshots and booked places
    point at it, and what was counted stays counted. Off roll, so no census taken from now on
    counts it."""
    for record in records:
        record.upn = f"ERASED{record.pk:07d}"[:13]
        record.temporary_upn = True
        record.legal_surname = record.legal_forename = "Erased"
        record.preferred_surname = record.preferred_forename = ""
        record.date_of_birth = date(1900, 1, 1)
        record.gender = "U"
        record.ethnicity = record.ethnic_group = record.first_language = record.sen = ""
        record.eal = record.looked_after = False
        record.account = None
        record.on_roll = False
        record.left_on = record.left_on or timezone.localdate()
        record.save()


declare(
    Holding(
        "register.Pupil",
        about=(lambda person: by_pk(person, pupil=True), "account"),
        erase=Custom(
            _tombstone,
            "replaced by a record with no name, UPN, birth date or characteristics, off roll",
        ),
        order=90,
        title="Pupil records",
    ),
    Holding("register.CharacteristicChange", about=("pupil",), erase=Delete()),
    Holding(
        "register.FsmPeriod", about=("pupil",), erase=Delete(), title="Free school meals periods"
    ),
    Holding("register.Attainment", about=("pupil",), erase=Delete()),
    Holding(
        "register.RegisterEntry",
        about=("pupil",),
        named=("recorded_by",),
        erase=Delete(),
        title="Register entries",
    ),
    Holding(
        "register.Evidence",
        about=("pupil",),
        named=("added_by",),
        erase=Delete(),
        title="Evidence for the register",
    ),
    Holding("register.ColumnMapping", named=("updated_by",), erase=SCHOOL_WORK),
    Holding(
        "register.ImportBatch",
        named=("uploaded_by",),
        erase=SCHOOL_WORK,
        title="Pupil data imports",
    ),
    Holding("register.DataSharingAgreement", named=("recorded_by",), erase=SCHOOL_WORK),
)
