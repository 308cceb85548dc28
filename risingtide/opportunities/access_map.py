"""Who may see and change the school's provision map and its opportunities (issue 19).

- ``opportunity`` (the school's own ``Opportunity``): its school's staff and pupils see it
  (a pupil opens one of their own school's from their menu); a carer sees those of the school
  their child is a pupil at (the child's pupil memberships, a subquery), never another
  school's. Only staff open the staff page (``opportunity.manage``: places and who has one,
  names as ``participation.view`` allows); the coordinator and the head change it.
- ``provision_map`` (a school as its provision map): the school's staff, and no one outside
  it: LA leads and the nation see figures elsewhere, so the map answers them 404, as it does a
  pupil or a carer.
- ``booking.map``: the marketplace's bookings as the map shows them (the service, its provider,
  the term and how many pupils, never who): for every member of staff of the school, where
  ``booking.view`` (names, credits) is for its coordinators only.

Registered when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.opportunities.models import Opportunity
from risingtide.people.access import STAFF_IN_SCHOOL
from risingtide.people.models import Membership, Role
from risingtide.schools.models import School

COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}


def _child_schools(ids: set[int]) -> Q:
    """Opportunities at a school where one of these children (accounts) is a pupil."""
    return Q(
        school_id__in=Membership.objects.filter(
            role=Role.PUPIL, user_id__in=ids, school__isnull=False
        ).values("school_id")
    )


declare_subject(
    "opportunity",
    Subject(
        Opportunity,
        {
            Reach.SCHOOL: by_field("school_id", "one of the person's schools' own"),
            Reach.CHILD: Path(_child_schools, "of the school the carer's child is a pupil at"),
        },
    ),
)
declare_subject(
    "provision_map",
    Subject(School, {Reach.SCHOOL: by_field("pk", "the person's own school")}, primary=False),
)
declare(
    Capability(
        "opportunity.view",
        "opportunity",
        "See one of the school's own opportunities (a pupil or carer: what it is, never who "
        "takes part)",
        {**STAFF_IN_SCHOOL, Role.PUPIL: Reach.SCHOOL, Role.CARER: Reach.CHILD},
    ),
    Capability(
        "opportunity.manage",
        "opportunity",
        "See an opportunity's staff page: places taken and left, and who has one",
        STAFF_IN_SCHOOL,
    ),
    Capability(
        "opportunity.edit",
        "opportunity",
        "Change or withdraw one of the school's opportunities",
        COORDINATORS,
    ),
    Capability(
        "provision_map.view",
        "provision_map",
        "See the school's provision map (its own opportunities and the marketplace's services "
        "it booked) and download it as CSV or XLSX",
        STAFF_IN_SCHOOL,
    ),
    Capability(
        "provision_map.edit",
        "provision_map",
        "Add an opportunity to the school's provision map",
        COORDINATORS,
    ),
    Capability(
        "booking.map",
        "booking",
        "See the school's bookings on its provision map: service, provider, term and how many "
        "pupils, never who",
        STAFF_IN_SCHOOL,
    ),
)
