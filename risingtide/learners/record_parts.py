"""The learner's profile on their register record page (``register.events.record_parts``)."""

from django.urls import reverse

from risingtide.access.core import can
from risingtide.learners.models import PROFILE_FIELDS, LearnerProfile
from risingtide.learners.queries import guide_of
from risingtide.register.events import RecordPart

SNIPPET = 120


def profile_part(viewer, pupil) -> RecordPart | None:
    if not can(viewer, "learner.view", pupil):
        return None
    profile = LearnerProfile.objects.filter(pupil=pupil).first()
    lines = []
    guide = guide_of(pupil)
    lines.append(f"Learning guide: {guide}" if guide else "No learning guide yet.")
    if profile:
        for field, heading in PROFILE_FIELDS.items():
            words = getattr(profile, field).strip()
            if words:
                cut = words if len(words) <= SNIPPET else words[: SNIPPET - 1] + "…"
                lines.append(f"{heading}: “{cut}”")
    return RecordPart(
        order=30,
        title="In their own words",
        href=reverse("learners:profile", args=[pupil.pk]),
        link_text="Their profile and what staff noticed",
        lines=tuple(lines),
    )
