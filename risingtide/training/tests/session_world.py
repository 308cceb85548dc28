"""Face-to-face sessions for the tests: one of the nation's (for LA leads) and one of each LA
(for its leading teachers), a week ahead, with the scheduler's own learner signed up to each
(made on first use)."""

from datetime import timedelta

from django.utils import timezone

from risingtide.training import sessions
from risingtide.training.tests.world import add_training

# Who schedules each session, and who (in the tiny world) signs up for it: everyone who may.
SCHEDULERS = {"nation": "national_officer@nation", "own": "la_lead@own", "other": "la_lead@other"}
LEARNERS = {
    "nation": ["la_lead@own", "la_lead@other"],
    "own": [
        "leading_teacher@own",
        "leading_teacher@peer",
        "leading_teacher@cluster",
        "teacher+lead@own",
    ],
    "other": ["leading_teacher@other"],
}


def session(world, key: str, *, half_day: int = 1, capacity: int = 10, days: int = 7, **extra):
    """A session scheduled by ``SCHEDULERS[key]`` of the nation's programme."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    owner = world.nation if key == "nation" else world.las[key]
    fields = {
        "half_day": half_day,
        "venue": f"{key.title()} Teachers' Centre",
        "address": "1 High Street\nRiverton RT1 1AA",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": capacity,
        **extra,
    }
    return sessions.schedule(
        world.users[SCHEDULERS[key]], add_training(world).programmes["nation"], owner, **fields
    )


def add_sessions(world):
    """``world.training_sessions`` by key ("nation", "own", "other"), each with everyone who
    may attend it booked."""
    if hasattr(world, "training_sessions"):
        return world
    world.training_sessions = {key: session(world, key) for key in SCHEDULERS}
    for key, made in world.training_sessions.items():
        for learner in LEARNERS[key]:
            sessions.sign_up(world.users[learner], made)
    return world


def past_session(world, key: str, *, half_day: int = 1, hours_ago: int = 4, learners=()):
    """A session that started ``hours_ago`` (scheduled, and signed up for, beforehand), with
    ``learners`` (user keys) booked on it: ready for its register."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)
    local = timezone.localtime(start)
    if local.hour >= 21:  # a three-hour session would end the next day: register times are
        # times of day, so start it earlier the same evening (the tests failed after midnight)
        start = local.replace(hour=20, minute=0, second=0)
    before = start - timedelta(days=2)
    owner = world.nation if key == "nation" else world.las[key]
    made = sessions.schedule(
        world.users[SCHEDULERS[key]],
        add_training(world).programmes["nation"],
        owner,
        half_day=half_day,
        venue=f"{key.title()} Library",
        address="2 Park Road",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=10,
        now=before,
    )
    for learner in learners:
        sessions.sign_up(world.users[learner], made, now=before)
    return made
