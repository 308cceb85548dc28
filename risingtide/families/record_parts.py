"""A pupil's parents and carers on their register record page
(``register.events.record_parts``), for the coordinators who invite them."""

from django.urls import reverse

from risingtide.access.core import can
from risingtide.families.queries import carers_of
from risingtide.register.events import RecordPart


def family_part(viewer, pupil) -> RecordPart | None:
    if not can(viewer, "pupil_record.carers", pupil):
        return None
    return RecordPart(
        order=40,
        title="Parents and carers",
        href=reverse("families:carers", args=[pupil.pk]),
        link_text="Invite a parent or carer",
        lines=tuple(f"{m.user.get_full_name() or m.user.username}" for m in carers_of(pupil)),
        empty="No parent or carer has joined yet.",
    )
