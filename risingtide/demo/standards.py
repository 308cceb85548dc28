"""The demo's quality standards: last year's IQS judgements for most demo schools (so the LA
page, the national indicator and its trend have figures), an improvement plan with an overdue
action at Riverton Academy, and a note from the LA lead. Riverton Academy's coordinator can
then start this year's self-evaluation from last year's judgement and see what changed."""

import datetime as dt
import random

from django.utils import timezone

from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards import frameworks, plans, services
from risingtide.standards.models import Judgement, MonitoringNote, PlanAction, SelfEvaluation

EVIDENCE = [
    "Identification criteria agreed by staff; the register reviewed each term.",
    "Lesson observations show planned challenge in most subjects.",
    "Pupil voice survey: more able pupils say work stretches them.",
    "Governor for G&T reports termly; policy reviewed this year.",
]
NEXT_STEPS = [
    "Use the register's equity check to review FSM pupils' identification.",
    "Share planning for challenge across departments.",
    "Track the progress of G&T pupils each half term.",
    "Extend enrichment through the provider menu.",
]


def load(schools: list[School], academy: School, lead: User, la_lead: User, rng) -> None:
    frameworks.ensure_shipped()
    year_ago = timezone.now() - dt.timedelta(days=330)
    for school in schools:
        if school.name == "St Aldhelm's Primary School":
            continue  # no judgement yet: the LA sees the gap
        actor = lead if school == academy else None
        evaluation = _submitted(school, actor, year_ago, random.Random(rng.random()))
        if school == academy:
            _plan(lead, evaluation)
    MonitoringNote.objects.create(
        school=academy,
        author=la_lead,
        reviewed_on=timezone.localdate() - dt.timedelta(days=40),
        text="Autumn review: identification is secure; challenge in KS3 lessons is uneven.",
        agreed_actions="Peer observation of challenge in KS3\nReview FSM identification",
    )


def _submitted(school: School, actor, at: dt.datetime, rng: random.Random) -> SelfEvaluation:
    version = services.current_version("iqs")
    evaluation = SelfEvaluation.objects.create(
        school=school,
        framework=version.framework,
        version=version,
        created_by=actor,
        submitted_by=actor,
        status=SelfEvaluation.Status.SUBMITTED,
        submitted_at=at,
    )
    judgements = [
        Judgement(
            evaluation=evaluation,
            element=element,
            level=rng.choice([1, 1, 2, 2, 2, 3]),
            evidence=rng.choice(EVIDENCE),
            next_steps=rng.choice(NEXT_STEPS),
            updated_by=actor,
        )
        for element in version.elements.all()
    ]
    Judgement.objects.bulk_create(judgements)
    evaluation.overall_level = min(j.level for j in judgements)
    evaluation.save(update_fields=["overall_level"])
    return evaluation


def _plan(lead: User, evaluation: SelfEvaluation) -> None:
    plan = plans.create_from(lead, evaluation)
    today = timezone.localdate()
    for n, action in enumerate(plan.actions.all()[:6]):
        action.who = "Priya Desai" if n % 2 else "Heads of department"
        action.due_on = today + dt.timedelta(days=(n - 2) * 30)
        action.status = PlanAction.Status.DONE if n == 0 else PlanAction.Status.IN_PROGRESS
        action.done_on = today - dt.timedelta(days=60) if n == 0 else None
        action.credits = 2 * n
        action.save()
