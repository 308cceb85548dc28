"""Where each pupil on the register stands against the school's entitlement in one term.

The entitlement (``Entitlement``, or the defaults while the school has set none: 2 a term
across 2 components, one beyond the classroom) is a promise to every pupil on the register,
so "short" is read pupil by pupil: how many opportunities they hold this term, across how many
of the five components, and whether one is beyond the classroom. A pupil *holds* an
opportunity of the term's academic year whose term is that term or the whole year when they
have a place (with a carer's consent where one is needed) or have taken part; a place awaiting
consent does not count yet (nor does a marketplace place waiting for one). A marketplace place
(``provision.models.Place``) in a session that starts in the term counts as one more
opportunity, beyond the classroom.

Short pupils get their reasons in words, the cause first (nothing offered, declined, waiting:
and which wait), then what is missing ("1 of 2 this term"). The learning plans' caseload page
calls ``standing`` for its own pupils; the entitlement page, the equity of provision and the
API read it too. Four queries whatever the number of pupils: the entitlement, the register,
the participations counted per pupil in SQL, the marketplace places counted per pupil in SQL."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from risingtide.opportunities.models import Component, Entitlement, Participation, Term
from risingtide.provision import periods
from risingtide.provision.models import Booking, Place
from risingtide.provision.models import Consent as PlaceConsent
from risingtide.register.models import RegisterEntry
from risingtide.schools.models import School

State = Participation.State
Consent = Participation.Consent
TERMS = ("autumn", "spring", "summer")

# Held: a place with consent settled (or none needed), or taken part.
HELD = Q(state=State.PLACE, consent__in=[Consent.NOT_NEEDED, Consent.GIVEN]) | Q(
    state=State.TOOK_PART
)
# Still in hand, in the words a short pupil's reason uses, in this order.
WAITING = {
    "asked": (Q(state=State.REQUESTED), "asked", "asked"),
    "offered": (Q(state__in=[State.OFFERED, State.ALTERNATIVE]), "offered", "offered"),
    "waiting_list": (Q(state=State.WAITING), "on the waiting list", "on the waiting list"),
    "consent": (
        Q(state=State.PLACE, consent=Consent.AWAITING),
        "awaiting a carer's consent",
        "awaiting a carer's consent",
    ),
}
DECLINED = {
    "declined": (Q(state=State.DECLINED), "declined"),
    "not_now": (Q(state=State.NOT_NOW), "not this time"),
    "consent_refused": (
        Q(state=State.WITHDRAWN, consent__in=[Consent.REFUSED, Consent.WITHDRAWN]),
        "consent not given",
    ),
}


@dataclass(frozen=True)
class Rule:
    """The entitlement in force: the school's row, or the defaults while it has none."""

    per_term: int = 2
    components: int = 2
    beyond_classroom: bool = True
    set_by_school: bool = False

    @property
    def words(self) -> str:
        text = (
            f"at least {self.per_term} opportunit{'y' if self.per_term == 1 else 'ies'} a term "
            f"across at least {self.components} of the five components"
        )
        if self.beyond_classroom:
            text += ", one of them beyond the classroom"
        return text


def rule_for(school: School) -> Rule:
    """The school's entitlement, or the defaults (one query)."""
    return rules_for(school).get(school.pk, Rule())


def rules_for(schools) -> dict[int, Rule]:
    """The entitlements ``schools`` (a school, or a queryset or list of school ids) have set,
    by school id (one query); a school missing from the answer keeps the defaults."""
    return {
        row.school_id: Rule(row.per_term, row.components, row.beyond_classroom, True)
        for row in Entitlement.objects.filter(_schools(schools))
    }


def _schools(schools, path: str = "school") -> Q:
    if isinstance(schools, School):
        return Q(**{path: schools})
    return Q(**{f"{path}__in": schools})


def chosen_term(term_code: str | None = None) -> periods.Period:
    """A term from its code ("term:2026:autumn"), the current one when none is given;
    ``ValueError`` for a code that is no term."""
    if not term_code:
        return periods.current()
    found = periods.parse(term_code)
    if not found.code.startswith("term:"):
        raise ValueError(f"{term_code!r} is not a term")
    return found


def term_parts(term: periods.Period) -> tuple[int, str]:
    """(academic year, "autumn") of a term's period."""
    _, year, which = term.code.split(":")
    return int(year), which


def term_choices(today=None) -> list[periods.Period]:
    """The terms a page offers: this academic year's and last year's, latest first."""
    return [p for p in periods.choices(today) if p.code.startswith("term:")]


@dataclass(frozen=True)
class Standing:
    """One pupil against the entitlement in one term. ``reasons`` is empty when ``met``."""

    met: bool
    reasons: tuple[str, ...]
    taken: int  # opportunities held, marketplace places included
    components: int  # distinct components of those
    beyond: bool  # one of them beyond the classroom
    marketplace: int = 0  # of ``taken``, marketplace places
    waiting: tuple[tuple[str, int], ...] = ()  # (what, how many) still in hand
    declined: int = 0
    offered: int = 0  # participations of any kind this term (nothing offered when 0)
    missing: tuple[str, ...] = field(default=())  # the unmet parts, in words

    @property
    def cause(self) -> str:
        """The first reason: nothing offered, declined or waiting (empty when met)."""
        return self.reasons[0] if self.reasons and not self.met else ""


def register_entries(schools, year: int) -> QuerySet:
    """The entries that put pupils on the register of ``schools`` (a school, or a queryset or
    list of school ids) in ``year``: current, identified. "On the register" means this, in
    the register app as here (``RegisterEntry.on_register``)."""
    return RegisterEntry.objects.filter(
        _schools(schools),
        academic_year=year,
        current=True,
        status=RegisterEntry.Status.IDENTIFIED,
    )


