"""The screening list (issue 5 §4): who meets the school's criteria but is not on the register
yet, each with the evidence that flagged them.

Its own module because it is one question with its own rules (ranking within each measure,
ties going the pupil's way, progress as a threshold), answered in a fixed number of queries
whatever the school's size: the database ranks, with window functions. It reads and changes
nothing, and checks no one: the view or API endpoint that calls it has already checked that the
user may see the school's pupil data, and logs that they did.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, RowRange, Window
from django.db.models.functions import Rank
from django.db.models.lookups import LessThan

from risingtide.register.models import (
    Attainment,
    Criteria,
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
    current_entry,
    year_label,
)
from risingtide.schools.models import School

# A measure this small says nothing about who is exceptional in it.
MIN_MEASURE_SIZE = 3
RANKED_EVIDENCE = [
    Evidence.Kind.TEST_SCORE,
    Evidence.Kind.TEACHER_ASSESSMENT,
    Evidence.Kind.ATTAINMENT,
]


def _entries(year: int, status: str):
    return current_entry(year).filter(status=status)


def _number(score: float) -> str:
    return f"{score:g}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Reason:
    """One piece of evidence that put a pupil on the screening list.

    ``kind`` is "attainment", "evidence" (a ranked test score or assessment) or "progress";
    ``rank`` (1 = highest, shared by equal scores) and ``cohort`` (how many pupils at the
    school have the measure) are set for the first two.
    """

    kind: str
    measure: str
    score: float
    rank: int | None = None
    cohort: int | None = None
    tied: bool = False  # another pupil has the same score

    @property
    def percent(self) -> int | None:
        """The pupil's place as a share of the cohort, rounded up: 1st of 30 is the top 4%;
        equal scores share the best place (=3rd of 30 is the top 10%)."""
        if not self.rank or not self.cohort:
            return None
        return math.ceil(100 * self.rank / self.cohort)

    @property
    def text(self) -> str:
        if self.kind == "progress":
            return f"{self.measure}: {self.score:+g}"
        place = ("=" if self.tied else "") + _ordinal(self.rank or 0)
        return (
            f"{self.measure}: {_number(self.score)}, top {self.percent}% ({place} of {self.cohort})"
        )

    def __str__(self) -> str:
        return self.text


@dataclass
class Screened:
    """A pupil on roll who meets the criteria and is not identified this year."""

    pupil: Pupil
    reasons: list[Reason] = field(default_factory=list)
    nominated: bool = False


def _top_rows(queryset, partition: list[str], top_percent: int):
    """The rows of ``queryset`` in the top ``top_percent``% of their partition by score, with
    their rank (1 = highest; equal scores share a rank) and the partition's size."""
    # One window for both, so the database sorts once; COUNT's frame is the whole partition
    # (with ORDER BY and no frame it would be a running count).
    window = {"partition_by": [F(name) for name in partition], "order_by": F("score").desc()}
    return (
        queryset.annotate(
            rank=Window(Rank(), **window),
            cohort=Window(Count("pk"), **window, frame=RowRange(None, None)),
        )
        # Fewer than top_percent% scored higher: (rank - 1) / cohort < top_percent / 100,
        # in whole numbers so that SQLite and PostgreSQL agree at the boundary.
        .filter(cohort__gte=MIN_MEASURE_SIZE)
        .filter(LessThan((F("rank") - 1) * 100, F("cohort") * top_percent))
        .order_by()
    )


