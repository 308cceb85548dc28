"""Who may see and do what with a pupil's participation in the school's opportunities: the
pupil themself, their carer (their own children only), their teachers (their groups), and the
school's coordinators and heads. Nobody outside the school sees a participation: LAs and the
nation see aggregates only (``access_entitlement``). The provision map's and the menu's own
capabilities are declared in ``access_map`` and ``access_menu``."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.opportunities.models import Participation
from risingtide.people.access import pupils_in_groups
from risingtide.people.models import Role
from risingtide.schools.models import TeachingGroup

declare_subject(
    "participation",
    Subject(
        Participation,
        {
            Reach.SELF: by_field("pupil__account_id", "the pupil's own"),
            Reach.CHILD: by_field("pupil__account_id", "the carer's child's"),
            Reach.GROUP: Path(
                lambda ids: Q(
                    pupil__account__in=pupils_in_groups(ids),
                    opportunity__school__in=TeachingGroup.objects.filter(pk__in=ids).values(
                        "school_id"
                    ),
                ),
                "of a pupil in one of the person's groups, at the group's school",
            ),
            Reach.SCHOOL: by_field("opportunity__school_id", "at one of the person's schools"),
        },
    ),
)
declare(
    Capability(
        "participation.view",
        "participation",
        "See a pupil's request for, or place on, one of the school's opportunities",
        {
            Role.PUPIL: Reach.SELF,
            Role.CARER: Reach.CHILD,
            Role.TEACHER: Reach.GROUP,
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.HEAD: Reach.SCHOOL,
        },
    ),
    Capability(
        "participation.consent",
        "participation",
        "Give, refuse or withdraw consent for an opportunity that needs it",
        {Role.CARER: Reach.CHILD},
    ),
)
