"""A small, fully known world for tests: two LAs, three schools, every role in each place.

Layout (``w`` is the returned ``TinyWorld``)::

    nation
    ├── LA "own" (101)
    │   ├── school "own"   (secondary)       groups own_group, own_group2
    │   └── school "peer"  (primary, cluster with "own") group peer_group
    └── LA "other" (102)
        └── school "other" (secondary)        group other_group

Each school has a head, a leading teacher, a teacher of its first group and two pupils in it;
``own`` also has a teacher who is leading teacher too. The cluster has its own leading teacher.
Users are ``w.users["<role>@<place>"]``; their password is ``TinyWorld.PASSWORD``.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from risingtide.feedback.services import give
from risingtide.lib.testing import png_file
from risingtide.library.models import Resource
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.services import add_note, add_upload, portfolio_for
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import DataSharingAgreement, Pupil
from risingtide.register.services import nominate
from risingtide.register.upn import make_upn
from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)
from risingtide.standards import frameworks, plans, services
from risingtide.standards.models import ClassroomEvaluation, ImprovementPlan, Judgement
from risingtide.tasc.models import Assignment, Project, Wheel, WheelStage
from risingtide.tasc.wheels import ensure_default_wheel


@dataclass
class TinyWorld:
    PASSWORD = "correct-horse-battery"  # noqa: S105

    nation: Nation
    las: dict[str, LocalAuthority] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    groups: dict[str, TeachingGroup] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    cluster: Cluster | None = None
    projects: dict = field(default_factory=dict)
    portfolios: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    uploads: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    wheels: dict = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    imports: dict = field(default_factory=dict)
    evaluations: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    classroom: dict = field(default_factory=dict)

    def user(self, key: str) -> User:
        return User.objects.get(pk=self.users[key].pk)  # fresh: no cached access data


_hash_cache: dict[str, str] = {}


def make_user(username: str, first: str = "Test", last: str = "Person", **extra) -> User:
    if "pw" not in _hash_cache:
        _hash_cache["pw"] = make_password(TinyWorld.PASSWORD)
    return User.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        password=_hash_cache["pw"],
        **extra,
    )


def member(user: User, role: str, **scope) -> Membership:
    return Membership.objects.create(user=user, role=role, **scope)


def build_tiny_world() -> TinyWorld:
    nation = Nation.objects.create(name="Testland")
    w = TinyWorld(nation=nation)
    w.las["own"] = LocalAuthority.objects.create(nation=nation, code="101", name="Own LA")
    w.las["other"] = LocalAuthority.objects.create(nation=nation, code="102", name="Other LA")
    w.cluster = Cluster.objects.create(local_authority=w.las["own"], name="Own cluster")
    specs = [
        ("own", "own", "4001", "900001", School.Phase.SECONDARY, w.cluster),
        ("peer", "own", "2001", "900002", School.Phase.PRIMARY, w.cluster),
        ("other", "other", "4002", "900003", School.Phase.SECONDARY, None),
    ]
    for key, la, estab, urn, phase, cluster in specs:
        school = School.objects.create(
            local_authority=w.las[la],
            cluster=cluster,
            name=f"{key.title()} School",
            establishment_number=estab,
            urn=urn,
            phase=phase,
        )
        w.schools[key] = school
        group = TeachingGroup.objects.create(
            school=school, name=f"{key.title()} 7A", year_group=7, academic_year=2026
        )
        w.groups[key] = group
        head = w.users[f"head@{key}"] = make_user(f"head.{key}", "Head", key.title())
        member(head, Role.HEAD, school=school)
        lead = w.users[f"leading_teacher@{key}"] = make_user(f"lead.{key}", "Lead", key.title())
        member(lead, Role.LEADING_TEACHER, school=school)
        teacher = w.users[f"teacher@{key}"] = make_user(f"teacher.{key}", "Teach", key.title())
        member(teacher, Role.TEACHER, school=school, teaching_group=group)
        for n in (1, 2):
            pupil = w.users[f"pupil{n if n > 1 else ''}@{key}"] = make_user(
                f"pupil{n}.{key}", ("Ada", "Ben")[n - 1], key.title()
            )
            member(pupil, Role.PUPIL, school=school)
            member(pupil, Role.PUPIL, school=school, teaching_group=group)
    # A second group at "own" that "teacher@own" does not teach, with its own pupil.
    w.groups["own2"] = TeachingGroup.objects.create(
        school=w.schools["own"], name="Own 8B", year_group=8, academic_year=2026
    )
    pupil = w.users["pupil@own2"] = make_user("pupil.own2", "Pupil", "Eight")
    member(pupil, Role.PUPIL, school=w.schools["own"])
    member(pupil, Role.PUPIL, school=w.schools["own"], teaching_group=w.groups["own2"])
    # One person, two roles: teaches own2 and is a leading teacher of "own".
    both = w.users["teacher+lead@own"] = make_user("teacher.lead.own", "Both", "Roles")
    member(both, Role.TEACHER, school=w.schools["own"], teaching_group=w.groups["own2"])
    member(both, Role.LEADING_TEACHER, school=w.schools["own"])
    cluster_lead = w.users["leading_teacher@cluster"] = make_user("lead.cluster", "Cluster", "Lead")
    member(cluster_lead, Role.LEADING_TEACHER, cluster=w.cluster)
    for key in ("own", "other"):
        lead = w.users[f"la_lead@{key}"] = make_user(f"la.{key}", "LA", key.title())
        member(lead, Role.LA_LEAD, local_authority=w.las[key])
        provider = w.providers[key] = Provider.objects.create(nation=nation, name=f"{key} provider")
        staff = w.users[f"provider_staff@{key}"] = make_user(f"provider.{key}", "Prov", key)
        member(staff, Role.PROVIDER_STAFF, provider=provider)
    national = w.users["national_officer@nation"] = make_user("national", "Nat", "Officer")
    member(national, Role.NATIONAL_OFFICER, nation=nation)
    admin = w.users["site_admin@site"] = make_user(
        "siteadmin", "Site", "Admin", is_staff=True, is_superuser=True
    )
    member(admin, Role.SITE_ADMIN)
    w.users["nobody@nowhere"] = make_user("nobody", "No", "Role")
    # A parent or carer of one child at "own" (families: invited by the school, never claimed).
    carer = w.users["carer@own"] = make_user("carer.own", "Cara", "Own")
    member(carer, Role.CARER, child=w.users["pupil@own"])
    _add_projects(w)
    _add_library(w)
    _add_register(w)
    _add_standards(w)
    return w


def _add_projects(w: TinyWorld) -> None:
    """Wheels: the default, one reworded by "own", one by "other". Projects: an open one set to
    each school's first group, a draft set to own's group, and one set to one pupil of own2."""

    w.wheels["default"] = default = ensure_default_wheel()
    for key in ("own", "other"):
        wheel = w.wheels[key] = Wheel.objects.create(
            name="KS1 wheel", school=w.schools[key], based_on=default
        )
        WheelStage.objects.bulk_create(
            WheelStage(wheel=wheel, stage=s.stage, title=s.title, question=s.question.lower())
            for s in default.stages.all()
        )

    def project(key, school, status, **target):
        p = w.projects[key] = Project.objects.create(
            school=w.schools[school],
            title=f"{key} project",
            key_stage=Project.KeyStage.KS3,
            wheel=default,
            status=status,
        )
        Assignment.objects.create(project=p, **target)

    project("own", "own", Project.Status.OPEN, teaching_group=w.groups["own"])
    project("own_draft", "own", Project.Status.DRAFT, teaching_group=w.groups["own"])
    project("own2_pupil", "own", Project.Status.OPEN, pupil=w.users["pupil@own2"])
    project("other", "other", Project.Status.OPEN, teaching_group=w.groups["other"])

    # A portfolio with one note for three pupils: "own", "own2" and "other".

    for key, project_key in (("own", "own"), ("own2", "own2_pupil"), ("other", "other")):
        pupil = w.users[f"pupil@{key}"]
        portfolio = w.portfolios[key] = portfolio_for(pupil, w.projects[project_key])
        w.items[key] = add_note(pupil, portfolio, "gather", f"{key} note", "What I know")
        w.uploads[key] = add_upload(pupil, portfolio, "gather", f"{key} picture", png_file())

    # A teacher's next step on each of those notes.

    for key, teacher in (
        ("own", "teacher@own"),
        ("own2", "teacher+lead@own"),
        ("other", "teacher@other"),
    ):
        w.comments[key] = give(
            w.users[teacher],
            w.portfolios[key],
            "next_step",
            "Say where you found this.",
            item_id=w.items[key].pk,
        )


def _add_library(w: TinyWorld) -> None:
    """Library resources by teacher@own and teacher@other, each with a file: "own_school"
    (a file shared with own's school), "own_la" (a template shared with own's LA),
    "own_withdrawn" (a template that was shared with the LA, withdrawn) and "other_everyone"
    (a lesson plan from "other" shared with every school)."""
    from django.utils import timezone

    specs = [
        ("own_school", "own", Resource.Kind.FILE, Resource.Audience.SCHOOL, None),
        ("own_la", "own", Resource.Kind.TEMPLATE, Resource.Audience.LA, None),
        ("own_withdrawn", "own", Resource.Kind.TEMPLATE, Resource.Audience.LA, timezone.now()),
        ("other_everyone", "other", Resource.Kind.LESSON_PLAN, Resource.Audience.EVERYONE, None),
    ]
    for key, school, kind, audience, withdrawn_at in specs:
        resource = Resource(
            kind=kind,
            title=f"{key} resource",
            description=f"Shared by {school}",
            subject="science",
            key_stage="ks3",
            audience=audience,
            author=w.users[f"teacher@{school}"],
            school=w.schools[school],
            local_authority=w.schools[school].local_authority,
            brief="Design a bee hotel" if kind == Resource.Kind.TEMPLATE else "",
            body="Lesson plan" if kind == Resource.Kind.LESSON_PLAN else "",
            withdrawn_at=withdrawn_at,
            file_name="picture.png",
            file_type="image/png",
        )
        upload = png_file()
        resource.file_size = upload.size
        resource.file.save("file", upload, save=False)
        resource.save()
        w.resources[key] = resource


def _add_register(w: TinyWorld) -> None:
    """Pupil records for pupil@own, pupil2@own, pupil@own2 and pupil@other (linked to their
    accounts), a nomination for pupil@own, a checked import at "own" and "other", and a
    data-sharing agreement in force for "own" only (so own's LA sees own's pupil data)."""
    from datetime import date

    for n, key in enumerate(("own", "own2", "other", "2@own")):
        account = w.users[f"pupil{key}" if key.startswith("2") else f"pupil@{key}"]
        school = account.memberships.filter(teaching_group__isnull=True).first().school
        w.records[key] = Pupil.objects.create(
            school=school,
            upn=make_upn(801, 4001, 15, n + 1),
            legal_surname=account.last_name,
            legal_forename=account.first_name,
            date_of_birth=date(2014, 5, n + 1),
            gender="F",
            nc_year="7",
            ethnicity="WBRI",
            ethnic_group="White",
            first_language="ENG",
            account=account,
        )
    nominate(
        w.users["teacher@own"],
        w.records["own"],
        domains=["maths"],
        summary="Solves problems well beyond Year 7.",
    )
    DataSharingAgreement.objects.create(
        school=w.schools["own"], reference="DSA-1", starts_on=date(2020, 1, 1)
    )
    for key in ("own", "other"):
        w.imports[key] = ImportBatch.objects.create(
            school=w.schools[key],
            uploaded_by=w.users[f"leading_teacher@{key}"],
            file_name="pupils.xml",
            sha256="0" * 64,
            format="ctf",
            state=ImportBatch.State.PREVIEW,
            summary={"error_count": 0},
        )


def _add_standards(w: TinyWorld) -> None:
    """The shipped frameworks; "own" has a draft IQS self-evaluation and a plan of its own,
    "other" a submitted judgement and a plan made from it. Classroom reflections by
    teacher@own ("own_private", and "own_shared", shared with the coordinator) and by
    teacher@other ("other", unshared)."""
    from django.utils import timezone

    frameworks.ensure_shipped()
    w.evaluations["own"] = services.start(w.users["leading_teacher@own"], w.schools["own"])
    other = services.start(w.users["leading_teacher@other"], w.schools["other"])
    Judgement.objects.filter(evaluation=other).update(
        level=2, evidence="Seen in lessons.", next_steps="Share practice."
    )
    w.evaluations["other"] = services.submit(w.users["leading_teacher@other"], other)
    w.plans["other"] = plans.create_from(w.users["leading_teacher@other"], w.evaluations["other"])
    today = timezone.localdate()
    w.plans["own"] = ImprovementPlan.objects.create(
        school=w.schools["own"],
        title="Own plan",
        starts_on=today,
        ends_on=today.replace(year=today.year + 1),
    )
    cqs = services.current_version("cqs")
    for key, teacher, school, shared in (
        ("own_private", "teacher@own", "own", None),
        ("own_shared", "teacher@own", "own", timezone.now()),
        ("other", "teacher@other", "other", None),
    ):
        w.classroom[key] = ClassroomEvaluation.objects.create(
            school=w.schools[school],
            teacher=w.users[teacher],
            version=cqs,
            class_name=f"{key} 7A",
            shared_at=shared,
        )
