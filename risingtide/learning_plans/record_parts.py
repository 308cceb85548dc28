"""The learning plan's targets on the pupil's register record page
(``register.events.record_parts``)."""

from django.urls import reverse

from risingtide.access.core import can
from risingtide.learning_plans.models import LearningPlan, Target
from risingtide.register.events import RecordPart


def plan_part(viewer, pupil) -> RecordPart | None:
    if not can(viewer, "learning_plan.view", pupil):
        return None
    plan = LearningPlan.objects.filter(pupil=pupil).only("pk", "next_review_on").first()
    lines: list[str] = []
    if plan:
        lines = [
            f"“{t.text}” ({t.get_state_display().lower()})"
            for t in Target.objects.filter(plan=plan).exclude(state=Target.State.SET_ASIDE)
        ]
        if plan.next_review_on:
            lines.append(f"Next review: {plan.next_review_on:%-d %B %Y}")
    return RecordPart(
        order=20,
        title="Learning plan",
        href=reverse("learning_plans:plan", args=[pupil.pk]),
        link_text="Their learning plan",
        lines=tuple(lines),
        empty="No targets yet.",
    )
