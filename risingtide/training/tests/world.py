"""Training for the tests: a module's content, and programmes of the nation and of each LA
of the tiny world, each with a core module published (made on first use)."""

from risingtide.training import services

CONTENT = {
    "steps": [
        {
            "kind": "page",
            "title": "Who are the more able?",
            "body": "More able pupils are **not only** the ones with the highest marks.",
        },
        {
            "kind": "check",
            "title": "Check your understanding",
            "pass_mark": 1,
            "questions": [
                {
                    "text": "Which pupils may be more able?",
                    "multiple": False,
                    "answers": [
                        {
                            "text": "Only those with the top test scores",
                            "correct": False,
                            "feedback": "Test scores miss underachievers and quiet thinkers.",
                        },
                        {
                            "text": "Any pupil who shows high potential, in any way",
                            "correct": True,
                            "feedback": "Yes: look for potential, not only attainment.",
                        },
                    ],
                }
            ],
        },
        {
            "kind": "reflection",
            "title": "Your school",
            "prompt": "Which pupils in your school might the register be missing?",
        },
    ]
}


def programme(owner, author, title="Leading teacher 2026"):
    """A programme with one core module, published once by ``author``."""
    made = services.create_programme(author, title, owner, ["all_core_passed"])
    module = services.add_module(author, made, "Identifying G&T learners")
    services.save_draft(author, module, CONTENT)
    services.publish(author, module)
    return made


def add_training(world):
    """``world.programmes`` and ``world.modules`` by key: "nation", "own", "other"."""
    if hasattr(world, "programmes"):
        return world
    world.programmes = {
        "nation": programme(world.nation, world.users["national_officer@nation"]),
        "own": programme(world.las["own"], world.users["la_lead@own"], "Own LA essentials"),
        "other": programme(world.las["other"], world.users["la_lead@other"], "Other LA course"),
    }
    world.modules = {k: p.modules.get() for k, p in world.programmes.items()}
    return world


def complete(world, key: str, learner_key: str):
    """``learner_key`` works through programme ``key``'s core module (a right answer, a
    reflection) and finishes it, so the programme is recorded complete: the Completion."""
    from risingtide.training.models import Completion

    add_training(world)
    learner = world.users[learner_key]
    progress = services.progress_for(learner, world.modules[key])
    services.answer(progress, 1, {0: [1]})
    services.save_reflection(progress, 2, "The quiet ones who never put a hand up.", 0)
    services.finish(progress)
    return Completion.objects.get(learner=learner, programme=world.programmes[key])


def add_credentials(world):
    """``world.credentials`` by key: a badge issued for a completion of each programme —
    leading_teacher@own's of the nation's and of their LA's, la_lead@other's of their LA's."""
    if hasattr(world, "credentials"):
        return world
    from risingtide.training import credentials

    world.credentials = {}
    for key, learner in (
        ("nation", "leading_teacher@own"),
        ("own", "leading_teacher@own"),
        ("other", "la_lead@other"),
    ):
        completion = complete(world, key, learner)
        world.credentials[key] = credentials.issue(completion.learner, completion)
    return world
