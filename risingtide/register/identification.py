"""Identification support (issue 5 §4): who meets the school's criteria but is not on the
register yet (the screening list), and whether the register's make-up is fair to each group of
the school's pupils (the equity check), with a chart of it.

Both read; neither changes anything or checks who is asking: the view or API endpoint that calls
them has already checked that the user may see the school's pupil data, and logs that they did.
Each makes a fixed number of queries whatever the school's size; the ranking and counting are
done by the database (window functions and conditional aggregates).
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Count, Exists, F, OuterRef, RowRange, Window
from django.db.models.functions import Rank
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from risingtide.register.ethnicity import MAJOR_GROUPS
from risingtide.register.models import (
    Attainment,
    Criteria,
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
    current_entry,
    ever_6,
    fsm_on,
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


# --- the screening list ---------------------------------------------------------------------


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


# --- the equity check -----------------------------------------------------------------------

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
DIMENSIONS = [
    ("fsm", "Free school meals now", "fsm", _yes_no("Eligible for FSM", "Not eligible")),
    ("ever_6", "FSM in the last six years (Ever-6)", "ever6", _yes_no("Ever-6", "Not Ever-6")),
    ("gender", "Gender", "gender", _gender),
    ("eal", "English as an additional language", "eal", _yes_no("EAL", "Not EAL")),
    ("sen", "SEN provision", "sen", _sen),
    ("ethnicity", "Ethnic group", "ethnic_group", _ethnic),
    ("looked_after", "Looked after", "looked_after", _yes_no("Looked after", "Not looked after")),
]
_FIXED_ORDER = ["yes", "no", "F", "M", "U", "none", "support", "plan", *ETHNIC_ORDER]


@dataclass(frozen=True)
class Group:
    """One group of the school's pupils (e.g. "Eligible for FSM"): how many are on the
    register, against the rest of the cohort.

    ``rate`` and ``rest_rate`` are shares (0.15 is 15%); ``rest_rate`` is None when the group
    is the whole cohort. ``ratio`` is rate ÷ rest rate, None when the rest rate is None or 0.
    ``flagged``: the ratio is below the school's fraction and the group is big enough to judge;
    ``too_small``: fewer pupils than ``min_group_size`` (shown, never flagged).
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
        flagged=below and not too_small,
        too_small=too_small,
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
    ``criteria.min_group_size`` pupils; smaller groups are shown but never flagged, and nothing
    is flagged against a rest with nobody identified. Older SEN codes are counted with their
    modern meaning (A and P with K, S with E); a blank ethnic group is "Unclassified". Groups
    with no pupils are left out.

    One query: the cohort counted by every combination of characteristics, from which each
    dimension's groups are summed.
    """
    year = year or academic_year()
    day = day or timezone.localdate()
    identified = Exists(_entries(year, RegisterEntry.Status.IDENTIFIED))
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


# --- the chart ------------------------------------------------------------------------------

# The site's palette (static/css/site.css), as presentation attributes: the page's CSP allows
# no style attributes. Contrast on white: INK 15.8, MUTED 7.5, BRAND 7.8, ERROR 7.3 (all text
# and marks meet WCAG AA); GRID is decoration only.
INK, MUTED, BRAND, ERROR = "#1b2330", "#4a5568", "#0b5394", "#b00020"
GRID, PAPER = "#c9d3e0", "#ffffff"
# Columns: group labels end at LABEL_END, bars from BAR_X, the figures in words from NOTE_X.
WIDTH, LABEL_END, BAR_X, BAR_W, NOTE_X = 900, 270, 280, 280, 576
ROW, HEADING, BAR_H, TOP = 28, 30, 16, 100
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
LABEL_MAX = 36  # our own labels fit; a school's own ethnic group text may not


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}%"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _scale(equity: Equity) -> int:
    """The axis's end, a whole percentage: the highest rate shown, rounded up to a tick."""
    rates = [equity.rate or 0]
    for d in equity.dimensions:
        for g in d.groups:
            rates += [g.rate, g.rest_rate or 0]
    step = 10 if max(rates) <= 0.5 else 20
    return min(100, max(step, math.ceil(100 * max(rates) / step - 1e-9) * step))


def _legend(prefix: str, fraction: str) -> SafeString:
    """Two rows of keys: what a bar and the line are, then how flagged and small groups look."""
    return format_html(
        '<g font-size="13" fill="{ink}">'
        '<rect x="0" y="8" width="14" height="14" fill="{brand}"></rect>'
        '<text x="22" y="20">A group’s identification rate</text>'
        '<line x1="327" y1="6" x2="327" y2="24" stroke="{ink}" stroke-width="3"></line>'
        '<text x="338" y="20">The rate among the rest of the pupils</text>'
        '<rect x="0" y="34" width="14" height="14" fill="url(#{p}-hatch)" stroke="{error}" '
        'stroke-width="1.5"></rect>'
        '<text x="22" y="46">⚠ Flagged: below {f} of the rest</text>'
        '<rect x="320" y="34" width="14" height="14" fill="{paper}" stroke="{muted}" '
        'stroke-width="1.5" stroke-dasharray="3 2"></rect>'
        '<text x="338" y="46">Too small to judge</text>'
        "</g>",
        ink=INK,
        brand=BRAND,
        error=ERROR,
        muted=MUTED,
        paper=PAPER,
        p=prefix,
        f=fraction,
    )


