"""The demo's marketplace: a funding round from the nation to its LAs and their schools,
two providers (one with a demo sign-in) with services of every kind, one waiting for the
contract manager's approval, and bookings: Riverton Academy's coordinator has two pupils on the
coming masterclass, a session that is full with the Academy on its waiting list, and a past
session delivered with its attendance and rated by the coordinator, the provider paid and two
thirds of its credits redeemed (the rest waits in the contract manager's queue). The first
provider is under a signed contract ending soon; the second is listed. The Academy shows its
pupils the masterclass and the online course, each with a note saying whom to ask.

Everything goes through the provision and credits services, as the people would do it; only
"now" is moved back for the delivered session, which was booked and held last month.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from risingtide.credits import redemptions
from risingtide.credits import services as credits
from risingtide.people.models import Role, User
from risingtide.provision import bookings, contracts, opportunities, ratings, workflow
from risingtide.provision.eligibility import eligibility
from risingtide.provision.models import ProviderProfile, Service
from risingtide.register.models import Pupil, academic_year
from risingtide.schools.models import LocalAuthority, Nation, Provider, School

ROUND_MEMO = "Funding round 2026–27"

# (provider index, kind, title, audience, years, format, venue, price, extra, sessions)
# sessions: (days from today, hours long, places)
SERVICES = [
    (
        0,
        "masterclass",
        "Number theory masterclass",
        "pupils",
        (7, 9),
        "in_person",
        "Riverton Central Library",
        60,
        {},
        [(21, 3, 12), (-10, 3, 10)],
    ),
    (
        0,
        "summer_school",
        "Young writers' summer school",
        "pupils",
        (8, 10),
        "residential",
        "Hollowmere Field Centre",
        250,
        {"fsm_priority_places": 2, "consent_needed": True},
        [(200, 72, 20)],
    ),
    (
        0,
        "online_course",
        "Codes and ciphers: an online course",
        "pupils",
        (9, 11),
        "online",
        "",
        80,
        {},
        [(35, 2, 30)],
    ),
    (
        0,
        "family_workshop",
        "Puzzles at home: a family workshop",
        "families",
        (3, 6),
        "in_person",
        "Brookside Primary School hall",
        20,
        {"register_only": False},
        [(28, 2, 15)],
    ),
    (
        0,
        "teacher_cpd",
        "Questioning for challenge (CPD for leading teachers)",
        "educators",
        (0, 13),
        "online",
        "",
        100,
        {"register_only": False},
        [(42, 3, 25)],
    ),
    (
        1,
        "competition",
        "Engineering challenge day",
        "pupils",
        (5, 8),
        "in_person",
        "Riverton Technology Park",
        40,
        {},
        [(30, 6, 3)],
    ),
    (
        1,
        "mentoring",
        "Bridge-building mentoring with a chartered engineer",
        "pupils",
        (10, 13),
        "online",
        "",
        150,
        {},
        [(60, 1, 6)],
    ),
    (
        1,
        "resource",
        "Structures resource pack for Key Stage 2",
        "educators",
        (3, 6),
        "online",
        "",
        30,
        {"register_only": False},
        [(14, 1, 50)],
    ),
]
WAITING_APPROVAL = ("Debating for the more able: mentoring", 0)


def load(
    nation: Nation,
    schools: list[School],
    leaders: dict[int, User],
    rng: random.Random,
) -> None:
    national = User.objects.get(username="national")
    la_lead = User.objects.get(username="la.lead")
    felix = User.objects.get(username="provider")
    riverton = LocalAuthority.objects.get(nation=nation, code="991")
    hollowmere = LocalAuthority.objects.get(nation=nation, code="992")
    providers = list(Provider.objects.filter(nation=nation).order_by("pk"))
    _profiles(providers, riverton, hollowmere)
    _fund(nation, national, la_lead, riverton, hollowmere, schools)
    services = _services(providers, felix, national)
    academy = next(s for s in schools if s.name == "Riverton Academy")
    high = next(s for s in schools if s.name == "Hollowmere High School")
    _bookings(services, academy, high, leaders, felix, rng)
    _contracts(providers, services, national)
    _shown_to_pupils(services, academy)


def _profiles(providers, riverton, hollowmere):
    today = timezone.localdate()
    for provider, checked, areas, contact in (
        (providers[0], today - timedelta(days=120), (riverton, hollowmere), "Felix Brennan"),
        (providers[1], today - timedelta(days=400), (riverton,), "Amara Osei"),
    ):
        profile, _ = ProviderProfile.objects.get_or_create(provider=provider)
        profile.offer = provider.description
        profile.safeguarding = (
            "Every member of staff working with pupils holds an enhanced DBS check; sessions "
            "have two adults present; our designated safeguarding lead is named on each booking."
        )
        profile.staff_checks_on = checked
        profile.contact_name = contact
        profile.contact_email = f"bookings@{provider.name.split()[0].lower()}.example.org"
        profile.save()
        profile.areas.set(areas)


def _fund(nation, national, la_lead, riverton, hollowmere, schools):
    """The national round to both LAs, and theirs to their schools (more to secondaries)."""
    year_end = date(academic_year() + 1, 8, 31)
    credits.fund(national, nation, 60_000, memo=ROUND_MEMO)
    credits.allocate(national, nation, riverton, 20_000, year_end, memo=ROUND_MEMO)
    credits.allocate(national, nation, hollowmere, 12_000, year_end, memo=ROUND_MEMO)
    hollowmere_lead = User.objects.get(
        memberships__role=Role.LA_LEAD, memberships__local_authority=hollowmere
    )
    for school in schools:
        la, lead = (
            (riverton, la_lead)
            if school.local_authority_id == riverton.pk
            else (hollowmere, hollowmere_lead)
        )
        amount = 3_000 if school.phase == School.Phase.SECONDARY else 1_500
        credits.allocate(lead, la, school, amount, year_end, memo=ROUND_MEMO)


def _services(providers, felix, national) -> dict[str, Service]:
    """Felix drafts and submits his; the contract manager approves them. The other provider's
    are published as if approved earlier (it has no demo sign-in)."""
    today = timezone.localdate()
    made = {}
    for index, kind, title, audience, years, form, venue, price, extra, sessions in SERVICES:
        fields = {
            "title": title,
            "summary": f"{title}: stretch and challenge beyond the classroom.",
            "kind": kind,
            "audience": audience,
            "year_from": years[0],
            "year_to": years[1],
            "format": form,
            "venue": venue,
            "price": price,
            "full_refund_days": 14,
            "late_refund_percent": 50,
            **extra,
        }
        provider = providers[index]
        if index == 0:
            service = workflow.draft(felix, provider, fields)
        else:
            service = Service.objects.create(provider=provider, **fields)
        for days, hours, places in sessions:
            starts = timezone.make_aware(datetime.combine(today + timedelta(days), time(10)))
            service.sessions.create(
                starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=places
            )
        if index == 0:
            workflow.submit(felix, service)
            workflow.review(national, service, "approve")
        else:
            Service.objects.filter(pk=service.pk).update(status=Service.Status.PUBLISHED)
        made[title] = Service.objects.get(pk=service.pk)  # as published, not as drafted
    title, index = WAITING_APPROVAL
    waiting = workflow.draft(
        felix,
        providers[index],
        {
            "title": title,
            "summary": "Weekly online mentoring in debate for Years 10 to 13.",
            "kind": "mentoring",
            "audience": "pupils",
            "year_from": 10,
            "year_to": 13,
            "format": "online",
            "price": 120,
        },
    )
    starts = timezone.make_aware(datetime.combine(today + timedelta(50), time(16)))
    waiting.sessions.create(starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=8)
    workflow.submit(felix, waiting)
    return made


def _eligible(service, school, count):
    today = timezone.localdate()
    verdicts = eligibility(
        service, Pupil.objects.filter(school=school, on_roll=True), academic_year(today), today
    )
    return [v.pupil.pk for v in verdicts if v.eligible][:count]


def _bookings(services, academy, high, leaders, felix, rng):
    coordinator = User.objects.get(username="coordinator")
    masterclass = services["Number theory masterclass"]
    coming, past = sorted(masterclass.sessions.all(), key=lambda s: s.starts_at, reverse=True)
    pupils = _eligible(masterclass, academy, 4)
    bookings.book(coordinator, coming, academy, pupil_ids=pupils[:2], key="demo-masterclass")
    # Booked last month, delivered ten days ago: one pupil came, one was ill; the provider was
    # paid on delivery and has redeemed what it earned.
    booked_at = past.starts_at - timedelta(days=30)
    delivered = bookings.book(
        coordinator, past, academy, pupil_ids=pupils[2:4], key="demo-delivered", now=booked_at
    )
    came = {place.pk for place in delivered.places.order_by("pk")[:1]}
    bookings.deliver(felix, delivered, came, now=past.ends_at + timedelta(hours=1))
    provider = masterclass.provider
    national = User.objects.get(username="national")
    earned = credits.account_of(provider).balance
    first = redemptions.request(felix, provider, earned * 2 // 3, key="demo-redeem-1")
    redemptions.decide(national, first, "approve")
    # The rest waits in the contract manager's queue.
    redemptions.request(felix, provider, "all", key="demo-redeem-2", note="Spring masterclasses")
    # The challenge day is full (Hollowmere High took its three places); the Academy waits.
    challenge = services["Engineering challenge day"]
    day = challenge.sessions.get()
    bookings.book(
        leaders[high.pk],
        day,
        high,
        pupil_ids=_eligible(challenge, high, day.capacity),
        key="demo-challenge",
    )
    bookings.join_waiting_list(coordinator, day, academy, places=2)


def _contracts(providers, services, national):
    """The first provider is contracted (signed a year ago, ending in 75 days: on the renewal
    list, with KPI targets); the second is listed. The Academy's coordinator has rated the
    delivered masterclass."""
    today = timezone.localdate()
    first = providers[0]
    contract = contracts.create(
        national,
        first,
        contracts.ContractInput(
            reference="RT-2025-014",
            title="Masterclasses and summer schools for more able pupils",
            starts_on=today - timedelta(days=290),
            ends_on=today + timedelta(days=75),
            value=Decimal("48000.00"),
            service_ids=tuple(s.pk for s in services.values() if s.provider_id == first.pk),
            targets={
                "places": Decimal(40),
                "disadvantaged": Decimal(30),
                "satisfaction": Decimal("4.2"),
            },
        ),
    )
    contracts.sign(national, contract, today - timedelta(days=300))
    masterclass = services["Number theory masterclass"]
    past = min(masterclass.sessions.all(), key=lambda s: s.starts_at)
    ratings.rate(
        User.objects.get(username="coordinator"),
        past,
        4,
        "Our two loved it; the worksheets were pitched just right.",
    )


# What Riverton Academy shows its pupils, with the note each one reads (Opportunities).
SHOWN_TO_PUPILS = [
    ("Number theory masterclass", "Ask Ms Desai if you'd like to go."),
    ("Codes and ciphers: an online course", "Ask Mr Okafor in the library for the sign-up code."),
]


def _shown_to_pupils(services, academy):
    coordinator = User.objects.get(username="coordinator")
    for title, note in SHOWN_TO_PUPILS:
        opportunities.show(coordinator, academy, services[title], note)
