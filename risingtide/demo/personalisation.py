"""The demo's personalised provision at Riverton Academy (issue 19): the school's provision map
for this academic year, its entitlement (two a term across two components, one beyond the
classroom) with profiles and suggestions turned on, a learning guide for every pupil on its
register, and for a handful of pupils (the demo pupil Maya among them) a profile in their own
words with its history, staff observations, a personal learning plan with evidence, a review
and a conversation. Maya's mum signs in as ``carer``: Maya's place on the residential waits for
her consent. Another family's invitation is waiting to be used.

Most register pupils meet the entitlement; a few are short for the reasons schools meet:
a pupil identified this term with nothing set up yet, one on the full debate club's waiting
list, one who declined, one offered a club who has not answered. Dates follow the day the demo
is loaded (past events taken part in, coming ones asked for), kept inside this academic year.

First the coordinator identifies Maya through the register's services (her teacher nominates
her on the evidence of her bee hotel design), so the pupil who signs in is on the register.
Then rows go in with bulk inserts, and the guides' answers to the last requests through
``opportunities.places.grant``: a fraction of a second in all. The pupils' own words are in
``personalisation_text``; ``personalisation_voices`` writes their profiles and plans."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from risingtide.demo import personalisation_voices as voices
from risingtide.demo.personalisation_text import HANDFUL, OPPORTUNITIES, SHORT
from risingtide.learners.models import LearningGuide, Personalisation
from risingtide.opportunities import places
from risingtide.opportunities.models import (
    Entitlement,
    Opportunity,
    OpportunityComponent,
    Participation,
    Term,
)
from risingtide.people.models import Role, User
from risingtide.portfolios.models import Item
from risingtide.provision import periods
from risingtide.provision.models import Place
from risingtide.register import services as register
from risingtide.register.models import Pupil, RegisterEntry, academic_year
from risingtide.schools.models import School

State, Consent = Participation.State, Participation.Consent
CARER = "carer"  # the demo carer's sign-in name (world.DEMO_ACCOUNTS)
# Which guide has which year groups: the demo teacher the Year 7s, the coordinator Year 11.
GUIDES = {7: "teacher", 8: "staff2", 9: "staff2", 10: "staff0", 11: "coordinator"}


def _school_day(day: date, last: date | None = None) -> date:
    """A weekend day moves to the Monday (or back to the Friday, past ``last``)."""
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    return monday if last is None or monday <= last else day - timedelta(days=day.weekday() - 4)


class _Clock:
    """Dates of this academic year, relative to the day the demo is loaded."""

    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year = academic_year(self.today)
        self.first, self.last = date(self.year, 9, 8), date(self.year + 1, 7, 16)

    def day(self, offset: int, weekday: int | None = None) -> date:
        """``offset`` days from today inside this academic year, moved to a school day (or to
        ``weekday``, 5 for Saturday)."""
        day = min(max(self.today + timedelta(days=offset), self.first), self.last)
        if weekday is None:
            return _school_day(day, self.last)
        moved = day + timedelta(days=(weekday - day.weekday()) % 7)
        return moved if moved <= self.last else moved - timedelta(days=7)

    def school_day(self, day: date) -> date:
        return _school_day(day, self.last)

    def at(self, day: date, hour: int = 10) -> datetime:
        """A moment on ``day``, never later than now."""
        return min(timezone.make_aware(datetime.combine(day, time(hour))), self.now)

    def ago(self, days: int) -> datetime:
        return self.now - timedelta(days=days, hours=days % 5)


def _staff(school: School) -> dict[str, User]:
    staff = {u: User.objects.get(username=u) for u in ("coordinator", "teacher", "head")}
    others = (
        User.objects.filter(
            memberships__school=school, memberships__role=Role.TEACHER, is_active=True
        )
        .exclude(username__in=staff)
        .distinct()
        .order_by("username")
    )
    for n, user in enumerate(others[:3]):
        staff[f"staff{n}"] = user
    for n in range(3):  # a smaller school: its coordinator leads the rest
        staff.setdefault(f"staff{n}", staff["coordinator"])
    return staff


def _identify_maya(school: School, staff: dict[str, User], maya: Pupil) -> None:
    """Her teacher nominates her on her bee hotel design; the coordinator identifies her."""
    if RegisterEntry.objects.filter(
        pupil=maya, academic_year=academic_year(), current=True, status="identified"
    ).exists():
        return
    sketch = Item.objects.filter(
        portfolio__members=maya.account, title="My bee hotel design"
    ).first()
    register.nominate(
        staff["teacher"],
        maya,
        domains=["science", "design_technology"],
        summary="Her bee hotel design weighs evidence from three sources and two tested "
        "prototypes; she explains every choice.",
        item=sketch,
    )
    register.decide(
        staff["coordinator"],
        maya,
        status=RegisterEntry.Status.IDENTIFIED,
        domains=["science", "design_technology"],
        reason="Nomination and portfolio work agree: designs, tests and explains well beyond "
        "Year 7.",
        next_review=date(academic_year() + 1, 6, 30),
    )


def _map(school: School, staff, clock: _Clock) -> dict[str, Opportunity]:
    made = {}
    for spec in OPPORTUNITIES:
        if spec.when == "year":
            starts, ends, term = clock.first, clock.last, Term.YEAR
        else:
            offset, days = spec.when
            starts = clock.day(offset, 5 if spec.saturdays else None)
            ends = min(starts + timedelta(days=days - 1), clock.last)
            term = periods.term_of(starts)
        made[spec.key] = Opportunity(
            school=school,
            title=spec.title,
            description=spec.description,
            kind=spec.kind,
            wave=spec.wave,
            domain=spec.domain,
            subjects=list(spec.subjects),
            year_from=spec.years[0],
            year_to=spec.years[1],
            academic_year=clock.year,
            term=term,
            starts_on=starts,
            ends_on=ends,
            staff_lead=staff[spec.lead],
            capacity=spec.capacity,
            cost_pounds=spec.cost,
            needs_consent=spec.consent,
            on_menu=spec.on_menu,
            created_by=staff["coordinator"],
        )
    Opportunity.objects.bulk_create(made.values())
    OpportunityComponent.objects.bulk_create(
        OpportunityComponent(opportunity=made[spec.key], component=c)
        for spec in OPPORTUNITIES
        for c in spec.components
    )
    return made


class _Takes:
    """Participations waiting for one bulk insert, capacity kept as ``places.grant`` keeps it."""

    def __init__(self, opportunities: dict[str, Opportunity], clock: _Clock):
        self.opportunities, self.clock = opportunities, clock
        self.rows: dict[tuple[str, int], Participation] = {}
        self.specs = {s.key: s for s in OPPORTUNITIES}

    def held(self, key: str) -> int:
        return sum(1 for (k, _), p in self.rows.items() if k == key and p.state in places.HOLDING)

    def room(self, key: str) -> bool:
        capacity = self.opportunities[key].capacity
        return capacity is None or self.held(key) < capacity

    def fits(self, key: str, pupil: Pupil) -> bool:
        low, high = self.specs[key].years
        return low <= _year(pupil) <= high and (key, pupil.pk) not in self.rows

    def add(self, key, pupil, state, *, reason="", by=None, guide=None, note="") -> Participation:
        """``state`` as planned: a place becomes "took part" once the opportunity is over,
        and a request left open on one that is over becomes "not this time"."""
        opp, clock = self.opportunities[key], self.clock
        over = opp.ends_on < clock.today
        if state in (State.PLACE, State.TOOK_PART):
            if not self.room(key):
                raise RuntimeError(f"The demo over-fills {opp}")
            state = State.TOOK_PART if over else State.PLACE
        elif state in (State.REQUESTED, State.WAITING, State.OFFERED) and over:
            state, note = State.NOT_NOW, note or "It filled up before we could offer a place."
        asked = clock.at(min(opp.starts_on - timedelta(days=21), clock.today - timedelta(2)), 9)
        asked = max(asked, clock.at(date(clock.year, 9, 1), 9))
        asked = min(asked + timedelta(minutes=len(self.rows)), clock.now)  # one at a time
        p = Participation(
            opportunity=opp,
            pupil=pupil,
            state=state,
            reason=reason,
            decision_note=note,
            requested_by=by or pupil.account or guide,
        )
        p.created_at = p.updated_at = asked
        if state not in (State.REQUESTED, State.OFFERED) and guide is not None:
            p.decided_by, p.decided_at = guide, min(asked + timedelta(days=3), clock.now)
            p.updated_at = p.decided_at
        if state == State.WAITING:
            p.waiting_since = p.decided_at or asked
        if state == State.TOOK_PART:
            p.updated_at = clock.at(opp.ends_on, 17)
        if opp.needs_consent and state in places.HOLDING:
            p.consent, p.consent_at = Consent.GIVEN, min(asked + timedelta(days=5), clock.now)
        self.rows[(key, pupil.pk)] = p
        return p

    def fill(self, key: str, pool: list[Pupil], upto: int, guide: User, rng) -> None:
        """Other pupils of the school take places, up to ``upto`` held."""
        candidates = [p for p in pool if self.fits(key, p)]
        rng.shuffle(candidates)
        for pupil in candidates:
            if self.held(key) >= upto or not self.room(key):
                break
            self.add(key, pupil, State.PLACE, guide=guide)

    def save(self) -> list[Participation]:
        rows = list(self.rows.values())
        Participation.objects.bulk_create(rows)
        # Insert stamps "now" on auto times; put back when each thing happened.
        Participation.objects.bulk_update(
            rows, ["created_at", "updated_at", "decided_at", "waiting_since", "consent_at"]
        )
        return rows


def _year(pupil: Pupil) -> int:
    return int(pupil.nc_year) if pupil.nc_year.isdigit() else 0


def _register(school: School, year: int) -> list[tuple[Pupil, RegisterEntry]]:
    entries = RegisterEntry.objects.filter(
        school=school, academic_year=year, current=True, status=RegisterEntry.Status.IDENTIFIED
    ).select_related("pupil", "pupil__account")
    found = [(e.pupil, e) for e in entries]
    return sorted(found, key=lambda pe: (_year(pe[0]), pe[0].legal_surname, pe[0].pk))


def _choose_handful(register_pupils, maya: Pupil) -> dict[str, Pupil]:
    """Maya, then for each other voice the first register pupil of its domains and years (or
    of its years, or anyone left)."""
    chosen = {"maya": maya}
    for voice in HANDFUL[1:]:
        low, high = voice.years
        left = [(p, e) for p, e in register_pupils if p not in chosen.values()]
        in_years = [(p, e) for p, e in left if low <= _year(p) <= high]
        in_domains = [p for p, e in in_years if set(e.domains) & set(voice.domains)]
        found = in_domains or [p for p, _ in in_years] or [p for p, _ in left]
        if found:
            chosen[voice.slot] = found[0]
    return chosen


def _short_ones(register_pupils, handful, booked: set[int]) -> dict[str, Pupil]:
    """Who is short, and why: chosen among the register pupils outside the handful who have no
    marketplace place (one would count for them)."""
    rest = [(p, e) for p, e in register_pupils if p.pk not in handful and p.pk not in booked]
    picked: dict[str, Pupil] = {}

    def take(reason, test):
        if reason in picked:
            return
        for p, e in rest:
            if p not in picked.values() and test(p, e):
                picked[reason] = p
                return

    # Identified this year by the coordinator's decision: nothing set up for them yet.
    take("nothing_offered", lambda p, e: e.source == "decision")
    take("nothing_offered", lambda p, e: True)
    debate = {"english", "history", "re", "classics", "languages"}
    take("waiting", lambda p, e: bool(set(e.domains) & debate))
    take("waiting", lambda p, e: True)
    take("declined", lambda p, e: e.talented and "music" in e.domains)
    take("declined", lambda p, e: True)
    take("offered", lambda p, e: _year(p) <= 9)
    return picked


# The club each register pupil takes, by their domains (first that fits), else any with room.
CLUBS = ["maths_circle", "stem_club", "debate", "choir", "mentoring", "music_mentoring"]


def _participations(takes: _Takes, register_pupils, handful, short, pool, guides, staff, rng):
    specs = takes.specs
    # The handful first: what each asked for, holds and took part in.
    for voice in HANDFUL:
        pupil = handful.get(voice.slot)
        if pupil is None:
            continue
        guide = guides[pupil.pk]
        for key, state, reason in voice.takes:
            if not takes.fits(key, pupil):
                continue
            note = voice.notes.get(key, "").format(name=pupil.forename)
            if state == "declined":
                takes.add(key, pupil, State.DECLINED, by=guide, guide=guide, note=note)
            elif state in ("granted", "waiting"):
                # Asked; the guide's yes goes through places.grant below (a place, or the
                # waiting list of a club that is full by then).
                takes.add(key, pupil, State.REQUESTED, reason=reason)
            else:
                takes.add(key, pupil, state, reason=reason, guide=guide)
    # Everyone else on the register: the lessons' extension and a club, but the short ones.
    for pupil, entry in register_pupils:
        if pupil.pk in handful or pupil == short.get("nothing_offered"):
            continue
        guide = guides[pupil.pk]
        takes.add("extension", pupil, State.PLACE, guide=guide)
        if pupil == short.get("waiting"):
            takes.add("debate", pupil, State.REQUESTED, reason=SHORT["waiting"])
            continue
        if pupil == short.get("declined"):
            key = next((k for k in ("choir", "maths_circle") if takes.fits(k, pupil)), None)
            if key:
                takes.add(key, pupil, State.DECLINED, by=guide, guide=guide, note=SHORT["declined"])
            continue
        if pupil == short.get("offered"):
            takes.add("council", pupil, State.PLACE, guide=guide)
            takes.add("stem_club", pupil, State.OFFERED, by=guide, note=SHORT["offered"])
            continue
        domains = set(entry.domains)
        fitting = [k for k in CLUBS if takes.fits(k, pupil) and takes.room(k)]
        key = next((k for k in fitting if domains & set(specs[k].subjects)), None)
        key = key or next((k for k in fitting if not specs[k].subjects), None) or fitting[0]
        takes.add(key, pupil, State.PLACE, reason="", guide=guide)
        # Term-time events of their domains, for colour.
        for extra in ("museum", "maths_challenge", "team_challenge", "cyber", "writers"):
            fits = takes.fits(extra, pupil) and takes.room(extra)
            if fits and domains & set(specs[extra].subjects) and rng.random() < 0.7:
                takes.add(extra, pupil, State.PLACE, guide=guide)
    # The rest of the school fills the map: nearly full here, full (with a list) at debate.
    coordinator = staff["coordinator"]
    for key, upto in (
        ("debate", 10), ("masterclass", 3), ("oxford", 5), ("early_entry", 7),
        ("mentoring", 5), ("museum", 16), ("maths_challenge", 11), ("team_challenge", 8),
        ("residential", 11), ("writers", 12), ("cyber", 6), ("choir", 14), ("council", 8),
        ("stem_club", 12), ("maths_circle", 9), ("art", 7),
    ):  # fmt: skip
        takes.fill(key, pool, upto, coordinator, rng)
    # One family said no to the residential: the place went back.
    for pupil in pool:
        if takes.fits("residential", pupil):
            p = takes.add("residential", pupil, State.REQUESTED, guide=coordinator)
            p.state, p.consent = State.WITHDRAWN, Consent.REFUSED
            p.consent_at = p.decided_at = p.updated_at = min(
                p.created_at + timedelta(days=6), takes.clock.now
            )
            break
    for p in takes.rows.values():  # the museum's consents were given on paper, Maya's online
        if p.pupil.account_id == handful["maya"].account_id and p.consent == Consent.GIVEN:
            p.consent_by = staff["carer"]


def load(school: School, rng: random.Random) -> None:
    """Riverton Academy's personalised provision (``school``), the same for a seed."""
    clock = _Clock()
    staff = _staff(school)
    maya = Pupil.objects.select_related("account").get(school=school, account__username="pupil")
    _identify_maya(school, staff, maya)
    Personalisation.objects.create(
        school=school, profiles_on=True, suggestions_on=True, changed_by=staff["coordinator"]
    )
    Entitlement.objects.create(
        school=school, per_term=2, components=2, beyond_classroom=True,
        changed_by=staff["coordinator"],
    )  # fmt: skip
    opportunities = _map(school, staff, clock)

    register_pupils = _register(school, clock.year)
    guides = {p.pk: staff[GUIDES.get(_year(p), "coordinator")] for p, _ in register_pupils}
    LearningGuide.objects.bulk_create(
        LearningGuide(pupil=p, guide=guides[p.pk], assigned_by=staff["coordinator"])
        for p, _ in register_pupils
    )
    carer = staff["carer"] = User.objects.get(username=CARER)

    handful = _choose_handful(register_pupils, maya)
    booked = set(
        Place.objects.filter(pupil__school=school, active=True).values_list("pupil_id", flat=True)
    )
    short = _short_ones(register_pupils, {p.pk for p in handful.values()}, booked)
    on_register = {p.pk for p, _ in register_pupils}
    pool = [
        p
        for p in Pupil.objects.filter(school=school, on_roll=True).select_related("account")
        if p.pk not in on_register
    ]
    takes = _Takes(opportunities, clock)
    _participations(takes, register_pupils, handful, short, pool, guides, staff, rng)
    takes.save()
    # The guide's answers, as the page gives them: Maya's place waits for her mum's consent;
    # the debate club is full, so the last to ask go on its waiting list.
    for (key, pupil_pk), p in takes.rows.items():
        if p.state == State.REQUESTED and key in ("residential", "debate"):
            if key == "residential" and pupil_pk != maya.pk:
                continue
            places.grant(guides[pupil_pk], p)

    voices.profiles(handful, guides, staff, clock)
    voices.plans(handful, guides, staff, takes, clock)
    voices.families(school, maya, handful.get("humanities"), carer, staff, rng, clock)
