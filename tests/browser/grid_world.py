"""A class part-way through a project, for the teacher's progress grid: some pupils done with
several stages, some started, two gone quiet (one for much longer), one who has not opened it,
next steps still open, a question and a finished next step waiting for the teacher, and
feedback that has gone quiet."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from risingtide.demo.testing import TinyWorld, make_user, member
from risingtide.feedback.models import Comment
from risingtide.feedback.services import give, mark_done, reply
from risingtide.people.models import Role, User
from risingtide.portfolios import services
from risingtide.portfolios.models import Portfolio
from risingtide.tasc.models import STAGE_ORDER


@dataclass
class Pupil:
    first: str
    last: str
    done: int  # stages finished, in wheel order
    notes: int  # notes in the stage after the last finished one
    quiet_days: int  # days since they last did anything


# Ada and Ben Own are the tiny world's; these join their class.
CLASS = [
    Pupil("Chloe", "Adams", 3, 2, 0),
    Pupil("Dev", "Patel", 1, 1, 12),  # stuck longest
    Pupil("Ella", "Brown", 5, 1, 1),
    Pupil("Finn", "Clarke", 0, 1, 8),  # stuck
    Pupil("Grace", "Okafor", 8, 0, 2),  # finished the wheel
    Pupil("Hamza", "Ali", 2, 3, 0),
    Pupil("Isla", "Jones", 4, 0, 3),
    Pupil("Jack", "Wilson", 1, 2, 1),
]


def _ago(days: int):
    return timezone.now() - timedelta(days=days, hours=1)


def fill_class(world: TinyWorld) -> dict[str, Portfolio]:
    """The class of "own" with work under way; returns each pupil's portfolio by first name."""
    teacher = world.users["teacher@own"]
    project = world.projects["own"]
    portfolios: dict[str, Portfolio] = {"Ada": world.portfolios["own"]}
    pupils: dict[str, User] = {"Ada": world.users["pupil@own"]}
    for p in CLASS:
        pupil = make_user(f"{p.first.lower()}.{p.last.lower()}", p.first, p.last)
        member(pupil, Role.PUPIL, school=world.schools["own"])
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolio = services.portfolio_for(pupil, project)
        for stage in STAGE_ORDER[: p.done]:
            services.add_note(pupil, portfolio, stage, f"My {stage} note")
            services.set_stage_done(pupil, portfolio, stage, True)
        if p.done < len(STAGE_ORDER):
            for n in range(p.notes):
                services.add_note(pupil, portfolio, STAGE_ORDER[p.done], f"Idea {n + 1}")
        portfolios[p.first], pupils[p.first] = portfolio, pupil

    # Ada finished Gather a while ago; her teacher's next step (the tiny world's) is still open.
    services.set_stage_done(pupils["Ada"], portfolios["Ada"], "gather", True)
    # Feedback: Chloe's next step open, Hamza asked a question back, Ella finished hers.
    give(teacher, portfolios["Chloe"], "next_step", "Add a source for each fact.")
    question = give(teacher, portfolios["Hamza"], "question", "Which idea will you test?")
    reply(pupils["Hamza"], question, "Can I test two of them?")
    step = give(teacher, portfolios["Ella"], "next_step", "Say why you chose this plan.")
    mark_done(pupils["Ella"], step, "I wrote it under my plan.")
    give(teacher, portfolios["Dev"], "praise", "Great start!")
    give(teacher, portfolios["Grace"], "praise", "You went all the way round the wheel!")
    give(teacher, portfolios["Jack"], "praise", "Good plan.")
    # Dev's praise and Isla's were a fortnight ago, and Finn has had none: feedback has gone
    # quiet there.
    give(teacher, portfolios["Isla"], "praise", "Lovely questions.")
    Comment.objects.filter(portfolio__in=[portfolios["Dev"], portfolios["Isla"]]).update(
        created_at=_ago(14)
    )
    Portfolio.objects.filter(pk__in=[p.pk for p in portfolios.values()]).update(created_at=_ago(20))
    # Last, so that nothing above counts as today's activity.
    for p in [Pupil("Ada", "Own", 1, 0, 2), *CLASS]:
        Portfolio.objects.filter(pk=portfolios[p.first].pk).update(
            last_activity_at=_ago(p.quiet_days)
        )
    return portfolios
