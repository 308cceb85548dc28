"""Who may see and add to a pupil's learning plan. The plan is reached through the pupil's record
(``register.Pupil``), because a plan is made on first use: the record is there before the plan.

A plan is the pupil's own (SELF), their carer's child's (CHILD), their teachers' (GROUP) and
their school's coordinators' and heads' (SCHOOL). The SELF path also takes in the pupil's
learning guide (``learners.LearningGuide``): a guide need not teach the pupil's class, so the
named relation reaches them where no group does. Nobody outside the school sees a plan: LAs and
the nation see aggregates only (issue 19, the entitlement pages)."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.learners.access import guided_by
from risingtide.people.access import pupils_in_groups
from risingtide.people.models import Role
from risingtide.register.models import Pupil
from risingtide.schools.models import TeachingGroup

SUBJECT = "learning_plan_of"

declare_subject(
    SUBJECT,
    Subject(
        Pupil,
        {
            # Only a pupil's own account is ever their record's account, and only a member of
            # staff is ever named a guide: one path serves both without reaching further.
            Reach.SELF: Path(
                lambda ids: Q(account_id__in=ids) | guided_by(ids),
                "the pupil themself, or a pupil the person guides at a school they work at",
            ),
            Reach.CHILD: by_field("account_id", "the carer's child"),
            Reach.GROUP: Path(
                lambda ids: Q(
                    account__in=pupils_in_groups(ids),
                    school__in=TeachingGroup.objects.filter(pk__in=ids).values("school_id"),
                ),
                "a pupil, at the group's school, in one of the person's groups",
            ),
            Reach.SCHOOL: by_field("school_id", "a pupil of one of the person's schools"),
        },
        primary=False,
    ),
)

# Staff who talk with the pupil about their plan: their teachers, their guide, the school's
# coordinators and head.
_STAFF_READ = {
    Role.TEACHER: (Reach.GROUP, Reach.SELF),
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
}
# Staff who shape the plan with the pupil: their learning guide (whatever their role) and the
# school's coordinator.
_GUIDE_OR_COORDINATOR = {
    Role.TEACHER: Reach.SELF,
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SELF,
}

declare(
    Capability(
        "learning_plan.view",
        SUBJECT,
        "See a pupil's learning plan: targets, evidence, reviews and the conversation",
        {Role.PUPIL: Reach.SELF, Role.CARER: Reach.CHILD, **_STAFF_READ},
    ),
    Capability(
        "learning_plan.write_target",
        SUBJECT,
        "Write a target on a learning plan, mark it achieved or set aside, link its evidence "
        "(the pupil; their learning guide or the coordinator)",
        {Role.PUPIL: Reach.SELF, **_GUIDE_OR_COORDINATOR},
    ),
    Capability(
        "learning_plan.review",
        SUBJECT,
        "Record a review of a pupil's learning plan and set the next review date "
        "(their learning guide or the coordinator)",
        dict(_GUIDE_OR_COORDINATOR),
    ),
    Capability(
        "learning_plan.comment",
        SUBJECT,
        "Write in a learning plan's conversation (the pupil, their family, their staff)",
        {Role.PUPIL: Reach.SELF, Role.CARER: Reach.CHILD, **_STAFF_READ},
    ),
    Capability(
        "learning_plan.mine",
        None,
        "See one's own learning plan",
        {Role.PUPIL: Reach.ANY},
    ),
    Capability(
        "learning_plan.caseload",
        None,
        "See the pupils one is the learning guide of, and when each was last reviewed",
        {Role.TEACHER: Reach.ANY, Role.LEADING_TEACHER: Reach.ANY, Role.HEAD: Reach.ANY},
    ),
)
