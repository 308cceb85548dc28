"""Reads for the TASC pages and the API's projects; each makes a fixed number of queries."""

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from risingtide.access.core import can, visible
from risingtide.people.models import Membership, Role, User
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project, Wheel, WheelStage
from risingtide.tasc.wheels import ensure_default_wheel


def wheel_stages(wheel: Wheel, extra_prompts: dict | None = None) -> list[WheelStage]:
    """The wheel's stages in order, each with ``all_prompts`` (the wheel's, then the project's)."""
    stages = sorted(wheel.stages.all(), key=lambda s: STAGE_ORDER.index(s.stage))
    for s in stages:
        s.all_prompts = [*s.prompts, *(extra_prompts or {}).get(s.stage, [])]
    return stages


def pupil_projects(user: User) -> QuerySet[Project]:
    """The projects set to a pupil, once open, as their home page lists them: by status, then
    due date, then title."""
    return (
        visible(user, "project")
        .filter(assignments__isnull=False)
        .distinct()
        .select_related("school")
        .order_by("status", "due_date", "title", "pk")
    )


def school_projects(user: User) -> QuerySet[Project]:
    """Every project of the schools where the person is on the staff, newest first, each with
    its ``assignment_count``, as the projects page lists them."""
    return (
        visible(user, "project", "project.edit")
        .select_related("school", "created_by")
        .annotate(assignment_count=Count("assignments"))
        .order_by("-created_at", "-pk")
    )


def project_list(user: User) -> QuerySet[Project]:
    """The projects a person works with, as their page lists them: a member of staff, their
    schools' projects (the projects page); anyone else, the projects set to them (a pupil's
    home page). The API's project list is this list."""
    if can(user, "project.create"):
        return school_projects(user)
    return pupil_projects(user)


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


def usual_key_stage(user: User) -> str:
    """The key stage most of the person's classes are in, to start a new project with; empty
    when they teach no class (then they choose, rather than meet "Early years" by default)."""
    years = Membership.objects.filter(
        user=user, role=Role.TEACHER, teaching_group__isnull=False
    ).values_list("teaching_group__year_group", flat=True)
    stages = Counter(Project.KeyStage.of_year(year) for year in years)
    return stages.most_common(1)[0][0] if stages else ""
