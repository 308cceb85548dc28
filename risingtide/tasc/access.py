"""Who may see and work on TASC projects and wheels, and how they reach people: registered
with the access engine when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import STAFF_IN_SCHOOL
from risingtide.people.models import Membership, Role
from risingtide.tasc.models import Assignment, Project, Wheel


def _projects_set_to(ids: set[int]) -> Q:
    """Open or closed projects set to these pupils, directly or through one of their groups."""
    groups = Membership.objects.filter(
        user__in=ids, role=Role.PUPIL, teaching_group__isnull=False
    ).values("teaching_group_id")
    assigned = Assignment.objects.filter(Q(pupil__in=ids) | Q(teaching_group__in=groups))
    return Q(pk__in=assigned.values("project_id")) & ~Q(status=Project.Status.DRAFT)


declare_subject(
    "project",
    Subject(
        Project,
        {
            Reach.SELF: Path(
                _projects_set_to,
                "set to the pupil (directly or through one of their groups), once no longer a "
                "draft",
            ),
            Reach.SCHOOL: by_field("school_id"),
            Reach.LA: by_field("school__local_authority_id"),
            Reach.NATION: by_field("school__local_authority__nation_id"),
        },
    ),
)
declare_subject(
    "wheel",
    Subject(
        Wheel,
        {
            # The platform's default wording is everyone's; a school's own only its staff's.
            Reach.SCHOOL: Path(
                lambda ids: Q(school_id__in=ids) | Q(school__isnull=True),
                "its school's own wording, or the platform's default",
            ),
        },
    ),
)
declare(
    Capability(
        "project.create",
        None,
        "Create a TASC project in one's school",
        {Role.TEACHER: Reach.ANY, Role.LEADING_TEACHER: Reach.ANY, Role.HEAD: Reach.ANY},
    ),
    Capability(
        "project.view",
        "project",
        "See a project (pupils: those set to them, once open)",
        {Role.PUPIL: Reach.SELF, **STAFF_IN_SCHOOL},
    ),
    Capability(
        "project.edit",
        "project",
        "Edit, copy, assign, open and close a project",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "project.work",
        "project",
        "Work on a project set to one: open one's own portfolio for it",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "wheel.view",
        "wheel",
        "See a TASC wheel wording (the default, or one's school's)",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "wheel.reword",
        "wheel",
        "Reword a wheel's questions and prompts as a new version for one's school",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "project.publish",
        "project",
        "Publish a project to the library as a template (the library keeps its own copy)",
        {**STAFF_IN_SCHOOL},
    ),
)
