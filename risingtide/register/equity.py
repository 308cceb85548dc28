"""The equity check (issue 5 §4): whether the register's make-up is fair to each group of the
school's pupils, by FSM, Ever-6, gender, EAL, SEN, ethnic group and looked-after.

Its own module because it is a different question from the screening list, about groups
rather than pupils: one query counts the cohort by every combination of characteristics and
each group is judged against the rest of the cohort. It reads and changes nothing, and checks
no one (the view or API endpoint has, and logs the viewing). Its chart is drawn by
``pictures``, from the plain figures ``equity_chart`` hands it.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import Count, Exists
from django.utils import timezone
from django.utils.safestring import SafeString

from risingtide.register import pictures
from risingtide.register.ethnicity import MAJOR_GROUPS
from risingtide.register.models import (
    Criteria,
    Pupil,
    RegisterEntry,
    academic_year,
    current_entry,
    ever_6,
    fsm_on,
    year_label,
)
from risingtide.register.pupil_groups import HEADINGS
from risingtide.schools.models import School

# Older SEN codes grouped with what replaced them in 2014: School Action (A) and School Action
# Plus (P) became SEN support (K); a statement (S) became an EHC plan (E).
SEN_GROUPS = {
    "": ("none", "No SEN provision"),
    "K": ("support", "SEN support (K; older A, P)"),
    "A": ("support", "SEN support (K; older A, P)"),
    "P": ("support", "SEN support (K; older A, P)"),
    "E": ("plan", "EHC plan or statement (E; older S)"),
    "S": ("plan", "EHC plan or statement (E; older S)"),
}
GENDERS = dict(Pupil.Gender.choices)
ETHNIC_ORDER = list(MAJOR_GROUPS.values())


def _yes_no(yes: str, no: str):
    return lambda value: ("yes", yes) if value else ("no", no)


def _sen(value: str) -> tuple[str, str]:
    return SEN_GROUPS.get(value, (value, f"SEN provision {value}"))


def _gender(value: str) -> tuple[str, str]:
    return (value or "U", GENDERS.get(value or "U", value))


_ETHNIC_LABELS = {label.casefold(): label for label in ETHNIC_ORDER}


def _ethnic(value: str) -> tuple[str, str]:
    value = value.strip() or "Unclassified"
    value = _ETHNIC_LABELS.get(value.casefold(), value)  # "white" is White
    return (value, value)


# (key, heading, the column it is read from, column value -> (group key, label))
# Keys and headings are the shared ones (``pupil_groups``): insights counts by the same groups.
DIMENSIONS = [
    (key, HEADINGS[key], column, grouping)
    for key, column, grouping in [
        ("fsm", "fsm", _yes_no("Eligible for FSM", "Not eligible")),
        ("ever_6", "ever6", _yes_no("Ever-6", "Not Ever-6")),
        ("gender", "gender", _gender),
        ("eal", "eal", _yes_no("EAL", "Not EAL")),
        ("sen", "sen", _sen),
        ("ethnic_group", "ethnic_group", _ethnic),
        ("looked_after", "looked_after", _yes_no("Looked after", "Not looked after")),
    ]
]
_FIXED_ORDER = ["yes", "no", "F", "M", "U", "none", "support", "plan", *ETHNIC_ORDER]


@dataclass(frozen=True)
class Group:
    """One group of the school's pupils (e.g. "Eligible for FSM"): how many are on the
    register, against the rest of the cohort.

    ``rate`` and ``rest_rate`` are shares (0.15 is 15%); ``rest_rate`` is None when the group
    is the whole cohort. ``ratio`` is rate ÷ rest rate, None when the rest rate is None or 0.
    ``flagged``: the ratio is below the school's fraction and the group is big enough to judge;
    ``too_small``: fewer pupils than ``min_group_size`` (shown, never flagged);
    ``rest_too_small``: the rest of the cohort is that small, so the group is all but the whole
    cohort and one or two pupils on the other side would decide its ratio (never flagged).
    """

    dimension: str
    key: str
    label: str
    cohort: int
    identified: int
    rest_cohort: int
    rest_identified: int
    rate: float
    rest_rate: float | None
    ratio: float | None
    flagged: bool
    too_small: bool
    rest_too_small: bool = False

    @property
    def rate_percent(self) -> float:
        return 100 * self.rate

    @property
    def rest_rate_percent(self) -> float | None:
        return None if self.rest_rate is None else 100 * self.rest_rate


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    groups: list[Group]


@dataclass(frozen=True)
class Equity:
    """The register's make-up against the school's pupils on roll (the cohort)."""

    school: School
    year: int
    day: date
    cohort: int
    identified: int
    fraction: float
    min_group_size: int
    dimensions: list[Dimension]

    @property
    def rate(self) -> float | None:
        return self.identified / self.cohort if self.cohort else None

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else 100 * self.rate

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def fraction_label(self) -> str:
        return f"{self.fraction:g}"

    @property
    def flagged(self) -> list[Group]:
        return [g for d in self.dimensions for g in d.groups if g.flagged]

    @property
    def chart(self) -> SafeString:
        """The chart of it, for a template that shows the check without one from its view."""
        return equity_chart(self)


def _group(dimension, key, label, counts, total, fraction, min_size) -> Group:
    cohort, identified = counts
    rest_cohort, rest_identified = total[0] - cohort, total[1] - identified
    rest_rate = rest_identified / rest_cohort if rest_cohort else None
    ratio = None
    below = False
    if rest_identified:  # a rest with nobody identified: nothing to fall below
        ratio = (identified / cohort) / rest_rate
        # Exact fractions: a ratio of exactly 0.8 is not below 0.8.
        exact = Fraction(identified * rest_cohort, cohort * rest_identified)
        below = exact < Fraction(str(fraction))
    too_small = cohort < min_size
    # A group is judged against the rest, so the rest must be big enough to judge too: with one
    # looked-after pupil, identified, "Not looked after" would otherwise be flagged.
    rest_too_small = 0 < rest_cohort < min_size
    return Group(
        dimension=dimension,
        key=key,
        label=label,
        cohort=cohort,
        identified=identified,
        rest_cohort=rest_cohort,
        rest_identified=rest_identified,
        rate=identified / cohort,
        rest_rate=rest_rate,
        ratio=ratio,
        flagged=below and not too_small and not rest_too_small,
        too_small=too_small,
        rest_too_small=rest_too_small,
    )


def equity_check(
    school: School, criteria: Criteria, year: int | None = None, day: date | None = None
) -> Equity:
    """How the register of academic year ``year`` (this year by default) is made up against the
    school's pupils on roll, by FSM on ``day`` (today by default), Ever-6 on ``day``, gender,
    EAL, SEN provision, ethnic major group and looked-after.

    For each group: the pupils in it, those identified (a current entry of status identified
    this year), its rate, the rate among the rest of the cohort and the ratio of the two. A
    group is flagged when its ratio is below ``criteria.equity_fraction`` and it has at least
    ``criteria.min_group_size`` pupils, and so has the rest of the cohort; smaller groups (or
    groups whose rest is that small) are shown but never flagged, and nothing
    is flagged against a rest with nobody identified. Older SEN codes are counted with their
    modern meaning (A and P with K, S with E); a blank ethnic group is "Unclassified". Groups
    with no pupils are left out.

    One query: the cohort counted by every combination of characteristics, from which each
    dimension's groups are summed.
    """
    year = year or academic_year()
    day = day or timezone.localdate()
    identified = Exists(current_entry(year).filter(status=RegisterEntry.Status.IDENTIFIED))
    rows = (
        Pupil.objects.filter(school=school, on_roll=True)
        .annotate(fsm=fsm_on(day), ever6=ever_6(day))
        .values("fsm", "ever6", "gender", "eal", "sen", "ethnic_group", "looked_after")
        .annotate(n=Count("pk"), identified=Count("pk", filter=identified))
        .order_by()
    )
    counted: dict[str, dict[tuple[str, str], list[int]]] = {d[0]: {} for d in DIMENSIONS}
    total = [0, 0]
    for row in rows:
        total[0] += row["n"]
        total[1] += row["identified"]
        for key, _heading, column, grouping in DIMENSIONS:
            counts = counted[key].setdefault(grouping(row[column]), [0, 0])
            counts[0] += row["n"]
            counts[1] += row["identified"]

    def place(group: tuple[str, str]):
        key = group[0]
        return (_FIXED_ORDER.index(key), "") if key in _FIXED_ORDER else (len(_FIXED_ORDER), key)

    dimensions = [
        Dimension(
            key=key,
            label=heading,
            groups=[
                _group(
                    key,
                    group_key,
                    label,
                    counted[key][(group_key, label)],
                    total,
                    criteria.equity_fraction,
                    criteria.min_group_size,
                )
                for group_key, label in sorted(counted[key], key=place)
            ],
        )
        for key, heading, _column, _grouping in DIMENSIONS
    ]
    return Equity(
        school=school,
        year=year,
        day=day,
        cohort=total[0],
        identified=total[1],
        fraction=criteria.equity_fraction,
        min_group_size=criteria.min_group_size,
        dimensions=dimensions,
    )


def equity_chart(equity: Equity, prefix: str = "equity") -> SafeString:
    """The equity check as an inline SVG (``pictures.identification_rates``): its figures, handed
    over as plain rows. ``prefix`` keeps the ids unique if a page shows two charts."""
    return pictures.identification_rates(
        school=equity.school.name,
        year_label=equity.year_label,
        cohort=equity.cohort,
        identified=equity.identified,
        fraction=equity.fraction_label,
        sections=[
            (
                dimension.label,
                [
                    pictures.Bar(
                        g.label, g.rate, g.rest_rate, g.flagged, g.too_small or g.rest_too_small
                    )
                    for g in dimension.groups
                ],
            )
            for dimension in equity.dimensions
        ],
        prefix=prefix,
    )
