"""Reads for organisation pages. Each makes a fixed number of queries whatever the size."""

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When

from risingtide.access.core import visible
from risingtide.home.queries import has_begun, schools_summary
from risingtide.lib.counts import count_of
from risingtide.people.models import Membership, Role, User
from risingtide.people.queries import group_pupils
from risingtide.portfolios.models import PortfolioMember, StageProgress
from risingtide.register.models import RegisterEntry, academic_year, current_entry
from risingtide.schools.models import LocalAuthority, Nation, Provider, School, TeachingGroup
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project

STAFF_ROLES = [Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD]
_pupils = Membership.objects.filter(role=Role.PUPIL)


def _teachers_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=Role.TEACHER).select_related("user"),
        to_attr="teacher_memberships",
    )


def school_page(user: User, school: School) -> dict:
    groups = list(
        visible(user, "teaching_group")
        .filter(school=school)
        .annotate(pupil_count=count_of(_pupils, "teaching_group"))
        .prefetch_related(_teachers_prefetch())
    )
    memberships = list(
        Membership.objects.filter(
            school=school, role__in=STAFF_ROLES, teaching_group__isnull=True
        ).select_related("user")
    )
    if school.cluster_id:
        # A cluster's leading teacher serves every school in it.
        memberships += Membership.objects.filter(
            cluster=school.cluster_id, role=Role.LEADING_TEACHER
        ).select_related("user")
    staff: dict[int, dict] = {}
    for m in sorted(memberships, key=lambda m: STAFF_ROLES[::-1].index(m.role)):
        entry = staff.setdefault(m.user_id, {"user": m.user, "roles": []})
        entry["roles"].append(m.get_role_display())
    summary = schools_summary(School.objects.filter(pk=school.pk))[0]
    return {
        "school": summary,
        "groups": groups,
        "staff": sorted(staff.values(), key=lambda e: (e["user"].last_name, e["user"].first_name)),
    }


def group_page(user: User, group: TeachingGroup) -> dict:
    pupils = list(group_pupils(user, group))
    teachers = list(
        User.objects.filter(
            memberships__teaching_group=group, memberships__role=Role.TEACHER
        ).order_by("last_name", "first_name")
    )
    # Teachers nominate for the G&T register from here: each pupil's record, where the school
    # holds one and the user may nominate, with this year's register status.

    records = {
        r.account_id: r
        for r in visible(user, "pupil_record", "pupil_record.nominate")
        .filter(account__in=[p.pk for p in pupils], school=group.school_id)
        .annotate(status=current_entry(academic_year()).values("status")[:1])
    }
    labels = dict(RegisterEntry.Status.choices)
    for pupil in pupils:
        record = records.get(pupil.pk)
        pupil.register_record = record
        pupil.register_status = labels.get(record.status, "") if record else ""
    return {
        "group": group,
        "pupils": pupils,
        "teachers": teachers,
        "can_nominate": bool(records),
        "projects": class_projects(user, group, pupils),
    }


def _open_first() -> Case:
    """Open projects, then drafts, then closed ones."""
    return Case(
        When(status=Project.Status.OPEN, then=Value(0)),
        When(status=Project.Status.DRAFT, then=Value(1)),
        default=Value(2),
    )


def class_projects(user: User, group: TeachingGroup, pupils: list[User]) -> list[Project]:
    """The projects set to the class, or to some of its pupils, each with ``set_to``,
    ``started`` and ``finished``: how many of the class's ``pupils`` it is set to, have begun
    their portfolio (``has_begun``), and have finished every stage; and ``can_edit``, whether
    the viewer may open its progress grid. Three queries whatever the size of the class."""
    ids = [p.pk for p in pupils]
    here = Assignment.objects.filter(Q(teaching_group=group) | Q(pupil__in=ids))
    projects = list(
        visible(user, "project")
        .filter(pk__in=here.values("project_id"))
        .annotate(
            can_edit=Exists(visible(user, "project", "project.edit").filter(pk=OuterRef("pk")))
        )
        .prefetch_related(Prefetch("assignments", queryset=here, to_attr="here"))
        .order_by(_open_first(), F("due_date").asc(nulls_last=True), "title")
    )
    if not projects:
        return projects
    progress = (
        PortfolioMember.objects.filter(has_begun(), project__in=projects, pupil__in=ids)
        .annotate(
            done=count_of(
                StageProgress.objects.filter(status=StageProgress.Status.DONE),
                "portfolio",
                outer="portfolio_id",
            )
        )
        .values_list("project_id", "done")
    )
    started: dict[int, int] = {}
    finished: dict[int, int] = {}
    for project_id, done in progress:
        started[project_id] = started.get(project_id, 0) + 1
        finished[project_id] = finished.get(project_id, 0) + (done >= len(STAGE_ORDER))
    for project in projects:
        whole_class = any(a.teaching_group_id == group.pk for a in project.here)
        project.set_to = len(ids) if whole_class else len({a.pupil_id for a in project.here})
        project.started = started.get(project.pk, 0)
        project.finished = finished.get(project.pk, 0)
    return projects


def provider_page(user: User, provider: Provider) -> dict:
    """A provider's profile as schools will see it, its people, and how many schools it could
    serve (counts only): three queries."""
    team = list(
        User.objects.filter(
            memberships__provider=provider, memberships__role=Role.PROVIDER_STAFF
        ).order_by("last_name", "first_name")
    )
    reach = School.objects.filter(local_authority__nation=provider.nation_id).aggregate(
        schools=Count("pk"), las=Count("local_authority", distinct=True)
    )
    return {
        "provider": provider,
        "nation": Nation.objects.get(pk=provider.nation_id),
        "team": team,
        "reach": reach,
        "is_staff": any(member.pk == user.pk for member in team),
    }


def local_authority_page(user: User, la: LocalAuthority) -> dict:
    schools = schools_summary(visible(user, "school").filter(local_authority=la))
    return {"la": la, "schools": schools}


def nation_page(user: User, nation: Nation) -> dict:
    authorities: QuerySet = (
        visible(user, "local_authority")
        .filter(nation=nation)
        .annotate(
            school_count=count_of(School.objects.all(), "local_authority"),
            pupil_count=count_of(
                _pupils.filter(teaching_group__isnull=True), "school__local_authority"
            ),
        )
    )
    authorities = list(authorities)
    return {
        "nation": nation,
        "authorities": authorities,
        "school_total": sum(a.school_count for a in authorities),
        "pupil_total": sum(a.pupil_count for a in authorities),
    }
