"""Funding rounds: the national programme allocates to its LAs, an LA to its schools, in one go.

A round is worked out first (``by_hand`` or ``by_formula``), shown to the giver as a preview,
and only then posted (``post``): one allocation per line with credits, all in one database
transaction, so a round is posted whole or not at all.

The formula, from the register (as the equity check counts it):

    credits = floor(per_pupil × (pupils not disadvantaged + disadvantaged × weight% / 100))

counting, in each school (or each LA's schools), the pupils on roll whose current register
entry this academic year says *identified*; a pupil is *disadvantaged* when eligible for free
school meals today or at any time in the last six years (Ever-6, which includes FSM now). With
``per_pupil`` 100 and weight 150%, a school with 10 identified pupils of whom 4 are
disadvantaged gets floor(100 × (6 + 4 × 1.5)) = 1,200 credits. Only counts leave the register.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Q
from django.utils import timezone

from risingtide.credits import services
from risingtide.credits.ledger import whole_credits
from risingtide.credits.models import Transaction
from risingtide.credits.queries import usable
from risingtide.register.models import (
    Pupil,
    RegisterEntry,
    academic_year,
    current_entry,
    ever_6,
    fsm_on,
)
from risingtide.schools.models import LocalAuthority, Nation, School

WEIGHT_LIMITS = (100, 500)  # a disadvantaged pupil counts as 1 to 5 pupils


@dataclass(frozen=True)
class Line:
    recipient: LocalAuthority | School
    amount: int
    identified: int | None = None  # by formula: the register's counts behind the amount
    disadvantaged: int | None = None


@dataclass(frozen=True)
class Round:
    source: Nation | LocalAuthority
    lines: list[Line]
    pot: int  # what the giver can allocate today
    formula: tuple[int, int] | None = None  # (per pupil, weight %) when by formula

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def short(self) -> int:
        """How many credits the giver lacks for this round (0 when it can pay)."""
        return max(0, self.total - self.pot)

    @property
    def left(self) -> int:
        return self.pot - self.total

    @property
    def paid_lines(self) -> list[Line]:
        return [line for line in self.lines if line.amount > 0]


def recipients(source: Nation | LocalAuthority):
    """The places directly below the giver, by name."""
    if isinstance(source, Nation):
        return LocalAuthority.objects.filter(nation=source).order_by("name")
    return School.objects.filter(local_authority=source).order_by("name")


def register_counts(
    source: Nation | LocalAuthority, day: date | None = None
) -> dict[int, tuple[int, int]]:
    """For each place below ``source``: (identified pupils, of whom disadvantaged), in one
    query."""
    day = day or timezone.localdate()
    identified = current_entry(academic_year(day)).filter(status=RegisterEntry.Status.IDENTIFIED)
    pupils = Pupil.objects.filter(on_roll=True).filter(Exists(identified))
    if isinstance(source, Nation):
        place = "school__local_authority_id"
        pupils = pupils.filter(school__local_authority__nation=source)
    else:
        place = "school_id"
        pupils = pupils.filter(school__local_authority=source)
    rows = (
        pupils.annotate(fsm=fsm_on(day), ever6=ever_6(day))
        .values(place)
        .annotate(n=Count("pk"), d=Count("pk", filter=Q(fsm=True) | Q(ever6=True)))
        .order_by()
    )
    return {row[place]: (row["n"], row["d"]) for row in rows}


def _pot(source) -> int:
    return usable(services.account_of(source))


def by_hand(source: Nation | LocalAuthority, amounts: dict[int, int]) -> Round:
    """A round of the amounts typed for each place below (by its id; missing means none)."""
    lines = [Line(place, amounts.get(place.pk, 0)) for place in recipients(source)]
    return Round(source, lines, _pot(source))


def by_formula(source: Nation | LocalAuthority, per_pupil, weight_percent: int) -> Round:
    """A round by the formula in this module's docstring."""
    per_pupil = whole_credits(per_pupil, "per_pupil")
    low, high = WEIGHT_LIMITS
    if not low <= weight_percent <= high:
        raise ValidationError(
            {"weight": f"Give a weighting from {low}% to {high}% (100% means no extra weight)."}
        )
    counts = register_counts(source)
    lines = []
    for place in recipients(source):
        n, d = counts.get(place.pk, (0, 0))
        amount = per_pupil * (100 * (n - d) + weight_percent * d) // 100
        lines.append(Line(place, amount, n, d))
    return Round(source, lines, _pot(source), (per_pupil, weight_percent))


def post(actor, round_: Round, expires_on: date | None, memo: str, key: str) -> list[Transaction]:
    """Post every line with credits as one allocation, all or nothing. ``key`` (the form's
    one-time key) makes each line's idempotency key, so a repeated request posts once."""
    lines = round_.paid_lines
    if not lines:
        raise ValidationError("Nothing to post: every amount in this round is 0.", code="empty")
    try:
        with transaction.atomic():
            return [
                services.allocate(
                    actor,
                    round_.source,
                    line.recipient,
                    line.amount,
                    expires_on,
                    memo,
                    key=f"round:{key}:{line.recipient.pk}",
                )
                for line in lines
            ]
    except ValidationError as exc:
        if getattr(exc, "code", None) in ("too_few_credits", "credits_expired"):
            pot = _pot(round_.source)
            raise ValidationError(
                f"The round needs {round_.total:,} credits but {round_.source} can allocate "
                f"{pot:,}: it is {round_.total - pot:,} short. Nothing was posted.",
                code="pot_too_small",
            ) from exc
        raise
