"""Reading quality standards: a self-evaluation's profile (the chequerboard), a school's
standing, the LA lead's monitoring table and the national indicator. Each reads a fixed
number of queries whatever the number of schools or elements."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from risingtide.people.models import Membership, Role
from risingtide.schools.models import LocalAuthority, Nation, School
from risingtide.standards import plans
from risingtide.standards.framework_models import Element, Framework, FrameworkVersion, Level
from risingtide.standards.models import (
    EvidenceLink,
    ImprovementPlan,
    Judgement,
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


# --- the LA lead's monitoring table ------------------------------------------------------


@dataclass
class SchoolLine:
    school: School
    levels: dict[int, int | None]  # element number -> level
    overall: int | None
    submitted_at: dt.datetime | None
    last_note: dt.date | None
    has_leading_teacher: bool
    plan_id: int | None
    due: int = 0
    overdue: int = 0
    done: int = 0

    @property
    def last_review(self) -> dt.date | None:
        dates = [d for d in (self.last_note, self.submitted_at and self.submitted_at.date()) if d]
        return max(dates) if dates else None

    @property
    def level_cells(self) -> list[int | None]:
        return [self.levels.get(n) for n in sorted(self.levels)]


@dataclass
class Monitoring:
    local_authority: LocalAuthority
    elements: list[Element]
    lines: list[SchoolLine]
    total: int
    without_leading_teacher: int
    without_plan: int
    without_judgement: int


FLAGS = {
    "no_leading_teacher": "No leading teacher",
    "no_plan": "No current plan",
    "no_judgement": "No submitted self-evaluation",
    "overdue": "Actions overdue",
}


def _in_force(framework_id) -> SelfEvaluation:
    return SelfEvaluation.objects.filter(
        framework_id=framework_id, status="submitted", superseded_at__isnull=True
    )


def la_monitoring(
    la: LocalAuthority,
    *,
    element: int | None = None,
    level: int | None = None,
    flag: str = "",
    framework_key: str = "iqs",
) -> Monitoring:
    """Every school of the LA: its level on each element (from the judgement in force), plan
    progress, last review and gaps; narrowed to schools at ``level`` on ``element`` (level 0:
    not judged) or showing ``flag``. Six queries whatever the size of the LA."""
    framework = Framework.objects.filter(key=framework_key).first()
    today = timezone.localdate()
    judged = _in_force(framework.pk if framework else None)
    running = ImprovementPlan.objects.filter(starts_on__lte=today, ends_on__gte=today)
    lead = Membership.objects.filter(role=Role.LEADING_TEACHER, user__is_active=True).filter(
        Q(school=OuterRef("pk")) | Q(cluster__isnull=False, cluster=OuterRef("cluster_id"))
    )
    schools = School.objects.filter(local_authority=la).annotate(
        has_lead=Exists(lead),
        evaluation_id=Subquery(judged.filter(school=OuterRef("pk")).values("pk")[:1]),
        overall=Subquery(judged.filter(school=OuterRef("pk")).values("overall_level")[:1]),
        submitted=Subquery(judged.filter(school=OuterRef("pk")).values("submitted_at")[:1]),
        last_note=Subquery(
            MonitoringNote.objects.filter(school=OuterRef("pk"))
            .order_by("-reviewed_on")
            .values("reviewed_on")[:1]
        ),
        plan_id=Subquery(
            running.filter(school=OuterRef("pk")).order_by("-starts_on", "-pk").values("pk")[:1]
        ),
    )
    counts = (
        School.objects.filter(local_authority=la)
        .annotate(
            has_lead=Exists(lead),
            judged=Exists(judged.filter(school=OuterRef("pk"))),
            planned=Exists(running.filter(school=OuterRef("pk"))),
        )
        .aggregate(
            total=Count("pk"),
            no_lead=Count("pk", filter=Q(has_lead=False)),
            no_plan=Count("pk", filter=Q(planned=False)),
            no_judgement=Count("pk", filter=Q(judged=False)),
        )
    )
    newest_version = (
        FrameworkVersion.objects.filter(framework=framework, active=True)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    if element is not None and level is not None:
        if level == 0:
            schools = schools.exclude(
                pk__in=Judgement.objects.filter(
                    evaluation__in=judged,
                    element__number=element,
                    element__version=Subquery(newest_version),
                    level__isnull=False,
                ).values("evaluation__school_id")
            )
        else:
            schools = schools.filter(
                pk__in=Judgement.objects.filter(
                    evaluation__in=judged,
                    element__number=element,
                    element__version=Subquery(newest_version),
                    level=level,
                ).values("evaluation__school_id")
            )
    if flag == "no_leading_teacher":
        schools = schools.filter(has_lead=False)
    elif flag == "no_plan":
        schools = schools.filter(plan_id__isnull=True)
    elif flag == "no_judgement":
        schools = schools.filter(evaluation_id__isnull=True)
    elif flag == "overdue":
        # Overdue in the plan the table shows (the running one), as its column counts.
        schools = schools.filter(
            plan_id__in=PlanAction.objects.filter(due_on__lt=today)
            .exclude(status__in=plans.CLOSED)
            .values("plan_id")
        )
    found = list(schools.order_by("name"))
    elements = (
        list(
            Element.objects.filter(version__framework=framework, version__active=True).order_by(
                "-version__created_at", "number"
            )
        )
        if framework
        else []
    )
    # The newest active version's elements name the columns.
    if elements:
        newest = elements[0].version_id
        elements = [e for e in elements if e.version_id == newest]
    numbers = [e.number for e in elements]
    columns = elements[0].version_id if elements else None
    by_evaluation: dict[int, dict[int, int | None]] = defaultdict(dict)
    evaluation_ids = [s.evaluation_id for s in found if s.evaluation_id]
    # Only levels judged on the version the columns name fill them: a revision may renumber
    # its elements. A school judged on another version shows its whole-school level only.
    for evaluation_id, number, lv in Judgement.objects.filter(
        evaluation_id__in=evaluation_ids, element__version_id=columns
    ).values_list("evaluation_id", "element__number", "level"):
        by_evaluation[evaluation_id][number] = lv
    progress = {
        row["plan_id"]: row
        for row in PlanAction.objects.filter(plan_id__in=[s.plan_id for s in found if s.plan_id])
        .values("plan_id")
        .annotate(
            done=Count("pk", filter=Q(status=PlanAction.Status.DONE)),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=plans.CLOSED)),
            due=Count("pk", filter=Q(due_on__gte=today) & ~Q(status__in=plans.CLOSED)),
        )
    }
    lines = []
    for s in found:
        levels = by_evaluation.get(s.evaluation_id, {})
        p = progress.get(s.plan_id, {})
        lines.append(
            SchoolLine(
                s,
                {n: levels.get(n) for n in numbers},
                s.overall,
                s.submitted,
                s.last_note,
                s.has_lead,
                s.plan_id,
                due=p.get("due", 0),
                overdue=p.get("overdue", 0),
                done=p.get("done", 0),
            )
        )
    return Monitoring(
        la,
        elements,
        lines,
        counts["total"],
        counts["no_lead"],
        counts["no_plan"],
        counts["no_judgement"],
    )


# --- the national indicator -----------------------------------------------------------------


@dataclass
class LevelCounts:
    label: str
    counts: dict[int, int]  # level (0: not yet judged) -> schools
    total: int

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(lv, 0) for lv in (*Level.values, 0)]


@dataclass
class Indicator:
    nation: Nation
    framework: Framework | None
    overall: LevelCounts
    elements: list[tuple[Element, LevelCounts]]
    by_la: list[LevelCounts]
    by_phase: list[LevelCounts]
    over_time: list[LevelCounts]  # one per academic year: schools by level at its end
    # The CQS: schools where a teacher has completed a classroom reflection, and the Layer 2
    # levels of the completed reflections teachers have shared (never an unshared one).
    classroom_schools: int = 0
    classroom: list[tuple[Element, LevelCounts]] = field(default_factory=list)


def _counts(label: str, rows: dict[int, int], total: int) -> LevelCounts:
    judged = sum(v for k, v in rows.items() if k)
    return LevelCounts(label, {**rows, 0: max(total - judged, 0)}, total)


def _year_ends(first: dt.datetime | None, today: dt.date) -> list[tuple[str, dt.datetime]]:
    """The end (31 August) of each academic year from the first submission to now; the year
    under way counts up to now."""
    if first is None:
        return []
    first_date = timezone.localtime(first).date()
    start = first_date.year if first_date.month >= 9 else first_date.year - 1
    current = today.year if today.month >= 9 else today.year - 1
    ends = []
    for year in range(start, current + 1):
        # Midnight at the start of 1 September, local time (BST then, not UTC).
        end = dt.datetime(year + 1, 9, 1, tzinfo=timezone.get_current_timezone())
        label = f"{year}/{(year + 1) % 100:02d}"
        ends.append((label, min(end, timezone.now())))
    return ends[-10:]


def indicator(nation: Nation, framework_key: str = "iqs") -> Indicator:
    """Schools at each level, overall and per element, by LA and phase, and over the years:
    counted only from submitted judgements. A fixed number of queries however many schools."""
    framework = Framework.objects.filter(key=framework_key).first()
    schools = School.objects.filter(local_authority__nation=nation)
    judged = _in_force(framework.pk if framework else None).filter(
        school__local_authority__nation=nation
    )
    total = schools.count()
    overall = dict(
        judged.values("overall_level").annotate(n=Count("pk")).values_list("overall_level", "n")
    )
    elements = []
    newest = (
        framework.versions.filter(active=True).order_by("-created_at", "-pk").first()
        if framework
        else None
    )
    per_element: dict[int, dict[int, int]] = defaultdict(dict)
    # Per element only on the version the rows name (a revision may renumber elements); the
    # whole-school counts above take every version. Grouped by the element's key, read from
    # the judgement row itself: no join to the elements.
    newest_elements = list(newest.elements.order_by("number")) if newest is not None else []
    for element_id, lv, n in (
        Judgement.objects.filter(
            evaluation__in=judged, element_id__in=[e.pk for e in newest_elements]
        )
        .values("element_id", "level")
        .annotate(n=Count("pk"))
        .values_list("element_id", "level", "n")
    ):
        per_element[element_id][lv] = n
    for element in newest_elements:
        elements.append((element, _counts(element.name, per_element.get(element.pk, {}), total)))
    la_totals = dict(
        schools.values("local_authority_id")
        .annotate(n=Count("pk"))
        .values_list("local_authority_id", "n")
    )
    la_levels: dict[int, dict[int, int]] = defaultdict(dict)
    for la_id, lv, n in (
        judged.values("school__local_authority_id", "overall_level")
        .annotate(n=Count("pk"))
        .values_list("school__local_authority_id", "overall_level", "n")
    ):
        la_levels[la_id][lv] = n
    by_la = [
        _counts(la.name, la_levels.get(la.pk, {}), la_totals.get(la.pk, 0))
        for la in LocalAuthority.objects.filter(nation=nation).order_by("name")
    ]
    phase_totals = dict(schools.values("phase").annotate(n=Count("pk")).values_list("phase", "n"))
    phase_levels: dict[str, dict[int, int]] = defaultdict(dict)
    for phase, lv, n in (
        judged.values("school__phase", "overall_level")
        .annotate(n=Count("pk"))
        .values_list("school__phase", "overall_level", "n")
    ):
        phase_levels[phase][lv] = n
    by_phase = [
        _counts(label, phase_levels.get(value, {}), phase_totals.get(value, 0))
        for value, label in School.Phase.choices
        if phase_totals.get(value)
    ]
    history = SelfEvaluation.objects.filter(
        framework=framework,
        status=SelfEvaluation.Status.SUBMITTED,
        school__local_authority__nation=nation,
    )
    first = history.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    ends = _year_ends(first, timezone.localdate())
    over_time = []
    if ends:
        aggregates = {}
        for i, (_, end) in enumerate(ends):
            in_force_then = Q(submitted_at__lte=end) & (
                Q(superseded_at__isnull=True) | Q(superseded_at__gt=end)
            )
            aggregates[f"y{i}"] = Count("pk", filter=in_force_then)
        per_year: list[dict[int, int]] = [{} for _ in ends]
        for row in history.values("overall_level").annotate(**aggregates):
            for i in range(len(ends)):
                per_year[i][row["overall_level"]] = row[f"y{i}"]
        over_time = [_counts(label, per_year[i], total) for i, (label, _) in enumerate(ends)]
    classroom_schools, classroom = _classroom_counts(nation)
    return Indicator(
        nation,
        framework,
        _counts("All schools", overall, total),
        elements,
        by_la,
        by_phase,
        over_time,
        classroom_schools,
        classroom,
    )


def _classroom_counts(nation: Nation) -> tuple[int, list[tuple[Element, LevelCounts]]]:
    from risingtide.standards.models import ClassroomEvaluation, FeatureLevel

    completed = ClassroomEvaluation.objects.filter(
        school__local_authority__nation=nation, completed_at__isnull=False
    )
    schools = completed.values("school_id").distinct().count()
    shared = completed.filter(shared_at__isnull=False)
    version = (
        FrameworkVersion.objects.filter(framework__key="cqs", active=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    per_feature: dict[int, dict[int, int]] = defaultdict(dict)
    reflections = shared.count()
    for number, lv, n in (
        FeatureLevel.objects.filter(evaluation__in=shared, level__isnull=False)
        .values("element__number", "level")
        .annotate(n=Count("pk"))
        .values_list("element__number", "level", "n")
    ):
        per_feature[number][lv] = n
    features = []
    if version is not None:
        for element in version.elements.order_by("number"):
            features.append(
                (
                    element,
                    _counts(
                        f"{element.number} {element.name}",
                        per_feature.get(element.number, {}),
                        reflections,
                    ),
                )
            )
    return schools, features


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
