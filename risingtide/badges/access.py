"""Who may see and do what in badges. Registered when the app is ready.

A badge class is its school's: its teachers award it, its coordinators (leading teacher,
head) add badges of their own and choose what the school allows. An award is its pupil's
(and their carer's, ``Reach.CHILD``), their group's teacher's and their school's
coordinators'; those who may award to the pupil may also withdraw it. Only the pupil (or
their carer) downloads it as a credential, and only when the school allows it (checked in
``credentials.issue``). Checking a credential is public: the status page, issuer profiles
and revocation lists are on ``policy.PUBLIC_ROUTES``, as training's are."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.badges.models import Award, BadgeClass
from risingtide.people.access import PUPIL_CARERS, pupils_in_groups
from risingtide.people.models import Role

COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}

declare_subject(
    "badge_class",
    Subject(BadgeClass, {Reach.SCHOOL: by_field("school_id", "its school")}),
)
declare_subject(
    "badge_award",
    Subject(
        Award,
        {
            Reach.SELF: by_field("pupil_id", "awarded to the pupil themself"),
            Reach.CHILD: by_field("pupil_id", "awarded to a child the carer is linked to"),
            Reach.GROUP: Path(
                lambda ids: Q(pupil_id__in=pupils_in_groups(ids)),
                "awarded to a pupil of one of the person's groups",
            ),
            Reach.SCHOOL: by_field("school_id", "awarded at the school"),
        },
    ),
)

declare(
    Capability(
        "badges.mine",
        None,
        "See one's own badges (a pupil), or one's children's (a carer)",
        {Role.PUPIL: Reach.ANY, Role.CARER: Reach.ANY},
    ),
    Capability(
        "badge_class.view",
        "badge_class",
        "See a school's badges (to award them)",
        {Role.TEACHER: Reach.SCHOOL, **COORDINATORS},
    ),
    Capability(
        "school.badges",
        "school",
        "Add a school's own badges and choose whether pupils may download them as credentials",
        COORDINATORS,
    ),
    Capability(
        "pupil.award_badge",
        "pupil",
        "Award one of the school's badges to a pupil, and see and withdraw their badges",
        {**PUPIL_CARERS},
    ),
    Capability(
        "badge_award.view",
        "badge_award",
        "See a badge awarded: one's own, one's child's, or a pupil's one teaches",
        {Role.PUPIL: Reach.SELF, Role.CARER: Reach.CHILD, **PUPIL_CARERS},
    ),
    Capability(
        "badge_award.hold",
        "badge_award",
        "Download one's own (or one's child's) badge as a verifiable credential, when the "
        "school allows it",
        {Role.PUPIL: Reach.SELF, Role.CARER: Reach.CHILD},
    ),
    Capability(
        "badge_award.revoke",
        "badge_award",
        "Withdraw a badge awarded to a pupil one teaches, saying why",
        {**PUPIL_CARERS},
    ),
)
