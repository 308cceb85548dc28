"""Reading one school's quality standards: a self-evaluation's profile (the chequerboard, and
where each square of its drawing falls), the school's standing and its self-evaluations, which
judgements are in force, and an improvement plan. Each reads a fixed number of queries whatever
the number of elements; the school's pages and the API read the same functions.

Reading across schools has modules of its own: the LA lead's monitoring table (monitoring.py)
and the national indicator (national.py), both counting the judgements in force.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards import plans
from risingtide.standards.framework_models import (
    Element,
    Framework,
    FrameworkVersion,
    Level,
    Theme,
)
from risingtide.standards.models import (
    EvidenceLink,
    ImprovementPlan,
    Judgement,
    Milestone,
    MonitoringNote,
    PlanAction,
    SelfEvaluation,
)

LEVELS = list(Level)


# --- one self-evaluation as a chequerboard ------------------------------------------------


@dataclass
class ElementRow:
    judgement: Judgement
    element: Element
    level: int | None
    before: int | None
    links: list[EvidenceLink] = field(default_factory=list)

    @property
    def change(self) -> str:
        """Against the judgement before: up, down, same, new (no earlier level), or ""."""
        if self.level is None:
            return ""
        if self.before is None:
            return "new"
        return "up" if self.level > self.before else "down" if self.level < self.before else "same"

    @property
    def change_label(self) -> str:
        return {
            "up": f"up from {Level(self.before).label}" if self.before else "",
            "down": f"down from {Level(self.before).label}" if self.before else "",
            "same": "no change",
            "new": "first judgement",
        }.get(self.change, "")

    @property
    def cells(self) -> list[tuple[Level, bool]]:
        """Each level and whether the element has reached it (the levels are cumulative)."""
        return [(lv, self.level is not None and lv <= self.level) for lv in LEVELS]

    @property
    def needs(self) -> list[str]:
        """What the element still needs before the draft can be submitted (as
        ``services.missing`` says it): a level, evidence (written or attached), both, or none."""
        needs = [] if self.level is not None else ["a level"]
        if not self.judgement.evidence and not self.links:
            needs.append("evidence")
        return needs

    @property
    def answered(self) -> bool:
        return not self.needs


@dataclass
class ThemeProgress:
    """One theme of a self-evaluation and how far its elements are answered."""

    theme: Theme
    rows: list[ElementRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answered)

    @property
    def unanswered(self) -> list[ElementRow]:
        return [r for r in self.rows if not r.answered]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass
class Profile:
    evaluation: SelfEvaluation
    previous: SelfEvaluation | None
    rows: list[ElementRow]

    @property
    def themes(self) -> list[tuple[Theme, list[ElementRow]]]:
        grouped: dict[int, list[ElementRow]] = {}
        themes = {}
        for row in self.rows:
            grouped.setdefault(row.element.theme_id, []).append(row)
            themes[row.element.theme_id] = row.element.theme
        return [(themes[k], v) for k, v in grouped.items()]

    @cached_property
    def progress(self) -> list[ThemeProgress]:
        """Each theme, in the framework's order, with its elements and how many are answered."""
        return [ThemeProgress(theme, rows) for theme, rows in self.themes]

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answered)

    def theme_to_show(self, code: str = "") -> ThemeProgress | None:
        """The theme a draft's page shows: the one whose code is ``code``, or else the first
        with an element still to answer (the first theme once all are answered). None for a
        code the framework does not have."""
        progress = self.progress
        if code:
            return next((t for t in progress if t.theme.code == code), None)
        return next((t for t in progress if not t.complete), progress[0] if progress else None)

    @property
    def counts(self) -> list[tuple[Level, int]]:
        return [(lv, sum(1 for r in self.rows if r.level == lv)) for lv in LEVELS]

    @property
    def judged(self) -> int:
        return sum(1 for r in self.rows if r.level is not None)

    @property
    def overall(self) -> Level | None:
        levels = [r.level for r in self.rows]
        return Level(min(levels)) if levels and None not in levels else None


def profile(evaluation: SelfEvaluation) -> Profile:
    """Every element of one self-evaluation, its level, evidence and the change since the
    judgement before it (for a draft: the judgement in force). Three queries."""
    previous = evaluation.previous
    if evaluation.is_draft:
        previous = (
            SelfEvaluation.objects.filter(
                school_id=evaluation.school_id,
                framework_id=evaluation.framework_id,
                status=SelfEvaluation.Status.SUBMITTED,
                superseded_at__isnull=True,
            )
            .exclude(pk=evaluation.pk)
            .select_related("version")
            .first()
        )
    judgements = list(
        evaluation.judgements.select_related("element__theme", "updated_by").order_by(
            "element__number"
        )
    )
    links: dict[int, list[EvidenceLink]] = defaultdict(list)
    for link in EvidenceLink.objects.filter(judgement__evaluation=evaluation).select_related(
        "project"
    ):
        links[link.judgement_id].append(link)
    # Matched by element number: a later version keeps its elements' numbers.
    before = (
        dict(Judgement.objects.filter(evaluation=previous).values_list("element__number", "level"))
        if previous
        else {}
    )
    rows = [
        ElementRow(j, j.element, j.level, before.get(j.element_id), links[j.pk]) for j in judgements
    ]
    return Profile(evaluation, previous, rows)


# --- one school -----------------------------------------------------------------------------


@dataclass
class Standing:
    school: School
    framework: Framework | None
    evaluations: list[SelfEvaluation]  # those the viewer may open, listed as the API lists them
    in_force: SelfEvaluation | None
    draft: SelfEvaluation | None
    history: list[SelfEvaluation]
    plan: ImprovementPlan | None
    plan_rag: str
    notes: list[MonitoringNote]
    profile: Profile | None


