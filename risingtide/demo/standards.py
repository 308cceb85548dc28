"""The demo's quality standards: last year's IQS judgements for most demo schools (so the LA
page, the national indicator and its trend have figures), an improvement plan with an overdue
action at Riverton Academy, and a note from the LA lead. Riverton Academy's coordinator can
then start this year's self-evaluation from last year's judgement and see what changed.

Everything goes through the standards services, as a school's leader would do it: start the
draft, judge each element with evidence written for that element (``EVIDENCE``, from what the
shipped IQS asks at each level), submit. Only the dates are moved back afterwards: the
judgements were made last year.
"""

import datetime as dt
import random
from dataclasses import replace

from django.utils import timezone

from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards import frameworks, plans, services
from risingtide.standards.models import PlanAction, SelfEvaluation

# For each IQS element (by name, 2007 and 2010 wording), the evidence a school would give at
# Entry, Developing and Exemplary, and its next step.
EVIDENCE: dict[str, tuple[tuple[str, str, str], str]] = {
    "Identification": (
        (
            "Identification criteria agreed by staff; the register is kept and reviewed yearly.",
            "Register drawn from test data, teacher nominations and work scrutiny; reviewed each "
            "term and compared with the school's population in the equity check.",
            "Pupils, parents and staff can nominate; the equity check is run every term and the "
            "gaps it finds are acted on (FSM pupils now in proportion).",
        ),
        "Use the register's equity check to review FSM pupils' identification.",
    ),
    "Effective provision in the classroom": (
        (
            "Extension tasks are offered in some lessons; observations found them in 4 of 10.",
            "Lesson observations show planned challenge in most subjects: open questions and "
            "independent enquiry (TASC projects in science and geography).",
            "Challenge for the most able is seen in every subject's lessons; pupils choose "
            "their own routes through TASC projects.",
        ),
        "Share planning for challenge across departments through peer observation.",
    ),
    "Standards": (
        (
            "G&T pupils' attainment is tracked each year; most reach their targets.",
            "G&T pupils make progress above the national comparator (insights report); any "
            "who fall behind are picked up at the half-termly review.",
            "G&T pupils from every group, FSM pupils included, make progress well above "
            "expected; no group is behind on the insights report.",
        ),
        "Track the progress of G&T pupils each half term and act on the underachievement list.",
    ),
    "Standards and progress": (
        (
            "G&T pupils' attainment is tracked each year; most reach their targets.",
            "G&T pupils make progress above the national comparator (insights report); any "
            "who fall behind are picked up at the half-termly review.",
            "G&T pupils from every group, FSM pupils included, make progress well above "
            "expected; no group is behind on the insights report.",
        ),
        "Track the progress of G&T pupils each half term and act on the underachievement list.",
    ),
    "Enabling curriculum entitlement and choice": (
        (
            "Able pupils can take an extra option in Year 9.",
            "Pathways include early entry in maths and a choice of enrichment in every year.",
            "Each able pupil has a personal pathway, including study beyond the school.",
        ),
        "Offer a choice of enrichment pathways in Years 7 and 8 as well.",
    ),
    "Assessment for learning": (
        (
            "Teachers use baseline tests to find what able pupils already know.",
            "Pupils get next steps on their work and assess it against success criteria; "
            "portfolio feedback shows most next steps acted on.",
            "Pupils set their own demanding targets and review each other's work against "
            "the criteria; next steps are done and accepted within the week.",
        ),
        "Train pupils to give each other feedback against success criteria (peer review).",
    ),
    "Transfer and transition": (
        (
            "The register is passed on when pupils change class.",
            "Primary schools' registers and portfolios arrive with the CTF and are read "
            "before Year 7 groups are set.",
            "Cluster primaries and the school plan transition together; Year 7 provision "
            "starts from what pupils bring, portfolios included.",
        ),
        "Ask cluster primaries for G&T portfolios as well as the CTF before transfer.",
    ),
    "Leadership": (
        (
            "A named leading teacher coordinates G&T with a deputy head's support.",
            "Senior leaders and a governor champion G&T; it is a priority in the school "
            "improvement plan.",
            "Leaders at every level hold staff to account for able pupils' progress.",
        ),
        "Report G&T progress to governors each term.",
    ),
    "Policy": (
        (
            "A G&T policy exists and is on the staff shared drive.",
            "The policy links to the teaching and learning and inclusion policies and was "
            "reviewed this year.",
            "The policy was rewritten with pupils and parents and describes what happens.",
        ),
        "Review the policy with the pupil council and parents.",
    ),
    "School ethos and pastoral care": (
        (
            "Achievements are celebrated in assemblies; tutors know the register.",
            "High achievement is valued in every area; a mentor meets each identified pupil "
            "each half term.",
            "Pupil voice: able pupils say it is fine to do well here, and they feel supported.",
        ),
        "Run a pupil voice survey of G&T pupils' wellbeing.",
    ),
    "Staff development": (
        (
            "Two staff went to the LA's G&T course.",
            "A planned programme: every department had training on questioning for challenge.",
            "Staff share what works in a termly forum and lead training for cluster schools.",
        ),
        "Plan CPD on challenge for new staff.",
    ),
    "Resources": (
        (
            "A small budget is set aside for G&T enrichment.",
            "Time, money and e-credits are allocated to G&T provision and their use reviewed.",
            "Resources follow evidence of impact; the value of each activity is evaluated.",
        ),
        "Spend the e-credits on the provider menu's masterclasses and judge their impact.",
    ),
    "Monitoring and evaluation": (
        (
            "The coordinator keeps a list of the G&T provision offered.",
            "Provision is evaluated against progress each year and the plan adjusted.",
            "Rigorous self-evaluation with pupils' views keeps improving provision.",
        ),
        "Evaluate each enrichment activity against pupils' progress.",
    ),
    "Engaging with the community, families and beyond": (
        (
            "Parents are told when their child is identified and what is offered.",
            "A parents' evening on supporting able children; two community partners.",
            "Families and partners help plan and review provision.",
        ),
        "Hold a parents' workshop on supporting able learners at home.",
    ),
    "Learning beyond the classroom": (
        (
            "Some clubs and an annual maths challenge.",
            "A planned programme of masterclasses, visits and competitions across the year.",
            "Out-of-hours learning links to lessons and its effect is evaluated.",
        ),
        "Extend enrichment through the provider menu.",
    ),
}
# The levels a school gives itself, from a most-often-developing spread.
LEVELS = [1, 1, 2, 2, 2, 3]


