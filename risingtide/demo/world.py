"""The demo world and generated worlds of any size (deterministic for a seed).

Everything is created with bulk inserts and one shared password hash, so the demo world
(2 LAs, 6 schools, ~40 staff, ~600 pupils) loads in a few seconds and a benchmark world of tens
of thousands of pupils in under a minute.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from risingtide.demo import badges as demo_badges
from risingtide.demo import classroom
from risingtide.demo import insights as demo_insights
from risingtide.demo import marketplace as demo_marketplace
from risingtide.demo import personalisation as demo_personalisation
from risingtide.demo import register as demo_register
from risingtide.demo import standards as demo_standards
from risingtide.demo import training as demo_training
from risingtide.demo import training_sessions as demo_training_sessions
from risingtide.demo.names import FIRST_NAMES, LAST_NAMES, PLACE_NAMES, SCHOOL_SUFFIXES
from risingtide.library.starter import ensure_starter_library
from risingtide.people.credentials import unique_usernames, username_base
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)

DEMO_PASSWORD = "rising-tide-demo"  # noqa: S105 - printed for the demo on purpose
DEMO_NATION = "Westmarch"
ACADEMIC_YEAR = 2026


@dataclass
class _Batch:
    """Rows waiting for bulk insert, with the usernames handed out so far."""

    password_hash: str
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)

    def person(
        self,
        rng: random.Random,
        username: str | None = None,
        unique_in: set[tuple[str, str]] | None = None,
        **names,
    ) -> User:
        first = names.get("first_name") or rng.choice(FIRST_NAMES)
        last = names.get("last_name") or rng.choice(LAST_NAMES)
        # A name that picks out one pupil of the school, so the school's pupil records can
        # be linked to their accounts (register.accounts links only unambiguous names).
        while unique_in is not None and (first, last) in unique_in:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if unique_in is not None:
            unique_in.add((first, last))
        if username is None:
            (username,) = unique_usernames([username_base(first, last)], self.taken)
        self.taken.add(username)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            password=self.password_hash,
            email=names.get("email", ""),
        )
        self.users.append(user)
        return user

    def member(self, user: User, role: str, **scope) -> None:
        self.memberships.append(Membership(user=user, role=role, **scope))

    def save(self) -> None:
        User.objects.bulk_create(self.users, batch_size=2000)
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; re-read to be sure.
        if any(u.pk is None for u in self.users):
            ids = dict(
                User.objects.filter(username__in=[u.username for u in self.users]).values_list(
                    "username", "pk"
                )
            )
            for u in self.users:
                u.pk = ids[u.username]
        for m in self.memberships:
            m.user_id = m.user.pk
        Membership.objects.bulk_create(self.memberships, batch_size=2000)


def _groups(school: School, phase: str, pupils: int) -> list[TeachingGroup]:
    years = range(0, 7) if phase == School.Phase.PRIMARY else range(7, 14 if pupils > 600 else 12)
    per_year = max(1, round(pupils / len(years) / 28))
    groups = []
    for year in years:
        for index in range(per_year):
            # A–K, then A2–K2…: big schools have more than ten groups a year.
            letter = "ABCDEFGHJK"[index % 10] + (str(index // 10 + 1) if index >= 10 else "")
            name = ("Reception" if year == 0 else f"Year {year}") + (
                f" {letter}" if per_year > 1 else ""
            )
            if phase != School.Phase.PRIMARY:
                name = f"{year}{letter}"
            groups.append(
                TeachingGroup(
                    school=school, name=name, year_group=year, academic_year=ACADEMIC_YEAR
                )
            )
    return TeachingGroup.objects.bulk_create(groups)


def _populate_school(
    batch: _Batch,
    rng: random.Random,
    school: School,
    pupils: int,
    leading_teacher: bool = True,
    head: bool = True,
    pupil_names: set[tuple[str, str]] | None = None,
) -> list[TeachingGroup]:
    groups = _groups(school, school.phase, pupils)
    if head:
        batch.member(batch.person(rng), Role.HEAD, school=school)
    if leading_teacher:
        lead = batch.person(rng)
        batch.member(lead, Role.LEADING_TEACHER, school=school)
        batch.member(lead, Role.TEACHER, school=school)
    # One teacher for every two groups keeps the staff count near a real school's G&T view.
    for index in range(0, len(groups), 2):
        teacher = batch.person(rng)
        for group in groups[index : index + 2]:
            batch.member(teacher, Role.TEACHER, school=school, teaching_group=group)
    for number in range(pupils):
        group = groups[number % len(groups)]
        pupil = batch.person(rng, unique_in=pupil_names)
        batch.member(pupil, Role.PUPIL, school=school)
        batch.member(pupil, Role.PUPIL, school=school, teaching_group=group)
    return groups


def is_loaded() -> bool:
    return Nation.objects.exists()


@transaction.atomic
def generate(las: int, schools: int, pupils_per_school: int, seed: int = 1) -> Nation:
    """A world of ``las`` authorities sharing ``schools`` schools (one in three secondary)."""
    rng = random.Random(seed)
    batch = _Batch(make_password(DEMO_PASSWORD))
    nation = Nation.objects.create(name=f"Generated nation {seed}")
    places = rng.sample(PLACE_NAMES, k=len(PLACE_NAMES))
    authorities = LocalAuthority.objects.bulk_create(
        [
            LocalAuthority(
                nation=nation, code=f"{100 + i:03d}", name=f"{places[i % len(places)]} {i + 1}"
            )
            for i in range(las)
        ]
    )
    for i in range(schools):
        la = authorities[i % las]
        phase = School.Phase.SECONDARY if i % 3 == 2 else School.Phase.PRIMARY
        school = School.objects.create(
            local_authority=la,
            name=f"{rng.choice(PLACE_NAMES)} {rng.choice(SCHOOL_SUFFIXES[phase])} {i + 1}",
            # Unique within the LA: DfE numbers 2xxx are primaries, 4xxx secondaries.
            establishment_number=f"{(4000 if phase == 'secondary' else 2000) + i // las:04d}",
            urn=f"{100000 + i:06d}",
            phase=phase,
        )
        _populate_school(batch, rng, school, pupils_per_school)
    for la in authorities:
        batch.member(batch.person(rng), Role.LA_LEAD, local_authority=la)
    batch.member(batch.person(rng), Role.NATIONAL_OFFICER, nation=nation)
    batch.save()
    return nation


# The demo world: named places and one memorable sign-in per role.
DEMO_SCHOOLS = [
    # (LA index, name, establishment, URN, phase, pupils, in cluster)
    (0, "Brookside Primary School", "2001", "190001", "primary", 84, True),
    (0, "Kingfisher Community Primary", "2002", "190002", "primary", 70, True),
    (0, "Oakhurst Church of England Primary", "3001", "190003", "primary", 70, True),
    (0, "Riverton Academy", "4001", "190004", "secondary", 160, False),
    (1, "Hollowmere High School", "4002", "190005", "secondary", 150, False),
    (1, "St Aldhelm's Primary School", "2003", "190006", "primary", 70, False),
]
PROVIDER_NAME = "Stretch & Challenge Masterclasses"
DEMO_ACCOUNTS = [
    # (username, first, last, role, where)
    ("pupil", "Maya", "Okafor", Role.PUPIL, "Riverton Academy"),
    ("teacher", "Daniel", "Whitfield", Role.TEACHER, "Riverton Academy"),
    ("coordinator", "Priya", "Desai", Role.LEADING_TEACHER, "Riverton Academy"),
    ("cluster.coordinator", "Owen", "Fraser", Role.LEADING_TEACHER, "cluster"),
    ("head", "Grace", "Mensah", Role.HEAD, "Riverton Academy"),
    ("la.lead", "Tariq", "Hussain", Role.LA_LEAD, "Riverton"),
    ("national", "Eleni", "Costa", Role.NATIONAL_OFFICER, "nation"),
    ("provider", "Felix", "Brennan", Role.PROVIDER_STAFF, "provider"),
    ("admin", "Sara", "Lin", Role.SITE_ADMIN, "site"),
    ("carer", "Ngozi", "Okafor", Role.CARER, "Riverton Academy"),  # Maya's mum
]


@transaction.atomic
def load_demo(seed: int = 2026, site: str = "http://127.0.0.1:8000") -> Nation:
    """The demo world, the same every time for a seed; ``site`` is the address it will be
    served at (its pupils' clippings point there)."""
    rng = random.Random(seed)
    batch = _Batch(make_password(DEMO_PASSWORD))
    nation = Nation.objects.create(name=DEMO_NATION)
    riverton = LocalAuthority.objects.create(nation=nation, code="991", name="Riverton")
    hollowmere = LocalAuthority.objects.create(nation=nation, code="992", name="Hollowmere")
    cluster = Cluster.objects.create(local_authority=riverton, name="Riverton Primary Cluster")
    provider = Provider.objects.create(
        nation=nation,
        name=PROVIDER_NAME,
        description=(
            "Saturday masterclasses in maths, science and creative writing for more able pupils."
        ),
    )
    Provider.objects.create(
        nation=nation,
        name="Young Engineers Trust",
        description="Engineering challenge days and summer schools.",
    )
    schools = {}
    groups = {}
    for la_index, name, estab, urn, phase, pupils, clustered in DEMO_SCHOOLS:
        school = School.objects.create(
            local_authority=(riverton, hollowmere)[la_index],
            cluster=cluster if clustered else None,
            name=name,
            establishment_number=estab,
            urn=urn,
            phase=phase,
        )
        schools[name] = school
        # Clustered primaries share the cluster's leading teacher instead of having their own;
        # Riverton Academy's head and coordinator are the demo accounts below.
        is_academy = name == "Riverton Academy"
        groups[name] = _populate_school(
            batch,
            rng,
            school,
            pupils,
            leading_teacher=not (clustered or is_academy),
            head=not is_academy,
            pupil_names={("Maya", "Okafor")} if is_academy else set(),
        )

    academy = schools["Riverton Academy"]
    first_group = groups["Riverton Academy"][0]
    for username, first, last, role, where in DEMO_ACCOUNTS:
        user = batch.person(
            rng,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org" if role != Role.PUPIL else "",
        )
        if role == Role.PUPIL:
            batch.member(user, role, school=academy)
            batch.member(user, role, school=academy, teaching_group=first_group)
        elif role == Role.TEACHER:
            for group in groups["Riverton Academy"][:2]:
                batch.member(user, role, school=academy, teaching_group=group)
        elif role in (Role.LEADING_TEACHER, Role.HEAD) and where != "cluster":
            batch.member(user, role, school=academy)
            if role == Role.LEADING_TEACHER:  # one person, two roles: she teaches 9A too
                group = groups["Riverton Academy"][2]
                batch.member(user, Role.TEACHER, school=academy, teaching_group=group)
        elif role == Role.LEADING_TEACHER:
            batch.member(user, role, cluster=cluster)
        elif role == Role.LA_LEAD:
            batch.member(user, role, local_authority=riverton)
        elif role == Role.NATIONAL_OFFICER:
            batch.member(user, role, nation=nation)
        elif role == Role.PROVIDER_STAFF:
            batch.member(user, role, provider=provider)
        elif role == Role.SITE_ADMIN:
            user.is_staff = user.is_superuser = True
            batch.member(user, role)
    # Hollowmere's LA lead.
    batch.member(batch.person(rng), Role.LA_LEAD, local_authority=hollowmere)
    batch.save()
    every_school = list(School.objects.filter(local_authority__nation=nation).order_by("pk"))
    leaders = _leaders(every_school)
    teacher = User.objects.get(username="teacher")
    # Each part draws from its own seeded stream, so changing one leaves the others as they were.
    demo_insights.load(every_school, random.Random(seed + 1))
    head = User.objects.get(username="head")
    demo_register.load(
        every_school, leaders, academy, teacher, head, first_group, random.Random(seed + 2)
    )
    demo_insights.rebuild_past_years()
    la_lead = User.objects.get(username="la.lead")
    demo_standards.load(every_school, academy, leaders, la_lead, random.Random(seed + 3))
    maya = User.objects.get(username="pupil")
    classroom.load(academy, first_group, teacher, maya, random.Random(seed + 4), site)
    demo_badges.load(academy, teacher, maya)  # issue 20: badges for the bee hotel project
    demo_marketplace.load(nation, every_school, leaders, random.Random(seed + 5))
    national = User.objects.get(username="national")
    programme = demo_training.load(nation, every_school, leaders, national, random.Random(seed + 6))
    demo_training_sessions.load_demo(programme, nation)
    # Riverton Academy's provision map, guides and plans; links the carer to Maya (issue 19).
    demo_personalisation.load(academy, random.Random(seed + 7))
    ensure_starter_library()  # there already after `migrate`; not after a test's flush
    return nation


def _leaders(schools: list[School]) -> dict[int, User]:
    """Who leads G&T at each school: its own leading teacher, else its cluster's, else its
    head. They import the school's pupil data and judge it against the IQS."""
    leads = {}
    members = Membership.objects.filter(role__in=[Role.LEADING_TEACHER, Role.HEAD]).select_related(
        "user"
    )
    rank = {Role.LEADING_TEACHER: 0, Role.HEAD: 2}
    for school in schools:
        found = [
            (rank[m.role] if m.school_id else 1, m.pk, m.user)
            for m in members
            if m.school_id == school.pk or (m.cluster_id and m.cluster_id == school.cluster_id)
        ]
        leads[school.pk] = min(found, key=lambda f: f[:2])[2]
    return leads


def sign_in_text(url: str) -> str:
    labels = []
    for username, _first, _last, role, where in DEMO_ACCOUNTS:
        label = Role(role).label + (" (primary cluster)" if where == "cluster" else "")
        label += " (contract manager)" if role == Role.NATIONAL_OFFICER else ""
        label += f" ({PROVIDER_NAME})" if role == Role.PROVIDER_STAFF else ""
        labels.append((label, username))
    width = max(len(label) for label, _ in labels) + 2
    lines = [
        f"Rising Tide demo is at {url}",
        f"Every demo account's password is: {DEMO_PASSWORD}",
        "",
        f"  {'role':<{width}} sign-in name",
    ]
    lines += [f"  {label:<{width}} {username}" for label, username in labels]
    lines.append("")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)