def school_evaluations(user: User, school: School, framework_key: str = "iqs") -> QuerySet:
    """The school's self-evaluations on a framework that ``user`` may see, as the school's
    standards page lists them: the draft first (for those who may open it), then the
    judgements, newest submitted first. The API lists these too."""
    return (
        visible(user, "self_evaluation")
        .filter(school=school, framework__key=framework_key)
        .select_related("framework", "version", "submitted_by", "created_by")
        .order_by(F("submitted_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def standing(user: User, school: School, framework_key: str = "iqs") -> Standing:
    framework = Framework.objects.filter(key=framework_key).first()
    evaluations = list(school_evaluations(user, school, framework_key))
    draft = next((e for e in evaluations if e.is_draft), None)
    if draft is None:
        # Whoever sees the school's standards is told a draft is under way, with when it was
        # last saved, even one who may not open it (the LA): the notice shows nothing of it.
        draft = SelfEvaluation.objects.filter(
            school=school, framework=framework, status=SelfEvaluation.Status.DRAFT
        ).first()
    history = [e for e in evaluations if not e.is_draft]
    current = next((e for e in history if e.superseded_at is None), None)
    plan = plans.current_plan(school)
    rag = ""
    if plan is not None:
        rag = plans.plan_rag(
            list(plan.actions.all()), list(plan.milestones.all()), timezone.localdate()
        )
    notes = list(school.monitoring_notes.select_related("author")[:20])
    return Standing(
        school,
        framework,
        evaluations,
        current,
        draft,
        history,
        plan,
        rag,
        notes,
        profile(current) if current else None,
    )


def in_force(framework_id) -> QuerySet[SelfEvaluation]:
    """The judgements in force on a framework: each school's newest submitted one."""
    return SelfEvaluation.objects.filter(
        framework_id=framework_id, status="submitted", superseded_at__isnull=True
    )


def framework_list() -> QuerySet[Framework]:
    """Every framework with its versions, newest first, as the frameworks page and the API
    list them (frameworks are published texts, the same for everyone who may read them)."""
    return Framework.objects.prefetch_related(
        Prefetch("versions", FrameworkVersion.objects.order_by("-created_at", "-pk"))
    ).order_by("name", "pk")


# --- one improvement plan ------------------------------------------------------------------


@dataclass
class ActionRow:
    action: PlanAction
    rag: str


@dataclass
class PlanDetail:
    plan: ImprovementPlan
    today: dt.date
    actions: list[ActionRow]
    milestones: list[Milestone]
    rag: str

    @property
    def action_list(self) -> list[PlanAction]:
        return [row.action for row in self.actions]


def plans_of_schools(school_ids) -> QuerySet[ImprovementPlan]:
    """The running improvement plans of these schools, each made from a submitted
    self-evaluation (what training's completion rule looks for), newest first."""
    today = timezone.localdate()
    return ImprovementPlan.objects.filter(
        school_id__in=school_ids,
        starts_on__lte=today,
        ends_on__gte=today,
        evaluation__status="submitted",
    ).order_by("-starts_on", "-pk")


def plan_detail(plan: ImprovementPlan) -> PlanDetail:
    """A plan as its page and the API show it: its actions in the plan's order, each with its
    RAG today, its milestones by due date, and the plan's RAG. Two queries."""
    today = timezone.localdate()
    actions = list(plan.actions.select_related("element").order_by("position", "pk"))
    milestones = list(plan.milestones.order_by("due_on", "pk"))
    return PlanDetail(
        plan,
        today,
        [ActionRow(a, plans.action_rag(a, today)) for a in actions],
        milestones,
        plans.plan_rag(actions, milestones, today),
    )


# --- the chequerboard, drawn -----------------------------------------------------------------

BOARD_LABEL_WIDTH, BOARD_CELL, BOARD_ROW, BOARD_TOP = 380, 96, 30, 34
BOARD_LABEL_CHARS = 50
CHANGE_MARKS = {"up": "▲", "down": "▼", "same": "=", "new": "•"}


def _clipped(text: str) -> str:
    return text if len(text) <= BOARD_LABEL_CHARS else text[: BOARD_LABEL_CHARS - 1] + "…"


def board(profile: Profile) -> dict:
    """Where each square of the chequerboard falls: elements down, levels across, a square
    filled for each level an element has reached, and the change since the judgement before.
    The table beside it carries the same facts for those who do not see the drawing."""
    rows = []
    for i, row in enumerate(profile.rows):
        y = BOARD_TOP + i * BOARD_ROW
        rows.append(
            {
                "y": y,
                "text_y": y + BOARD_ROW // 2 + 5,
                "label": _clipped(f"{row.element.number} {row.element.name}"),
                "name": f"{row.element.number} {row.element.name}",
                "cells": [
                    {"x": BOARD_LABEL_WIDTH + j * BOARD_CELL, "reached": reached, "level": lv}
                    for j, (lv, reached) in enumerate(row.cells)
                ],
                "mark": CHANGE_MARKS.get(row.change, ""),
                "change": row.change,
            }
        )
    return {
        "width": BOARD_LABEL_WIDTH + 3 * BOARD_CELL + 50,
        "height": BOARD_TOP + len(rows) * BOARD_ROW + 4,
        "cell": BOARD_CELL - 4,
        "row": BOARD_ROW - 4,
        "heads": [
            {"x": BOARD_LABEL_WIDTH + j * BOARD_CELL + BOARD_CELL // 2, "label": lv.label}
            for j, lv in enumerate(LEVELS)
        ],
        "mark_x": BOARD_LABEL_WIDTH + 3 * BOARD_CELL + 20,
        "rows": rows,
    }
