"""Completion rules, as data: a programme names the rules its learners must meet
(``Programme.rules``), each a function here that answers met-or-not with its evidence. A
programme is recorded complete once, the first time every rule is met.

Each rule answers for many learners at once (``check_many``: learner pk -> Outcome), so the
coverage pages can ask who still needs which part in a constant number of queries; parts of
the training in their own modules (sessions, SCORM) add their rules with ``register``."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.people.models import Membership, Role, User
from risingtide.standards import queries as standards
from risingtide.training.models import Completion, Module, Programme, Progress


@dataclass(frozen=True)
class Outcome:
    rule: str
    met: bool
    evidence: dict  # what was found: kept with the completion


@dataclass(frozen=True)
class Rule:
    label: str
    # (learners, programme) -> {learner pk: Outcome}, one entry for every learner given
    check_many: Callable[[Sequence[User], Programme], dict[int, Outcome]]

    def check(self, learner: User, programme: Programme) -> Outcome:
        return self.check_many([learner], programme)[learner.pk]


def _all_core_passed(learners: Sequence[User], programme: Programme) -> dict[int, Outcome]:
    core = set(Module.objects.filter(programme=programme, core=True).values_list("pk", flat=True))
    done: dict[int, dict[int, int]] = {learner.pk: {} for learner in learners}
    for learner_id, module_id, number in Progress.objects.filter(
        learner__in=[learner.pk for learner in learners],
        module_id__in=core,
        completed_at__isnull=False,
    ).values_list("learner_id", "module_id", "version__number"):
        done[learner_id][module_id] = number
    return {
        pk: Outcome(
            "all_core_passed",
            bool(core) and core <= set(passed),
            {"modules": {str(m): {"version": passed[m]} for m in sorted(passed)}},
        )
        for pk, passed in done.items()
    }


def _improvement_plan(learners: Sequence[User], programme: Programme) -> dict[int, Outcome]:
    # Two queries for any number of learners: the schools each leads (their own, or every
    # school of a cluster they lead), then the running plans of all those schools at once.
    led: dict[int, set[int]] = {learner.pk: set() for learner in learners}
    if not led:
        return {}
    for user_id, school_id, cluster_school_id in Membership.objects.filter(
        user_id__in=led, role=Role.LEADING_TEACHER
    ).values_list("user_id", "school_id", "cluster__schools__id"):
        led[user_id].update(s for s in (school_id, cluster_school_id) if s)
    newest: dict[int, tuple] = {}  # school -> its newest running plan (starts_on, pk)
    every_school = set().union(*led.values())
    if every_school:
        for pk, school_id, starts_on in standards.plans_of_schools(every_school).values_list(
            "pk", "school_id", "starts_on"
        ):
            newest.setdefault(school_id, (starts_on, pk, school_id))
    found = {}
    for pk, schools in led.items():
        plans = [newest[s] for s in schools if s in newest]
        plan = max(plans) if plans else None  # newest first, as plans_of_schools orders them
        evidence = {"plan": plan[1], "school": plan[2]} if plan else {}
        found[pk] = Outcome("improvement_plan", plan is not None, evidence)
    return found


RULES: dict[str, Rule] = {
    "all_core_passed": Rule("Pass every core module", _all_core_passed),
    "improvement_plan": Rule(
        "Write a G&T improvement plan, from a submitted self-evaluation, for a school you lead",
        _improvement_plan,
    ),
}


def register(name: str, rule: Rule) -> None:
    """Add a completion rule from another part of the training (called from ``apps.ready``)."""
    if RULES.get(name, rule) is not rule:
        raise ValueError(f"There is already a completion rule called {name}.")
    RULES[name] = rule


def clean_rules(names) -> list[str]:
    if not isinstance(names, list) or not names:
        raise ValidationError("A programme needs at least one completion rule.")
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise ValidationError(f"There is no completion rule called {', '.join(map(str, unknown))}.")
    return list(dict.fromkeys(names))


def outcomes(learner: User, programme: Programme) -> list[Outcome]:
    return outcomes_of_many([learner], programme)[learner.pk]


def outcomes_of_many(learners: Sequence[User], programme: Programme) -> dict[int, list[Outcome]]:
    """Each learner's outcome of every rule the programme names, in the programme's order."""
    checked = [
        RULES[name].check_many(learners, programme) for name in programme.rules if name in RULES
    ]
    return {learner.pk: [found[learner.pk] for found in checked] for learner in learners}


def record_if_complete(learner: User, programme: Programme) -> Completion | None:
    """The learner's completion of the programme: the one already recorded, or a new one if
    every rule is met now (with each rule's evidence), or None."""
    if found := Completion.objects.filter(learner=learner, programme=programme).first():
        return found
    results = outcomes(learner, programme)
    if not results or not all(r.met for r in results):
        return None
    try:
        with transaction.atomic():
            return Completion.objects.create(
                learner=learner,
                programme=programme,
                completed_at=timezone.now(),
                evidence={r.rule: r.evidence for r in results},
            )
    except IntegrityError:  # recorded at the same moment elsewhere: that one stands
        return Completion.objects.get(learner=learner, programme=programme)
