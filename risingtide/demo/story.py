"""Time in the demo's classroom: what pupils and their teacher did, day by day, over the weeks
before the demo was loaded.

Every change goes through the services, which stamp it with the time it is made. So the story
is told in order, oldest day first, and after each day the clock is turned back on everything
the class has made so far (``time_passes``): a note written "twelve days ago" was written
first and has been aged by twelve days when the story ends. The progress grid's last activity,
"quiet for 9 days", the inbox's order and the threads' dates then read as a real term would.
The audit log is left as it is: it records when the demo was loaded, which is true.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from django.db.models import F

from risingtide.feedback.models import Comment, Judgement, Reply, Review, ThreadRead
from risingtide.portfolios.models import (
    Annotation,
    Connection,
    GroupMessage,
    Item,
    NoteRevision,
    Portfolio,
    StageProgress,
    StageWork,
)
from risingtide.tasc.models import Assignment, Project

# Each model with its time stamps, and the path from it to its project.
STAMPED = [
    (Assignment, "project", ["assigned_at"]),
    (Portfolio, "project", ["created_at", "last_activity_at"]),
    (Item, "portfolio__project", ["created_at", "updated_at"]),
    (NoteRevision, "item__portfolio__project", ["saved_at"]),
    (Annotation, "item__portfolio__project", ["created_at"]),
    (Connection, "portfolio__project", ["created_at"]),
    (StageProgress, "portfolio__project", ["done_at", "updated_at"]),
    (StageWork, "portfolio__project", ["updated_at"]),
    (GroupMessage, "portfolio__project", ["created_at"]),
    (Comment, "portfolio__project", ["created_at", "last_message_at", "done_at", "accepted_at"]),
    (Reply, "comment__portfolio__project", ["created_at"]),
    (ThreadRead, "comment__portfolio__project", ["read_at"]),
    (Judgement, "portfolio__project", ["judged_at"]),
    (Review, "portfolio__project", ["created_at", "updated_at"]),
]


def time_passes(projects: list[Project], days: int) -> None:
    """Turn the clock back ``days`` days on everything made so far in these projects."""
    if days <= 0:
        return
    back = timedelta(days=days)
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        created_at=F("created_at") - back
    )
    for model, path, fields in STAMPED:
        # A missing time (a stage not done yet) stays missing: NULL minus a day is NULL.
        model.objects.filter(**{f"{path}__in": projects}).update(
            **{name: F(name) - back for name in fields}
        )


class Story:
    """Things to do on given days (days before today), told oldest first. Each day is moved
    to the nearest of ``SCHOOL_DAYS`` (lessons and homework): a dozen days to tell, each a few
    queries, rather than one for every day of the month."""

    SCHOOL_DAYS = (0, 1, 2, 3, 5, 7, 9, 11, 13, 16, 18, 21, 22, 28)

    def __init__(self, projects: list[Project]):
        self.projects = projects
        self.days: dict[int, list[Callable[[], object]]] = defaultdict(list)

    def on(self, days_ago: int, action: Callable[[], object]) -> None:
        day = min(self.SCHOOL_DAYS, key=lambda school_day: (abs(school_day - days_ago), school_day))
        self.days[day].append(action)

    def tell(self) -> None:
        ordered = sorted(self.days, reverse=True)
        for n, day in enumerate(ordered):
            for action in self.days[day]:
                action()
            following = ordered[n + 1] if n + 1 < len(ordered) else 0
            time_passes(self.projects, day - following)