def screening_list(school: School, criteria: Criteria, year: int | None = None) -> list[Screened]:
    """Pupils on roll at ``school`` who meet ``criteria`` but are not identified on the
    register of academic year ``year`` (this year by default), each with the evidence that
    flagged them and whether they are nominated. Sorted by surname, then forename.

    A pupil meets the criteria when either

    - they are in the top ``criteria.top_percent``% of the school on a *measure*: fewer than
      that share of the pupils with the measure scored strictly higher. Ties go the pupil's
      way: everyone sharing a score at the boundary is in (so with 30 pupils and 10%, the 3
      highest are in, and a fourth too if they share the third's score). A measure is an
      attainment result with a numeric score (key stage, subject, component, method, year) or
      numeric evidence of kind test score, teacher assessment or attainment, by its measure
      text (exactly as written; blank is no measure) and academic year, of which each pupil's
      newest counts. It is ranked among the pupils on roll at the school who have it; a
      measure fewer than three pupils have flags nobody;
    - or they have progress evidence scoring ``criteria.progress_threshold`` or more.

    Measures from every year count: a pupil's KS2 result stays evidence in Year 9. Four
    queries (three when nobody meets the criteria): the ranked results, the ranked evidence,
    the progress evidence and the pupils.
    """
    year = year or academic_year()
    p = criteria.top_percent
    on_roll = {"pupil__school": school, "pupil__on_roll": True}
    reasons: dict[int, list[Reason]] = defaultdict(list)

    # (pupil, kind, measure, score, rank, cohort) of each result or score in the top p%.
    top: list[tuple[int, str, str, float, int, int]] = []
    attainment = _top_rows(
        Attainment.objects.filter(**on_roll, score__isnull=False),
        ["stage", "subject", "component", "method", "year"],
        p,
    ).values_list(
        "pupil_id", "stage", "subject", "component", "method", "year", "score", "rank", "cohort"
    )
    for pupil_id, stage, subject, component, method, when, score, rank, cohort in attainment:
        measure = " ".join(s for s in (stage, subject, component, method, str(when)) if s)
        top.append((pupil_id, "attainment", measure, score, rank, cohort))

    newer = Evidence.objects.filter(
        pupil=OuterRef("pupil"),
        measure=OuterRef("measure"),
        academic_year=OuterRef("academic_year"),
        kind__in=RANKED_EVIDENCE,
        score__isnull=False,
        pk__gt=OuterRef("pk"),
    )
    evidence = _top_rows(
        Evidence.objects.filter(**on_roll, kind__in=RANKED_EVIDENCE, score__isnull=False)
        .exclude(measure="")
        .exclude(Exists(newer)),
        ["measure", "academic_year"],
        p,
    ).values_list("pupil_id", "measure", "academic_year", "score", "rank", "cohort")
    for pupil_id, measure, when, score, rank, cohort in evidence:
        top.append((pupil_id, "evidence", f"{measure} {year_label(when)}", score, rank, cohort))

    # Pupils with equal scores share a rank, so a pupil's equals are in the top p% too.
    scores = Counter((kind, measure, score) for _pupil, kind, measure, score, *_ in top)
    for pupil_id, kind, measure, score, rank, cohort in top:
        tied = scores[kind, measure, score] > 1
        reasons[pupil_id].append(Reason(kind, measure, score, rank, cohort, tied=tied))

    progress = (
        Evidence.objects.filter(
            **on_roll, kind=Evidence.Kind.PROGRESS, score__gte=criteria.progress_threshold
        )
        .order_by("-academic_year", "measure", "pk")
        .values_list("pupil_id", "measure", "academic_year", "score")
    )
    for pupil_id, measure, when, score in progress:
        label = f"Progress ({measure})" if measure else "Progress"
        reasons[pupil_id].append(Reason("progress", f"{label} {year_label(when)}", score))

    if not reasons:
        return []
    pupils = (
        Pupil.objects.filter(pk__in=list(reasons), school=school, on_roll=True)
        .exclude(Exists(_entries(year, RegisterEntry.Status.IDENTIFIED)))
        .annotate(nominated=Exists(_entries(year, RegisterEntry.Status.NOMINATED)))
    )
    order = {"attainment": 0, "evidence": 1, "progress": 2}
    screened = [
        Screened(
            pupil=pupil,
            reasons=sorted(reasons[pupil.pk], key=lambda r: (order[r.kind], r.measure)),
            nominated=pupil.nominated,
        )
        for pupil in pupils
    ]
    # Sorted here, not in SQL, so that SQLite and PostgreSQL agree whatever their collation.
    screened.sort(
        key=lambda s: (s.pupil.surname.casefold(), s.pupil.forename.casefold(), s.pupil.pk)
    )
    return screened
