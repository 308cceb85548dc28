"""Who may find, copy, review and withdraw library resources: a resource reaches the schools it
is shared with. Registered with the access engine when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.library.models import Resource
from risingtide.people.access import STAFF_IN_SCHOOL
from risingtide.people.models import Role
from risingtide.schools.models import School


def _resources_for(ids: set[int]) -> Q:
    """What staff of these schools find in the library: what is shared with their school, their
    LA or every school; a withdrawn resource only in the school it came from."""
    las = School.objects.filter(pk__in=ids).values("local_authority_id")
    shared = (
        Q(audience=Resource.Audience.EVERYONE)
        | Q(audience=Resource.Audience.LA, local_authority__in=las)
        | Q(audience=Resource.Audience.SCHOOL, school__in=ids)
    )
    return (Q(withdrawn_at__isnull=True) & shared) | Q(withdrawn_at__isnull=False, school__in=ids)


def _resources_for_las(ids: set[int]) -> Q:
    """What an LA lead finds: what is shared with their LA or every school, not withdrawn."""
    shared = Q(audience=Resource.Audience.EVERYONE) | Q(
        audience=Resource.Audience.LA, local_authority__in=ids
    )
    return Q(withdrawn_at__isnull=True) & shared


declare_subject(
    "resource",
    Subject(
        Resource,
        {
            Reach.SELF: by_field("author_id", "its author"),
            Reach.SCHOOL: Path(
                _resources_for,
                "shared with the school, its LA or every school; once withdrawn, only the "
                "school it came from",
            ),
            Reach.LA: Path(
                _resources_for_las, "shared with the LA or every school, and not withdrawn"
            ),
            Reach.NATION: Path(
                lambda ids: Q(withdrawn_at__isnull=True, audience=Resource.Audience.EVERYONE),
                "shared with every school, and not withdrawn",
            ),
        },
    ),
)
# LA leads and national officers look in the library too (what schools share, and the shelves
# of other apps: training modules LAs share); they publish no resources of a school's.
_OVERSEERS = {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION}
declare(
    Capability(
        "library.browse",
        None,
        "Search the library of project templates and resources",
        {role: Reach.ANY for role in (*STAFF_IN_SCHOOL, *_OVERSEERS)},
    ),
    Capability(
        "resource.publish",
        None,
        "Publish a lesson plan, file or link to the library for one's school, LA or everyone",
        {role: Reach.ANY for role in STAFF_IN_SCHOOL},
    ),
    Capability(
        "resource.view",
        "resource",
        "See a library resource shared with one's school, one's LA or every school "
        "(once withdrawn: its own school's staff only); an LA lead what is shared with the LA "
        "or everyone, a national officer what is shared with everyone",
        {**STAFF_IN_SCHOOL, **_OVERSEERS, Role.SITE_ADMIN: Reach.ANY},
    ),
    Capability(
        "resource.copy",
        "resource",
        "Copy a template into one's school's projects, adapted from the library's",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "resource.review",
        "resource",
        "Rate and review a resource (not one's own)",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "resource.edit",
        "resource",
        "Change the details of one's own resource",
        {role: Reach.SELF for role in STAFF_IN_SCHOOL},
    ),
    Capability(
        "resource.withdraw",
        "resource",
        "Withdraw a resource from the library (copies already made stay)",
        {**{role: Reach.SELF for role in STAFF_IN_SCHOOL}, Role.SITE_ADMIN: Reach.ANY},
    ),
)