def _axis(top: int, bottom: int, end: int) -> SafeString:
    step = 10 if end <= 50 else 20
    ticks = []
    for value in range(0, end + 1, step):
        x = BAR_X + BAR_W * value / end
        ticks.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{grid}"></line>'
                '<text x="{x}" y="{ty}" text-anchor="middle" font-size="12" fill="{muted}">'
                "{value}%</text>",
                x=f"{x:.1f}",
                top=top,
                bottom=bottom,
                ty=top - 6,
                grid=GRID,
                muted=MUTED,
                value=value,
            )
        )
    return _join(ticks)


def _bar(group: Group, y: int, end: int, prefix: str, fraction: str) -> SafeString:
    def x_of(rate: float) -> str:
        return f"{BAR_X + BAR_W * min(100 * rate, end) / end:.1f}"

    width = f"{float(x_of(group.rate)) - BAR_X:.1f}"
    if group.flagged:
        fill, stroke, dash = f"url(#{prefix}-hatch)", ERROR, "none"
    elif group.too_small:
        fill, stroke, dash = PAPER, MUTED, "3 2"
    else:
        fill, stroke, dash = BRAND, BRAND, "none"
    parts = [
        format_html(
            '<text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="{ink}">{label}</text>'
            '<rect x="{bx}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.5" stroke-dasharray="{dash}"></rect>',
            lx=LABEL_END,
            ty=y + 13,
            ink=INK,
            label=_short(group.label),
            bx=BAR_X,
            y=y,
            w=width,
            h=BAR_H,
            fill=fill,
            stroke=stroke,
            dash=dash,
        )
    ]
    if group.rest_rate is not None:
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="{ink}" stroke-width="3">'
                "</line>",
                x=x_of(group.rest_rate),
                y0=y - 5,
                y1=y + BAR_H + 5,
                ink=INK,
            )
        )
    if group.rest_rate is None:
        note = format_html("{} (all the pupils)", _pct(group.rate))
    else:
        note = format_html("{} (rest {})", _pct(group.rate), _pct(group.rest_rate))
    if group.flagged:
        note = format_html(
            '{} <tspan fill="{}" font-weight="700">⚠ Below {} of the rest</tspan>',
            note,
            ERROR,
            fraction,
        )
    elif group.too_small:
        note = format_html("{} · too small to judge", note)
    parts.append(
        format_html(
            '<text x="{x}" y="{ty}" font-size="13" fill="{ink}">{note}</text>',
            x=NOTE_X,
            ty=y + 13,
            ink=INK,
            note=note,
        )
    )
    return _join(parts)


def _description(equity: Equity) -> str:
    text = (
        f"Bars show the share of each group of the school’s {equity.cohort} pupils on roll "
        f"identified on the {equity.year_label} register; a line across each bar marks the "
        f"rate among the rest of the pupils. Overall {_pct(equity.rate)} "
        f"({equity.identified} of {equity.cohort})."
    )
    flagged = equity.flagged
    if flagged:
        listed = "; ".join(
            f"{g.label}: {_pct(g.rate)} against {_pct(g.rest_rate)}" for g in flagged
        )
        text += f" Below {equity.fraction_label} of the rest: {listed}."
    else:
        text += f" No group is below {equity.fraction_label} of the rest."
    return text + " The table gives every figure."


def equity_chart(equity: Equity, prefix: str = "equity") -> SafeString:
    """The equity check as an inline SVG: per group, a bar of its identification rate with a
    line at the rate among the rest of the pupils. Flagged groups are hatched and say so in
    words; groups too small to judge are outlined and say so. ``role="img"`` with a title and
    a description; the page's table is the full text alternative. ``prefix`` keeps the ids
    unique if a page shows two charts. Every text is escaped."""
    title = f"Identification rate by group, {equity.school.name}, {equity.year_label}"
    if not equity.cohort:
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 40" width="100%" '
            'role="img" aria-labelledby="{p}-title {p}-desc" focusable="false">'
            '<title id="{p}-title">{title}</title><desc id="{p}-desc">No pupils on roll.</desc>'
            '<text x="0" y="24" font-size="14" fill="{ink}" font-family="{font}">'
            "No pupils on roll.</text></svg>",
            w=WIDTH,
            p=prefix,
            title=title,
            ink=INK,
            font=FONT,
        )
    end = _scale(equity)
    fraction = equity.fraction_label
    rows = []
    y = TOP
    for dimension in equity.dimensions:
        rows.append(
            format_html(
                '<text x="0" y="{y}" font-size="14" font-weight="700" fill="{ink}">{label}</text>',
                y=y + 18,
                ink=INK,
                label=dimension.label,
            )
        )
        y += HEADING
        for group in dimension.groups:
            rows.append(_bar(group, y + 6, end, prefix, fraction))
            y += ROW
    height = y + 10
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{p}-title {p}-desc" focusable="false" font-family="{font}">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
        '<defs><pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{paper}"></rect>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{error}" stroke-width="3"></line>'
        "</pattern></defs>"
        "{legend}{axis}{rows}</svg>",
        w=WIDTH,
        h=height,
        p=prefix,
        font=FONT,
        title=title,
        desc=_description(equity),
        paper=PAPER,
        error=ERROR,
        legend=_legend(prefix, fraction),
        axis=_axis(TOP - 8, y, end),
        rows=_join(rows),
    )
