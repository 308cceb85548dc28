"""What each role's home panel shows. Every function makes a fixed number of queries,
whatever the size of the school, LA or nation (asserted in tests)."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from risingtide.access.core import visible
from risingtide.insights.models import ReportRun, SchoolReportFile
from risingtide.lib.counts import count_of
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import Item, StageProgress
from risingtide.schools.models import LocalAuthority, School, TeachingGroup

ROLE_ORDER = [
    Role.PUPIL,
    Role.TEACHER,
    Role.LEADING_TEACHER,
    Role.HEAD,
    Role.LA_LEAD,
    Role.NATIONAL_OFFICER,
    Role.PROVIDER_STAFF,
    Role.CARER,
    Role.SITE_ADMIN,
]

_pupils = Membership.objects.filter(role=Role.PUPIL)


def has_begun(portfolio: str = "portfolio") -> Q:
    """A portfolio (named by ``portfolio`` from the outer row) with something in it: an item or
    a stage begun. Opening a portfolio, or being put in a group, is not yet starting."""
    return Q(Exists(Item.objects.filter(portfolio=OuterRef(portfolio)))) | Q(
        Exists(StageProgress.objects.filter(portfolio=OuterRef(portfolio)))
    )


def _member_of(user: User, role: str, field: str) -> QuerySet:
    return Membership.objects.filter(user=user, role=role, **{f"{field}__isnull": False}).values(
        field
    )


def pupil_groups(user: User) -> list[TeachingGroup]:
    """A pupil's own groups with their school (the projects list joins here in a later issue)."""
    return list(
        TeachingGroup.objects.filter(pk__in=_member_of(user, Role.PUPIL, "teaching_group"))
        .select_related("school")
        .order_by("-academic_year", "year_group", "name")
    )


def teacher_groups(user: User) -> list[TeachingGroup]:
    return list(
        visible(user, "teaching_group")
        .filter(pk__in=_member_of(user, Role.TEACHER, "teaching_group"))
        .select_related("school")
        .annotate(pupil_count=count_of(_pupils, "teaching_group"))
        .order_by("-academic_year", "year_group", "name")
    )


def schools_summary(schools: QuerySet) -> list[School]:
    return list(
        schools.select_related("local_authority", "cluster")
        .annotate(
            pupil_count=count_of(_pupils.filter(teaching_group__isnull=True), "school"),
            group_count=count_of(TeachingGroup.objects.all(), "school"),
        )
        .order_by("name")
    )


def led_schools(user: User, role: str) -> list[School]:
    """Schools a leading teacher (school or cluster) or head leads."""
    led = Q(pk__in=_member_of(user, role, "school"))
    if role == Role.LEADING_TEACHER:
        led |= Q(cluster__in=_member_of(user, role, "cluster"))
    return schools_summary(visible(user, "school").filter(led))


def la_schools(user: User) -> list[LocalAuthority]:
    """An LA lead's authorities, each with its schools summarised."""
    las = list(
        visible(user, "local_authority").filter(
            pk__in=_member_of(user, Role.LA_LEAD, "local_authority")
        )
    )
    schools = schools_summary(visible(user, "school").filter(local_authority__in=las))
    for la in las:
        la.school_list = [s for s in schools if s.local_authority_id == la.pk]
    return las


def nation_authorities(user: User) -> list[LocalAuthority]:
    """A national officer's view: every LA with its number of schools and pupils."""
    return list(
        visible(user, "local_authority")
        .filter(nation__in=_member_of(user, Role.NATIONAL_OFFICER, "nation"))
        .annotate(
            school_count=count_of(School.objects.all(), "local_authority"),
            pupil_count=count_of(
                _pupils.filter(teaching_group__isnull=True), "school__local_authority"
            ),
        )
        .order_by("name")
    )


def staff_providers(user: User) -> list:
    return list(
        visible(user, "provider").filter(pk__in=_member_of(user, Role.PROVIDER_STAFF, "provider"))
    )


def insight_schools(user: User) -> list[School]:
    """The schools whose insights report a member of staff sees from their home page, each with
    its newest PDF report from the LA (``report_id``, ``report_at``), in one query."""

    # Only a finished run's (as insights.reports.latest_report_file): one still running, or
    # killed part-way, is not the LA's report yet.
    newest = (
        SchoolReportFile.objects.filter(school=OuterRef("pk"))
        .filter(Q(run__isnull=True) | Q(run__state=ReportRun.State.DONE))
        .order_by("-created_at", "-pk")
    )
    mine = Membership.objects.filter(
        user=user, role__in=[Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD], school__isnull=False
    ).values("school")
    return list(
        visible(user, "insights")
        .filter(pk__in=mine)
        .annotate(
            report_id=Subquery(newest.values("pk")[:1]),
            report_at=Subquery(newest.values("created_at")[:1]),
        )
        .order_by("name")
    )