def evidence_for(element_name: str, level: int) -> tuple[str, str]:
    """The evidence and next step a school writes for one element at one level."""
    texts, next_step = EVIDENCE[element_name]
    return texts[level - 1], next_step


def load(
    schools: list[School],
    academy: School,
    leaders: dict[int, User],
    la_lead: User,
    rng: random.Random,
) -> None:
    """Last year's judgement at each school but St Aldhelm's, by its own leader."""
    frameworks.ensure_shipped()
    year_ago = timezone.now() - dt.timedelta(days=330)
    for school in schools:
        if school.name == "St Aldhelm's Primary School":
            continue  # no judgement yet: the LA sees the gap
        lead = leaders[school.pk]
        evaluation = _judged(lead, school, random.Random(rng.random()))
        SelfEvaluation.objects.filter(pk=evaluation.pk).update(
            created_at=year_ago, submitted_at=year_ago, updated_at=year_ago
        )
        if school == academy:
            _plan(lead, evaluation)
    services.leave_note(
        la_lead,
        academy,
        "Autumn review: identification is secure; challenge in KS3 lessons is uneven.",
        agreed_actions="Peer observation of challenge in KS3\nReview FSM identification",
        reviewed_on=timezone.localdate() - dt.timedelta(days=40),
    )


def _judged(lead: User, school: School, rng: random.Random) -> SelfEvaluation:
    draft = services.start(lead, school)
    for judgement in draft.judgements.select_related("element").order_by("element__number"):
        level = rng.choice(LEVELS)
        evidence, next_step = evidence_for(judgement.element.name, level)
        services.record_judgement(
            lead,
            draft,
            judgement.element_id,
            level=level,
            evidence=evidence,
            next_steps=next_step,
            revision=judgement.revision,
        )
    return services.submit(lead, draft)


def _plan(lead: User, evaluation: SelfEvaluation) -> None:
    plan = plans.create_from(lead, evaluation)
    today = timezone.localdate()
    for n, action in enumerate(plan.actions.order_by("position")[:6]):
        done = n == 0
        plans.update_action(
            lead,
            plan,
            action.pk,
            replace(
                plans.ActionInput(what=action.what, element_id=action.element_id),
                who="Priya Desai" if n % 2 else "Heads of department",
                due_on=today + dt.timedelta(days=(n - 2) * 30),
                status=PlanAction.Status.DONE if done else PlanAction.Status.IN_PROGRESS,
                credits=2 * n,
                success_criteria=action.success_criteria,
                impact="FSM share of the register up from 8% to 14%." if done else "",
            ),
        )
    # Done two months ago, as the plan says, not today.
    PlanAction.objects.filter(plan=plan, status=PlanAction.Status.DONE).update(
        done_on=today - dt.timedelta(days=60)
    )
