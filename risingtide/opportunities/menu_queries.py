"""What the menu pages and the menu API read, as data both present (issue 19).

- ``menu_for(user)``: a pupil's menu: every opportunity of their school open to them this
  academic year (their year group in its range, on the menu, not withdrawn), in sections a
  seven-year-old and a sixth-former both find their way around; places left; whether a
  grown-up must say yes; the register domains it matches; the suggestion and its reason when
  the school has suggestions on; their own participations with each state in words; and the
  marketplace services the school shows its pupils (``provision.opportunities``).
- ``participations_of(record)``: one pupil's participations, newest first, each with its
  place on the waiting list: for the pupil's page and for other parts (plans, families).

What staff and carers read (requests, a pupil's page) is in ``menu_requests``.

Every function starts from something that passed access (``visible`` or a guarded object),
and reads in a fixed number of queries whatever the number of opportunities."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from risingtide.access.core import anchors, visible
from risingtide.opportunities import suggestions
from risingtide.opportunities.models import Kind, Opportunity, OpportunityComponent, Participation
from risingtide.opportunities.places import HOLDING
from risingtide.people.models import Membership, Role
from risingtide.provision import opportunities as marketplace
from risingtide.provision.eligibility import year_of
from risingtide.register.models import Pupil, academic_year
from risingtide.register.rows import DOMAINS

State = Participation.State
Consent = Participation.Consent

# The menu's sections, in the order a pupil meets them: (key, heading, what it is, icon, kinds).
SECTIONS = [
    ("clubs", "Clubs", "Meet others who love the same things, every week.", "users", {Kind.CLUB}),
    (
        "days-out",
        "Trips and special days",
        "A day that is not like other days: somewhere new, or something new at school.",
        "map-pin",
        {Kind.TRIP, Kind.ENRICHMENT_DAY},
    ),
    (
        "competitions",
        "Competitions",
        "Try your skills against others, on your own or in a team.",
        "trophy",
        {Kind.COMPETITION},
    ),
    (
        "mentoring",
        "Someone to guide you",
        "An older pupil or an adult who helps you go further.",
        "message-circle",
        {Kind.MENTORING},
    ),
    (
        "further",
        "Going further in lessons",
        "Harder work, moving ahead, or taking an exam early.",
        "graduation-cap",
        {Kind.EXTENSION, Kind.ACCELERATION, Kind.EARLY_ENTRY},
    ),
    ("more", "More to try", "Other things your school has for you.", "star", {Kind.OTHER}),
]
# A participation still going on, for the pupil's "My opportunities" (the rest is history).
ACTIVE = (State.OFFERED, State.ALTERNATIVE, State.PLACE, State.WAITING, State.REQUESTED)


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def name_of(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _waiting_place() -> Coalesce:
    """The participation's place on its waiting list, counted in the database (1 is next)."""
    ahead = (
        Participation.objects.filter(opportunity=OuterRef("opportunity"), state=State.WAITING)
        .filter(
            Q(waiting_since__lt=OuterRef("waiting_since"))
            | Q(waiting_since=OuterRef("waiting_since"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("opportunity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead), 0)


def _places_taken(path: str = "pk") -> Coalesce:
    taken = (
        Participation.objects.filter(opportunity=OuterRef(path), state__in=HOLDING)
        .order_by()
        .values("opportunity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken), 0)


def participations_of(record: Pupil) -> QuerySet:
    """One pupil record's participations, newest first, each with ``ahead`` (how many wait
    before it on a waiting list) and its opportunity's ``places_taken``. ``record`` has passed
    access (a guarded pupil page, or the pupil's own record)."""
    return annotated_participations().filter(pupil=record)


def annotated_participations() -> QuerySet:
    """Participations with what every page shows of them: the opportunity, the alternative,
    who decided, ``ahead`` on the waiting list and the opportunity's ``places_taken``."""
    return Participation.objects.select_related(
        "opportunity__staff_lead", "opportunity__school", "alternative", "decided_by", "pupil"
    ).annotate(ahead=_waiting_place(), places_taken=_places_taken("opportunity"))


# --- words for each state ------------------------------------------------------------------


def _answerer(p: Participation, guide) -> str:
    return name_of(guide) or name_of(p.opportunity.staff_lead) or "your teacher"


def pupil_words(p: Participation, guide=None) -> str:
    """The state as the pupil reads it, in words a seven-year-old follows."""
    s = p.state
    if s == State.REQUESTED:
        return f"Waiting for {_answerer(p, guide)} to answer"
    if s == State.OFFERED:
        who = name_of(p.decided_by) or name_of(p.opportunity.staff_lead) or "Your teacher"
        return f"{who} thinks you would enjoy this. Would you like to do it?"
    if s == State.ALTERNATIVE:
        other = f"“{p.alternative}”" if p.alternative else "something else"
        return f"{name_of(p.decided_by) or 'Your teacher'} suggests {other} instead"
    if s == State.WAITING:
        return f"On the waiting list: {ordinal(getattr(p, 'ahead', 0) + 1)}"
    if s == State.PLACE:
        if p.consent == Consent.AWAITING:
            return "Waiting for your grown-up to say yes"
        return "You have a place!"
    if s == State.TOOK_PART:
        return "You took part"
    if s == State.DECLINED:
        return "You said no thanks"
    if s == State.NOT_NOW:
        return "Not this time" + (f": {p.decision_note}" if p.decision_note else "")
    if p.consent in (Consent.REFUSED, Consent.WITHDRAWN):
        return "Your grown-up said no this time"
    return "You changed your mind"


def pupil_choices(p: Participation) -> list[tuple[str, str]]:
    """What the pupil may do next, as (value, button words)."""
    s = p.state
    if s == State.OFFERED:
        return [("accept", "Yes please!"), ("decline", "No thanks")]
    if s == State.ALTERNATIVE and p.alternative_id:
        return [("alternative", f"Ask for “{p.alternative}”"), ("decline", "No thanks")]
    if s in (State.REQUESTED, State.WAITING):
        return [("withdraw", "I don't want to do this any more")]
    if s == State.PLACE:
        return [("decline", "Give up my place")]
    return []


def tone(p: Participation) -> str:
    """good, waiting, act (the pupil has something to answer) or done: for the page's colours."""
    if p.state in (State.OFFERED, State.ALTERNATIVE):
        return "act"
    if (p.state == State.PLACE and p.consent != Consent.AWAITING) or p.state == State.TOOK_PART:
        return "good"
    if p.state in (State.REQUESTED, State.WAITING, State.PLACE):
        return "waiting"
    return "done"


# --- the pupil's menu ----------------------------------------------------------------------


@dataclass
class Mine:
    """One of the pupil's own participations, as "My opportunities" shows it."""

    participation: Participation
    words: str
    tone: str
    choices: list[tuple[str, str]]

    @property
    def active(self) -> bool:
        return self.participation.state in ACTIVE


@dataclass
class Card:
    """One opportunity on a pupil's menu."""

    opportunity: Opportunity
    section: str
    components: list[str]
    years: str
    when: str
    places_left: int | None
    places: str
    needs_consent: bool
    domains: list[str]  # the pupil's register domains it serves, by name
    suggestion: suggestions.Suggestion | None = None
    mine: Mine | None = None

    @property
    def full(self) -> bool:
        return self.places_left == 0

    @property
    def can_ask(self) -> bool:
        return self.mine is None or self.mine.participation.state in (
            State.WITHDRAWN,
            State.DECLINED,
        )


@dataclass
class Section:
    key: str
    heading: str
    blurb: str
    icon: str
    cards: list[Card] = field(default_factory=list)


@dataclass
class Menu:
    records: list[Pupil]
    sections: list[Section]
    suggested: list[Card]
    mine: list[Mine]
    services: list  # provision.opportunities.Opportunity rows, the school's marketplace choices
    suggestions_on: bool

    @property
    def cards(self) -> list[Card]:
        return [c for s in self.sections for c in s.cards]


def years_words(o: Opportunity) -> str:
    def one(y: int) -> str:
        return "Reception" if y == 0 else f"Year {y}"

    if o.year_from == o.year_to:
        return f"For {one(o.year_from)}"
    return f"For {one(o.year_from)} to {o.year_to}"


def when_words(o: Opportunity) -> str:
    if o.starts_on and o.ends_on and o.ends_on != o.starts_on:
        return f"{o.starts_on:%-d %B} to {o.ends_on:%-d %B %Y}"
    if o.starts_on:
        return f"{o.starts_on:%A %-d %B %Y}"
    return o.get_term_display()


def places_words(left: int | None) -> str:
    if left is None:
        return "Room for everyone"
    if left == 0:
        return "Full: you can join the waiting list"
    return f"{left} place{'s' if left != 1 else ''} left"


def own_records(user) -> list[Pupil]:
    """The pupil's own records on roll (a pupil at two schools has two), through access."""
    return list(
        visible(user, "pupil_opportunities")
        .filter(account=user, on_roll=True)
        .select_related("school", "learning_guide__guide")
        .order_by("school__name", "pk")
    )


def year_of_record(record: Pupil) -> int | None:
    """The record's NC year, else the year group of the pupil's newest teaching group there."""
    year = year_of(record.nc_year)
    if year is not None or record.account_id is None:
        return year
    return (
        Membership.objects.filter(
            user_id=record.account_id,
            role=Role.PUPIL,
            school_id=record.school_id,
            teaching_group__isnull=False,
        )
        .order_by("-teaching_group__academic_year", "-teaching_group__year_group")
        .values_list("teaching_group__year_group", flat=True)
        .first()
    )


def open_to(records: list[Pupil]) -> QuerySet:
    """The opportunities on the menus of these records: their school's, this academic year,
    on the menu, not withdrawn, their year group in range (every year when it is unknown)."""
    if not records:
        return Opportunity.objects.none()
    fits = Q(pk__in=[])
    for record in records:
        year = year_of_record(record)
        here = Q(school_id=record.school_id)
        if year is not None:
            here &= Q(year_from__lte=year, year_to__gte=year)
        fits |= here
    return (
        Opportunity.objects.filter(
            fits, academic_year=academic_year(), on_menu=True, withdrawn_at__isnull=True
        )
        .select_related("staff_lead")
        .prefetch_related(
            Prefetch("components", queryset=OpportunityComponent.objects.order_by("component"))
        )
        .annotate(places_taken=_places_taken())
        .order_by("term", "title", "pk")
    )


def card(o: Opportunity, domains: list[str]) -> Card:
    section = next((key for key, *_, kinds in SECTIONS if o.kind in kinds), "more")
    left = None if o.capacity is None else max(o.capacity - o.places_taken, 0)
    return Card(
        opportunity=o,
        section=section,
        components=[c.get_component_display() for c in o.components.all()],
        years=years_words(o),
        when=when_words(o),
        places_left=left,
        places=places_words(left),
        needs_consent=o.needs_consent,
        domains=[DOMAINS[d] for d in domains if d in (o.subjects or [])],
    )


def _mine(p: Participation, guides: dict[int, object]) -> Mine:
    return Mine(p, pupil_words(p, guides.get(p.pupil_id)), tone(p), pupil_choices(p))


def mine_of(records: list[Pupil]) -> list[Mine]:
    """The pupil's own participations, what they must answer first, then what is going on,
    then the past (one query; ``records`` are the pupil's own, from ``own_records``)."""
    guides = {r.pk: r.learning_guide.guide for r in records if hasattr(r, "learning_guide")}
    mine = [_mine(p, guides) for p in annotated_participations().filter(pupil__in=records)]
    mine.sort(key=lambda m: (not m.active, ACTIVE.index(m.participation.state) if m.active else 0))
    return mine


def mine_one(p: Participation) -> Mine:
    """One participation as the pupil reads it, after an action (two queries)."""
    found = annotated_participations().select_related("pupil__learning_guide__guide").get(pk=p.pk)
    guide = getattr(getattr(found.pupil, "learning_guide", None), "guide", None)
    return Mine(found, pupil_words(found, guide), tone(found), pupil_choices(found))


def menu_for(user) -> Menu:
    """A pupil's menu (about a dozen queries, whatever its length)."""
    records = own_records(user)
    opportunities = list(open_to(records))
    by_record = suggestions.register_domains(records)
    domains = sorted({d for found in by_record.values() for d in found})
    # Register domains are marked on every card; suggestions only where the school turned
    # them on (``suggestions.for_records`` decides, for the page and the API alike).
    on = suggestions.schools_with_suggestions({r.school_id for r in records}) if records else set()
    suggested = suggestions.for_records(records, opportunities, on=on, domains=by_record)
    mine = mine_of(records)
    by_opportunity = {m.participation.opportunity_id: m for m in mine}
    sections = [Section(key, heading, blurb, icon) for key, heading, blurb, icon, _ in SECTIONS]
    by_key = {s.key: s for s in sections}
    cards = []
    for o in opportunities:
        c = card(o, domains)
        c.suggestion = suggested.get(o.pk)
        c.mine = by_opportunity.get(o.pk)
        by_key[c.section].cards.append(c)
        cards.append(c)
    # The marketplace's services the pupil's schools show them, even before the school has
    # linked them to a pupil record (the provision app's own reading).
    held = anchors(user).get(Role.PUPIL)
    schools = sorted(held.schools) if held else []
    services = [row for school in schools for row in marketplace.for_pupil(user, school)]
    return Menu(
        records=records,
        sections=[s for s in sections if s.cards],
        suggested=[c for c in cards if c.suggestion],
        mine=mine,
        services=services,
        suggestions_on=bool(on),
    )


def one_card(opportunity: Opportunity, domains: list[str] = ()) -> Card:
    """One opportunity as its card, for the page a pupil asks on (two queries)."""
    o = (
        Opportunity.objects.filter(pk=opportunity.pk)
        .select_related("staff_lead")
        .prefetch_related(
            Prefetch("components", queryset=OpportunityComponent.objects.order_by("component"))
        )
        .annotate(places_taken=_places_taken())
        .get()
    )
    return card(o, list(domains))
