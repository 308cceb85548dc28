"""Who may use the menu of opportunities, ask to take part, answer requests and see a pupil's
opportunities (issue 19). The participation itself, and a carer's consent, are declared in
``access``; this module adds the menu's own views of the same things:

- ``menu_opportunity``: an opportunity as it stands on a pupil's menu (on the menu, not
  withdrawn, this academic year): its school's pupils ask to take part in it. Whether it suits
  the pupil's year group is the service's check, which says why.
- ``pupil_opportunities``: a pupil record as the page of their opportunities: the pupil
  themself, their carer, their teachers, their learning guide and the school's coordinators.
  Never an LA or the nation: they see aggregates only (``access_entitlement``).
- ``request``: a participation as staff answer it: teachers of the pupil's group, the pupil's
  learning guide, the school's coordinators and head.
- ``opportunity_requests``: a school as the page of requests its staff answer.

A learning guide is any member of staff named on ``learners.LearningGuide``: the path that
reaches "the person themself" also reaches "a pupil the person guides", so a teacher is
granted ``SELF`` beside ``GROUP`` (a teacher is never the pupil, so only guidance counts)."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.learners.access import guided_by
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.people.access import pupils_in_groups
from risingtide.people.models import Role
from risingtide.register.models import Pupil, academic_year
from risingtide.schools.models import School, TeachingGroup

declare_subject(
    "menu_opportunity",
    Subject(
        Opportunity,
        {Reach.SCHOOL: by_field("school_id", "an opportunity of one of the person's schools")},
        base=lambda: Opportunity.objects.filter(
            on_menu=True, withdrawn_at__isnull=True, academic_year=academic_year()
        ),
        base_words="opportunities on the menu, not withdrawn, of this academic year",
        primary=False,
    ),
)
declare_subject(
    "pupil_opportunities",
    Subject(
        Pupil,
        {
            Reach.SELF: Path(
                lambda ids: Q(account_id__in=ids) | guided_by(ids),
                "the pupil themself, or a pupil the person guides at a school they work at",
            ),
            Reach.CHILD: by_field("account_id", "a child the carer is linked to"),
            Reach.GROUP: Path(
                lambda ids: Q(
                    account__in=pupils_in_groups(ids),
                    school__in=TeachingGroup.objects.filter(pk__in=ids).values("school_id"),
                ),
                "the record, at the group's school, of a pupil in one of the person's groups",
            ),
            Reach.SCHOOL: by_field("school_id", "a pupil of one of the person's schools"),
        },
        primary=False,
    ),
)
declare_subject(
    "request",
    Subject(
        Participation,
        {
            Reach.SELF: Path(
                lambda ids: guided_by(ids, "pupil__"),
                "of a pupil the person is the learning guide of, at a school they work at",
            ),
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
        primary=False,
    ),
)
declare_subject(
    "opportunity_requests",
    Subject(School, {Reach.SCHOOL: by_field("pk", "the person's own school")}, primary=False),
)

# Who answers: teachers for their groups' pupils and those they guide; the coordinators and
# the head for the whole school.
ANSWERERS = {
    Role.TEACHER: (Reach.GROUP, Reach.SELF),
    Role.LEADING_TEACHER: (Reach.SCHOOL, Reach.SELF),
    Role.HEAD: Reach.SCHOOL,
}

declare(
    Capability(
        "menu.view",
        None,
        "See one's own menu of opportunities and what one asked for (a pupil)",
        {Role.PUPIL: Reach.ANY},
    ),
    Capability(
        "menu_opportunity.view",
        "menu_opportunity",
        "See an opportunity on the menu of one's school (a pupil)",
        {Role.PUPIL: Reach.SCHOOL},
    ),
    Capability(
        "menu_opportunity.ask",
        "menu_opportunity",
        "Ask to take part in an opportunity on one's menu, saying why",
        {Role.PUPIL: Reach.SCHOOL},
    ),
    Capability(
        "participation.respond",
        "participation",
        "Withdraw one's request, accept or decline an offer or a place, take up an alternative",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "pupil_opportunities.view",
        "pupil_opportunities",
        "See a pupil's opportunities: what they asked for, were offered and took part in",
        {Role.PUPIL: Reach.SELF, Role.CARER: Reach.CHILD, **ANSWERERS},
    ),
    Capability(
        "pupil_opportunities.offer",
        "pupil_opportunities",
        "Offer one of the school's opportunities to a pupil",
        ANSWERERS,
    ),
    Capability(
        "opportunity_requests.view",
        "opportunity_requests",
        "See the requests to take part in the school's opportunities that one answers",
        {
            Role.TEACHER: Reach.SCHOOL,
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.HEAD: Reach.SCHOOL,
        },
    ),
    Capability(
        "request.view",
        "request",
        "See a pupil's request to take part, to answer it",
        ANSWERERS,
    ),
    Capability(
        "request.answer",
        "request",
        "Answer a request: a place (or the waiting list), an alternative, not this time; "
        "record who took part",
        ANSWERERS,
    ),
)
