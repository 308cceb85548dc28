"""The demo's leading-teacher training: the national programme "Leading teacher 2026" (three
short core modules and two optional ones, written for Rising Tide: ``data/training.yaml``),
published by the national officer, and the demo's leading teachers at different points
through it, so that the LA lead's and the national officer's coverage pages show a spread:

- Owen Fraser (``cluster.coordinator``, Riverton's primary cluster): complete since the summer,
  with the improvement plan he wrote for Brookside Primary;
- Priya Desai (``coordinator``, Riverton Academy): two core modules passed, part-way through
  "Writing the improvement plan"; her school's plan is written, so finishing it completes;
- Hollowmere High's leading teacher: the first module passed;
- St Aldhelm's leading teacher: not started.

Every step goes through the training's own services (answers marked, reflections saved,
modules finished, completion recorded by the rules), then dates are moved back."""

import datetime as dt
import random
from pathlib import Path

import yaml
from django.utils import timezone

from risingtide.demo import training_sessions
from risingtide.people.models import User
from risingtide.schools.models import Nation, School
from risingtide.standards import plans
from risingtide.standards.models import SelfEvaluation
from risingtide.training import services
from risingtide.training.models import Completion, Module, Programme, Progress, Reflection

CONTENT = Path(__file__).with_name("data") / "training.yaml"


def load(
    nation: Nation,
    schools: list[School],
    leaders: dict[int, User],
    national: User,
    rng: random.Random,
) -> Programme:
    spec = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    programme = services.create_programme(national, spec["title"], nation, spec["rules"])
    programme.summary = spec["summary"]
    programme.save(update_fields=["summary"])
    modules = []
    for raw in spec["modules"]:
        module = services.add_module(national, programme, raw["title"], core=raw["core"])
        module.summary = raw["summary"]
        module.save(update_fields=["summary"])
        services.save_draft(national, module, {"steps": raw["steps"]})
        services.publish(national, module)
        modules.append(module)
    core = [m for m in modules if m.core]
    by_name = {s.name: s for s in schools}
    now = timezone.now()

    owen = User.objects.get(username="cluster.coordinator")
    brookside = by_name["Brookside Primary School"]
    # He came to both half-days of last spring's cohort, run by Riverton's LA lead.
    training_sessions.earlier_cohort(
        programme,
        User.objects.get(username="la.lead"),
        brookside.local_authority,
        [owen],
        (now - dt.timedelta(days=200)).date(),
    )
    evaluation = SelfEvaluation.objects.filter(
        school=brookside, status="submitted", superseded_at__isnull=True
    ).first()
    if evaluation is not None:
        plans.create_from(owen, evaluation)
    finished = [now - dt.timedelta(days=150 - 12 * n) for n in range(4)]
    for module, when in zip(core + modules[3:4], finished, strict=True):
        _work_through(owen, module, rng, when)
    # Complete when his last core module was finished (the optional one came after).
    Completion.objects.filter(learner=owen, programme=programme).update(
        completed_at=finished[len(core) - 1]
    )

    priya = User.objects.get(username="coordinator")
    for n, module in enumerate(core[:2]):
        _work_through(priya, module, rng, now - dt.timedelta(days=40 - 14 * n))
    started = services.progress_for(priya, core[2])
    services.visit(started, 1)

    hollowmere = leaders[by_name["Hollowmere High School"].pk]
    _work_through(hollowmere, core[0], rng, now - dt.timedelta(days=20))
    return programme


REFLECTIONS = [
    "Our register under-represents pupils with EAL; I will ask every department for one "
    "nomination from pupils new to English this term.",
    "Strongest: identification and learning beyond the classroom. Weakest: classroom "
    "provision and monitoring; I need lesson observation notes to be sure.",
    "Head of science leads two peer observations of challenge in Year 8 by February "
    "half-term; we will know from the spring pupil survey.",
    "Generate, in Year 4 measures: how many ways could we find the height of the hall?",
    "A quiet pupil whose spoken answers are excellent but who rarely finishes written work.",
]


def _work_through(learner: User, module: Module, rng: random.Random, when) -> None:
    """The learner reads every page, answers each check (a wrong try first, now and then),
    writes each reflection and finishes the module, all dated ``when``."""
    progress = services.progress_for(learner, module)
    for index, step in enumerate(progress.version.steps):
        if step["kind"] == "check":
            right = {
                q: [n for n, a in enumerate(question["answers"]) if a["correct"]]
                for q, question in enumerate(step["questions"])
            }
            if rng.random() < 0.4:  # a first try with one answer wrong, as people do
                wrong = [
                    n for n, a in enumerate(step["questions"][0]["answers"]) if not a["correct"]
                ]
                services.answer(progress, index, {**right, 0: wrong[:1]})
            services.answer(progress, index, right)
        elif step["kind"] == "reflection":
            services.save_reflection(progress, index, REFLECTIONS[module.position - 1], 0)
    services.visit(progress, len(progress.version.steps) - 1)
    services.finish(progress)
    Progress.objects.filter(pk=progress.pk).update(
        started_at=when - dt.timedelta(days=2), updated_at=when, completed_at=when
    )
    Reflection.objects.filter(progress=progress).update(updated_at=when)
