"""What the privacy pages show, each in a fixed number of queries."""

from dataclasses import dataclass

from risingtide.access.core import can
from risingtide.privacy import erasing
from risingtide.privacy.models import SubjectAccessExport

SHOWN = 10  # the newest exports one asked for about this person


@dataclass(frozen=True)
class PersonPage:
    person: object  # a register.Pupil or a staff User
    name: str
    exports: list[SubjectAccessExport]
    erased: bool = False
    may_erase: bool = False


def _exports(user, **whom) -> list[SubjectAccessExport]:
    return list(SubjectAccessExport.objects.filter(requested_by=user, **whom)[:SHOWN])


def pupil_page(user, pupil) -> PersonPage:
    erased = erasing.is_erased(pupil)
    return PersonPage(
        person=pupil,
        name="an erased pupil" if erased else str(pupil),
        exports=_exports(user, pupil=pupil),
        erased=erased,
        may_erase=not erased and can(user, "pupil_record.erase", pupil),
    )


def staff_page(user, staff) -> PersonPage:
    return PersonPage(
        person=staff,
        name=staff.get_full_name() or staff.username,
        exports=_exports(user, staff=staff),
    )


@dataclass(frozen=True)
class ErasePage:
    pupil: object
    going: list[erasing.Step]  # deleted or replaced
    kept: list[erasing.Step]  # kept, with the reason
    files: int


def erase_page(pupil) -> ErasePage:
    """What erasing the pupil will do, model by model (two queries a declared model, and one
    for each model that holds files, whatever the pupil holds)."""
    steps = erasing.plan(pupil)
    return ErasePage(
        pupil=pupil,
        going=[s for s in steps if not s.kept],
        kept=[s for s in steps if s.kept],
        files=len(erasing.files_of(steps)),
    )
