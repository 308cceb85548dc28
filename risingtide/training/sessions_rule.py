"""The completion rule ``both_half_days_attended``: the learner attended a session of the
programme for each of its two half-days.

A session counts for a learner when the register marked them present (arriving late still
counts) and they did not leave more than ``EARLY_LEAVING_GRACE`` (30 minutes) before the end:
someone who left an hour early missed a good part of a half-day and should come to another
session of it. A cancelled session never counts, whatever its register says. Registered with
``completion.register`` when the app is ready; one query for any number of learners."""

from collections.abc import Sequence

from django.utils import timezone

from risingtide.people.models import User
from risingtide.training import completion
from risingtide.training.models import Programme, SignUp
from risingtide.training.models.sessions import counts_as_attended

NAME = "both_half_days_attended"
HALF_DAYS = (1, 2)


def attended(learners: Sequence[User], programme: Programme) -> dict[int, completion.Outcome]:
    counted: dict[int, dict[int, dict]] = {learner.pk: {} for learner in learners}
    rows = (
        SignUp.objects.filter(
            learner__in=[learner.pk for learner in learners],
            session__programme=programme,
            session__cancelled_at__isnull=True,
            status=SignUp.Status.BOOKED,
            present=True,
        )
        .order_by("session__starts_at", "pk")
        .values_list(
            "learner_id",
            "session_id",
            "session__half_day",
            "session__venue",
            "session__starts_at",
            "session__ends_at",
            "left_at",
        )
    )
    for learner_id, session_id, half_day, venue, starts_at, ends_at, left_at in rows:
        if counts_as_attended(True, left_at, ends_at):
            counted[learner_id].setdefault(
                half_day,
                {
                    "session": session_id,
                    "half_day": half_day,
                    "venue": venue,
                    "date": timezone.localtime(starts_at).date().isoformat(),
                },
            )
    return {
        pk: completion.Outcome(
            NAME,
            all(day in found for day in HALF_DAYS),
            {"sessions": [found[day] for day in HALF_DAYS if day in found]},
        )
        for pk, found in counted.items()
    }


completion.register(NAME, completion.Rule("Attend both half-days face to face", attended))
