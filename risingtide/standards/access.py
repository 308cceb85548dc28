"""Who may see and change quality-standards work: a school's judgements and plan are the
school's and its LA monitors them; a classroom reflection is its teacher's until shared.
Registered with the access engine when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import STAFF_IN_SCHOOL
from risingtide.people.models import Role
from risingtide.schools.access import SCHOOL_PATHS
from risingtide.schools.models import School
from risingtide.standards.models import ClassroomEvaluation, ImprovementPlan, SelfEvaluation

_SCHOOL_PATHS = {
    Reach.SCHOOL: by_field("school_id"),
    Reach.LA: by_field("school__local_authority_id"),
    Reach.NATION: by_field("school__local_authority__nation_id"),
}
# Quality standards as a whole: the school itself is the subject.
declare_subject("standards", Subject(School, SCHOOL_PATHS, primary=False))
declare_subject(
    "self_evaluation",
    Subject(
        SelfEvaluation,
        {
            **_SCHOOL_PATHS,
            # The LA monitors judgements; a draft is the school's work in progress.
            Reach.LA: Path(
                lambda ids: Q(school__local_authority_id__in=ids, status="submitted"),
                "a submitted judgement of a school in the LA (never a draft)",
            ),
            Reach.NATION: Path(
                lambda ids: Q(school__local_authority__nation_id__in=ids, status="submitted"),
                "a submitted judgement of a school in the nation (never a draft)",
            ),
        },
    ),
)
declare_subject("improvement_plan", Subject(ImprovementPlan, _SCHOOL_PATHS))
declare_subject(
    "classroom_evaluation",
    Subject(
        ClassroomEvaluation,
        {
            # The teacher's own, and those they observed as the colleague.
            Reach.SELF: Path(
                lambda ids: Q(teacher_id__in=ids) | Q(colleague_id__in=ids),
                "the teacher's own, or one they observed as the colleague",
            ),
            # A school's coordinator: only what its teachers have shared.
            Reach.SCHOOL: Path(
                lambda ids: Q(school_id__in=ids, shared_at__isnull=False),
                "of the school, only once its teacher has shared it",
            ),
        },
    ),
)
declare(
    # the school's own; its LA monitors them; the nation sees only counts of schools ---
    Capability(
        "framework.browse",
        None,
        "Read the quality-standards frameworks (IQS, CQS, LAQS) and their descriptors",
        {
            **{role: Reach.ANY for role in STAFF_IN_SCHOOL},
            Role.LA_LEAD: Reach.ANY,
            Role.NATIONAL_OFFICER: Reach.ANY,
            Role.SITE_ADMIN: Reach.ANY,
        },
    ),
    Capability(
        "framework.manage",
        None,
        "Import, export and edit frameworks and their descriptor texts",
        {Role.SITE_ADMIN: Reach.ANY},
    ),
    Capability(
        "standards.view",
        "standards",
        "See a school's quality-standards profile, judgements, plan and LA notes",
        {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "standards.evaluate",
        "standards",
        "Start and edit the school's IQS self-evaluation, attach evidence, submit it",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "standards.plan",
        "standards",
        "Write and update the school's G&T improvement plan",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "standards.note",
        "standards",
        "Leave a dated monitoring note and agreed actions the school sees",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "self_evaluation.view",
        "self_evaluation",
        "See one self-evaluation (a draft or a submitted judgement) and its evidence",
        {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "self_evaluation.edit",
        "self_evaluation",
        "Record a level, evidence and next steps in a draft; submit it",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "self_evaluation.plan",
        "self_evaluation",
        "Make an improvement plan from a submitted judgement's next steps",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "plan.view",
        "improvement_plan",
        "See an improvement plan, its history and exports",
        {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "plan.edit",
        "improvement_plan",
        "Add and update a plan's actions and milestones",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "standards.monitor",
        "local_authority",
        "See every school of the LA: levels, plan progress, reviews; filter to target support",
        {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "standards.indicator",
        "nation",
        "See the programme's indicator: schools at each IQS level, by LA and phase, over time",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    # the coordinator sees it only once the teacher shares it ---
    Capability(
        "classroom.start",
        None,
        "Start a classroom self-evaluation (CQS) of one's own class or subject",
        {role: Reach.ANY for role in STAFF_IN_SCHOOL},
    ),
    Capability(
        "classroom_evaluation.view",
        "classroom_evaluation",
        "See a classroom self-evaluation (the teacher's and the observing colleague's; the "
        "coordinator's once shared)",
        {
            Role.TEACHER: Reach.SELF,
            Role.LEADING_TEACHER: (Reach.SELF, Reach.SCHOOL),
            Role.HEAD: (Reach.SELF, Reach.SCHOOL),
        },
    ),
    Capability(
        "classroom_evaluation.edit",
        "classroom_evaluation",
        "Rate the prompts, write next steps (the teacher and the observing colleague)",
        {role: Reach.SELF for role in STAFF_IN_SCHOOL},
    ),
    Capability(
        "classroom.summary",
        "standards",
        "See the school's CQS summary: how many reflections, and the ratings teachers shared",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
)
