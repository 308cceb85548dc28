"""What the LTI pages show: the registered platforms, what a teacher may place in a course,
and a group's links to platform courses."""

from django.db.models import Count, QuerySet

from risingtide.access.core import visible
from risingtide.library.models import Resource
from risingtide.lti.models import Context, Platform
from risingtide.people.models import User
from risingtide.schools.models import TeachingGroup
from risingtide.tasc.models import Project


def platforms() -> QuerySet[Platform]:
    return Platform.objects.select_related("school").annotate(
        deployment_count=Count("deployments", distinct=True),
        context_count=Count("contexts", distinct=True),
    )


def placeable_projects(user: User, school_id: int) -> QuerySet[Project]:
    """The school's projects the teacher may set (and so place in a course)."""
    return (
        visible(user, "project", "project.edit")
        .filter(school_id=school_id)
        .exclude(status=Project.Status.CLOSED)
        .order_by("title")[:100]
    )


def placeable_templates(user: User) -> QuerySet[Resource]:
    return (
        visible(user, "resource", "resource.copy")
        .filter(kind__in=Resource.PROJECT_KINDS, withdrawn_at__isnull=True)
        .order_by("title")[:100]
    )


def contexts_of(group: TeachingGroup) -> QuerySet[Context]:
    return Context.objects.filter(teaching_group=group).select_related("platform")
