"""The national indicator: schools at each level of the IQS, overall and per element, by LA
and phase and over the years, counted only from submitted judgements; and how far the CQS
has reached classrooms. A fixed number of queries however many schools.

Its own module because it reads a whole nation, where queries.py reads one school and
monitoring.py one LA.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from risingtide.schools.models import LocalAuthority, Nation, School
from risingtide.standards.framework_models import Element, Framework, FrameworkVersion, Level
from risingtide.standards.models import (
    ClassroomEvaluation,
    FeatureLevel,
    Judgement,
    SelfEvaluation,
)
from risingtide.standards.queries import in_force


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
    judged = in_force(framework.pk if framework else None).filter(
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
