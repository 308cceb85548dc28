"""Reads for the TASC pages; each makes a fixed number of queries."""

import math
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from risingtide.access.core import visible
from risingtide.people.models import User
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project, Wheel, WheelStage
from risingtide.tasc.wheels import ensure_default_wheel


def wheel_stages(wheel: Wheel, extra_prompts: dict | None = None) -> list[WheelStage]:
    """The wheel's stages in order, each with ``all_prompts`` (the wheel's, then the project's)."""
    stages = sorted(wheel.stages.all(), key=lambda s: STAGE_ORDER.index(s.stage))
    for s in stages:
        s.all_prompts = [*s.prompts, *(extra_prompts or {}).get(s.stage, [])]
    return stages


def pupil_projects(user: User) -> list[Project]:
    return list(
        visible(user, "project")
        .filter(assignments__isnull=False)
        .distinct()
        .select_related("school")
        .order_by("status", "due_date", "title")
    )


def school_projects(user: User) -> list[Project]:
    return list(
        visible(user, "project", "project.edit")
        .select_related("school", "created_by")
        .annotate(assignment_count=Count("assignments"))
        .order_by("-created_at")
    )


def project_page(project: Project) -> dict:
    project = (
        Project.objects.select_related("wheel", "school", "created_by", "copied_from")
        .prefetch_related(
            Prefetch("wheel__stages"),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("teaching_group", "pupil").order_by(
                    "teaching_group__name", "pupil__last_name"
                ),
            ),
        )
        .get(pk=project.pk)
    )
    return {"project": project, "stages": wheel_stages(project.wheel, project.stage_prompts)}


def usable_wheels(user: User):
    ensure_default_wheel()
    return visible(user, "wheel").select_related("school").order_by("school_id", "name", "-version")


@dataclass(frozen=True)
class Segment:
    number: int
    stage: str
    title: str
    question: str
    state: str  # "done", "current" or "todo"
    path: str
    label_x: float
    label_y: float


def wheel_segments(
    stages: list[WheelStage], done: set[str] = frozenset(), current: str | None = None
) -> list[Segment]:
    """Eight ring segments, clockwise from the top, as SVG paths on a 200×200 canvas."""
    cx = cy = 100
    outer, inner = 96, 42
    segments = []
    for index, s in enumerate(stages):
        a0 = math.radians(-90 + index * 45 + 1)
        a1 = math.radians(-90 + (index + 1) * 45 - 1)

        def point(r, a):
            return f"{cx + r * math.cos(a):.2f} {cy + r * math.sin(a):.2f}"

        path = (
            f"M {point(outer, a0)} A {outer} {outer} 0 0 1 {point(outer, a1)} "
            f"L {point(inner, a1)} A {inner} {inner} 0 0 0 {point(inner, a0)} Z"
        )
        mid = (a0 + a1) / 2
        state = "done" if s.stage in done else "current" if s.stage == current else "todo"
        segments.append(
            Segment(
                number=index + 1,
                stage=s.stage,
                title=s.title,
                question=s.question,
                state=state,
                path=path,
                label_x=round(cx + (outer + inner) / 2 * math.cos(mid), 2),
                label_y=round(cy + (outer + inner) / 2 * math.sin(mid), 2),
            )
        )
    return segments
