"""A pupil's opportunities on their register record page (``register.events.record_parts``):
what they hold, took part in, or wait for, in staff's words."""

from django.urls import reverse

from risingtide.access.core import can
from risingtide.opportunities.menu_queries import participations_of
from risingtide.opportunities.menu_requests import staff_words
from risingtide.register.events import RecordPart

SHOWN = 10  # the newest; the pupil's opportunities page has them all


def opportunities_part(viewer, pupil) -> RecordPart | None:
    if not can(viewer, "pupil_opportunities.view", pupil):
        return None
    rows = list(participations_of(pupil)[:SHOWN])
    return RecordPart(
        order=10,
        title="Opportunities",
        href=reverse("opportunities:pupil_opportunities", args=[pupil.pk]),
        link_text="All their opportunities",
        lines=tuple(f"{p.opportunity.title}: {staff_words(p)}" for p in rows),
        empty="Nothing asked for or offered yet.",
    )