def _counts(year: int, which: str, pupils) -> dict[int, dict]:
    """Each pupil's participations this term counted in SQL, one row a pupil."""
    condition = HELD
    aggregates = {
        "held": Count("pk", distinct=True, filter=condition),
        "components": Count("opportunity__components__component", distinct=True, filter=condition),
        "beyond": Count(
            "pk",
            distinct=True,
            filter=condition & Q(opportunity__components__component=Component.BEYOND),
        ),
        "any": Count("pk", distinct=True),
    }
    for key, (q, _one, _many) in WAITING.items():
        aggregates[f"w_{key}"] = Count("pk", distinct=True, filter=q)
    for key, (q, _words) in DECLINED.items():
        aggregates[f"d_{key}"] = Count("pk", distinct=True, filter=q)
    rows = (
        Participation.objects.filter(
            pupil_id__in=pupils,
            # The pupil's own school's opportunities (a pupil record is one school's).
            opportunity__school=F("pupil__school"),
            opportunity__academic_year=year,
            opportunity__term__in=[which, Term.YEAR],
            opportunity__withdrawn_at__isnull=True,
        )
        .values("pupil_id")
        .annotate(**aggregates)
        .order_by()
    )
    return {row["pupil_id"]: row for row in rows}


def _marketplace(term: periods.Period, pupils) -> dict[int, int]:
    """Each pupil's marketplace places in sessions starting in the term, counted in SQL."""
    rows = (
        Place.objects.filter(
            pupil_id__in=pupils,
            active=True,
            booking__school=F("pupil__school"),
            session__starts_at__date__gte=term.start,
            session__starts_at__date__lte=term.end,
            # A place that waits for a parent's consent (or was refused it) is not held yet.
            consent__in=(PlaceConsent.NOT_NEEDED, PlaceConsent.GIVEN),
        )
        .exclude(booking__status=Booking.Status.CANCELLED)
        .values("pupil_id")
        .annotate(n=Count("session", distinct=True))
        .order_by()
    )
    return {row["pupil_id"]: row["n"] for row in rows}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def judge(rule: Rule, row: dict | None, market: int) -> Standing:
    """One pupil's standing from their counted participations and marketplace places."""
    row = row or {}
    held = row.get("held", 0) + market
    beyond = bool(row.get("beyond", 0) or market)
    components = row.get("components", 0) + (1 if market and not row.get("beyond", 0) else 0)
    missing = []
    if held < rule.per_term:
        missing.append(f"{held} of {rule.per_term} this term")
    if components < rule.components:
        missing.append(
            f"{components} component{'' if components == 1 else 's'} of {rule.components}"
        )
    if rule.beyond_classroom and not beyond:
        missing.append("nothing beyond the classroom")
    waiting = tuple(
        (words if row.get(f"w_{key}", 0) == 1 else many, row.get(f"w_{key}", 0))
        for key, (_q, words, many) in WAITING.items()
        if row.get(f"w_{key}", 0)
    )
    declined_parts = [
        (words, row.get(f"d_{key}", 0))
        for key, (_q, words) in DECLINED.items()
        if row.get(f"d_{key}", 0)
    ]
    declined = sum(n for _w, n in declined_parts)
    offered = row.get("any", 0) + market
    met = not missing
    causes = []
    if not met:
        if offered == 0:
            causes.append("nothing offered")
        else:
            if waiting:
                causes.append("waiting: " + ", ".join(f"{n} {w}" for w, n in waiting))
            if declined_parts == [("declined", declined)]:
                causes.append(f"declined {_plural(declined, 'opportunity', 'opportunities')}")
            elif declined:
                causes.append("declined: " + ", ".join(f"{n} {w}" for w, n in declined_parts))
            if not waiting and not declined:
                causes.append("nothing more offered")
    return Standing(
        met=met,
        reasons=tuple(causes + missing) if not met else (),
        taken=held,
        components=components,
        beyond=beyond,
        marketplace=market,
        waiting=waiting,
        declined=declined,
        offered=offered,
        missing=tuple(missing),
    )


def standings(
    schools, term: periods.Period, pupil_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, Standing]]:
    """(school id, standing) of each pupil on the register of ``schools`` (a school, or a
    queryset or list of school ids) in ``term``, each against their own school's entitlement,
    by pupil id. Four queries whatever the number of schools and pupils."""
    year, which = term_parts(term)
    on_register = register_entries(schools, year)
    if pupil_ids is not None:
        on_register = on_register.filter(pupil_id__in=pupil_ids)
    found = list(on_register.values_list("pupil_id", "school_id").order_by())
    rules = rules_for(schools)
    # The register again as a subquery, not a list of ids: a long list is many SQL parameters.
    pupils = on_register.values("pupil_id")
    counts = _counts(year, which, pupils)
    market = _marketplace(term, pupils)
    return {
        pk: (school_id, judge(rules.get(school_id, Rule()), counts.get(pk), market.get(pk, 0)))
        for pk, school_id in found
    }


def standing(
    school: School, term_code: str | None = None, pupil_ids: Iterable[int] | None = None
) -> dict[int, Standing]:
    """Each pupil on the school's register in the term's academic year (or those of
    ``pupil_ids`` who are on it), by register.Pupil id, against the school's entitlement in
    the term ``term_code`` ("term:2026:autumn"; the current term when None). ``pupil_ids``
    may be a list or a queryset of ids (kept in SQL). Four queries, whatever the number of
    pupils; ``ValueError`` for a code that is no term."""
    found = standings(school, chosen_term(term_code), pupil_ids)
    return {pk: found_standing for pk, (_school, found_standing) in found.items()}
