"""Reading one school's quality standards: a self-evaluation's profile (the chequerboard, and
where each square of its drawing falls), the school's standing, and which judgements are in
force. Each reads a fixed number of queries whatever the number of elements.

Reading across schools has modules of its own: the LA lead's monitoring table (monitoring.py)
and the national indicator (national.py), both counting the judgements in force.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils import timezone

from risingtide.schools.models import School
from risingtide.standards import plans
from risingtide.standards.framework_models import Element, Framework, Level
from risingtide.standards.models import (
    EvidenceLink,
    ImprovementPlan,
    Judgement,
    MonitoringNote,
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


@dataclass
class Profile:
    evaluation: SelfEvaluation
    previous: SelfEvaluation | None
    rows: list[ElementRow]

    @property
    def themes(self) -> list[tuple[object, list[ElementRow]]]:
        grouped: dict[int, list[ElementRow]] = {}
        themes = {}
        for row in self.rows:
            grouped.setdefault(row.element.theme_id, []).append(row)
            themes[row.element.theme_id] = row.element.theme
        return [(themes[k], v) for k, v in grouped.items()]

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
    in_force: SelfEvaluation | None
    draft: SelfEvaluation | None
    history: list[SelfEvaluation]
    plan: ImprovementPlan | None
    plan_rag: str
    notes: list[MonitoringNote]
    profile: Profile | None


def standing(school: School, framework_key: str = "iqs") -> Standing:
    framework = Framework.objects.filter(key=framework_key).first()
    evaluations = list(
        SelfEvaluation.objects.filter(school=school, framework=framework)
        .select_related("version", "submitted_by", "created_by")
        .order_by(F("submitted_at").desc(nulls_first=True), "-created_at")
    )
    draft = next((e for e in evaluations if e.is_draft), None)
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
