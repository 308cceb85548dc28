"""Feedback threads for pages, inboxes and badges: a fixed number of queries each."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse

from risingtide.access.core import can, visible
from risingtide.feedback.models import Comment, Judgement, Reply, Review, ThreadRead
from risingtide.feedback.services import levels_for
from risingtide.people.models import User
from risingtide.portfolios.models import PortfolioMember


def _read_at(comments: QuerySet, user: User) -> QuerySet:
    """Each thread with ``read_at``: when ``user`` last read it (None: never)."""
    read_at = ThreadRead.objects.filter(user=user, comment=OuterRef("pk")).values("read_at")
    return comments.annotate(read_at=Subquery(read_at[:1]))


def _unread(user: User) -> Q:
    """A message by someone else since ``user`` last read the thread (needs ``_read_at``)."""
    return ~Q(last_message_by=user) & (
        Q(read_at__isnull=True) | Q(last_message_at__gt=F("read_at"))
    )


def _with_reading(comments: QuerySet, user: User) -> QuerySet:
    """Each thread with ``unread``: a message by someone else since ``user`` last read it."""
    return _read_at(comments, user).annotate(
        unread=ExpressionWrapper(_unread(user), output_field=BooleanField())
    )


def _full(comments: QuerySet) -> QuerySet:
    return comments.select_related("author", "last_message_by").prefetch_related(
        Prefetch("replies", queryset=Reply.objects.select_related("author"))
    )


def threads_on(user: User, portfolio, **target) -> list[Comment]:
    """The threads on one thing of a portfolio (``item=…``, ``stage=…``, ``connection__isnull=
    False`` for all connections, or nothing for the portfolio as a whole), oldest first."""
    if not target:
        target = {"item__isnull": True, "connection__isnull": True, "stage": ""}
    comments = visible(user, "comment").filter(portfolio=portfolio, **target)
    return list(_full(_with_reading(comments, user)).order_by("created_at", "pk"))


def card_counts(viewer: User, portfolio) -> dict:
    """The threads on each item and on each stage's tool of a portfolio, and how many of them
    ``viewer`` has not read: one query, for the cards of the board."""
    rows = (
        _with_reading(visible(viewer, "comment").filter(portfolio=portfolio), viewer)
        .filter(Q(item__isnull=False) | ~Q(stage=""))
        .order_by()
        .values("item_id", "stage")
        .annotate(n=Count("pk"), unread_n=Count("pk", filter=Q(unread=True)))
    )
    out: dict[str, dict] = {"items": {}, "stages": {}}
    for row in rows:
        place, key = ("items", row["item_id"]) if row["item_id"] else ("stages", row["stage"])
        n, unread = out[place].get(key, (0, 0))
        out[place][key] = (n + row["n"], unread + row["unread_n"])
    return out


def target_url(comment: Comment) -> str:
    """Where a thread is shown, so a notice can take the reader straight to it."""
    anchor = f"#comment-{comment.pk}"
    if comment.item_id:
        return reverse("portfolios:item", args=[comment.item_id]) + anchor
    if comment.connection_id:
        return reverse("portfolios:connections", args=[comment.portfolio_id]) + anchor
    if comment.stage:
        return reverse("portfolios:stage_tool", args=[comment.portfolio_id, comment.stage]) + anchor
    return reverse("portfolios:portfolio", args=[comment.portfolio_id]) + anchor


def _pupil_wrote_last() -> Exists:
    return Exists(
        PortfolioMember.objects.filter(
            portfolio=OuterRef("portfolio"), pupil=OuterRef("last_message_by")
        )
    )


def pupil_inbox(user: User, limit: int = 50) -> list[Comment]:
    """A pupil's feedback: unread first, then next steps still to do, then the rest."""
    comments = _with_reading(visible(user, "comment"), user).select_related(
        "portfolio__project", "item"
    )
    rows = list(comments.order_by("-unread", "-last_message_at")[:limit])
    rows.sort(key=lambda c: (not c.unread, c.state != Comment.State.OPEN))
    for c in rows:
        c.url = target_url(c)
    return rows


def _waiting() -> Case:
    """Which list of the teacher's inbox a thread waits in, if any. One list each: a pupil's
    answer on an open next step is a question to answer first, not also an open step."""
    return Case(
        When(
            Q(_pupil_wrote_last(), ~Q(state__in=[Comment.State.ACCEPTED, Comment.State.DONE])),
            then=Value("questions"),
        ),
        When(state=Comment.State.DONE, then=Value("to_accept")),
        When(state=Comment.State.OPEN, then=Value("open")),
        default=Value(""),
    )


WAITING_LISTS = ("questions", "to_accept", "open")


def waits_for_teacher() -> Q:
    """A thread waiting for the teacher's response: the inbox's first two lists as one
    condition (a pupil answered or asked last on a thread not yet done with, or marked a next
    step done)."""
    return Q(state=Comment.State.DONE) | Q(_pupil_wrote_last(), ~Q(state=Comment.State.ACCEPTED))


def teacher_inbox(user: User, limit: int = 50) -> dict[str, list[Comment]]:
    """What waits for a teacher across the pupils they may see: questions a pupil answered or
    asked last, next steps marked done to accept, and next steps still open; the newest
    ``limit`` of each, in one query (and one for the pupils' names)."""
    rows = (
        visible(user, "comment")
        .annotate(waiting=_waiting())
        .exclude(waiting="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("waiting"),
                order_by=(F("last_message_at").desc(), F("pk").desc()),
            )
        )
        .filter(rank__lte=limit)
        .select_related("portfolio__project", "item", "last_message_by")
        .prefetch_related("portfolio__members")
        .order_by("-last_message_at", "-pk")
    )
    out = {name: [] for name in WAITING_LISTS}
    for c in rows:
        c.url = target_url(c)
        out[c.waiting].append(c)
    return out


def waiting_counts(user: User) -> dict[str, int]:
    """How many threads wait in each list of the teacher's inbox: one query."""
    counts = dict.fromkeys(WAITING_LISTS, 0)
    rows = (
        visible(user, "comment")
        .annotate(waiting=_waiting())
        .exclude(waiting="")
        .values("waiting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update((row["waiting"], row["n"]) for row in rows)
    return counts


def pupil_waiting(user: User) -> dict[str, int]:
    """What waits for a pupil: threads with something new, and next steps still to do. One
    query."""
    # The filter spells ``unread`` out: an aggregate cannot filter on a boolean annotation.
    return _read_at(visible(user, "comment"), user).aggregate(
        unread=Count("pk", filter=_unread(user)),
        to_do=Count("pk", filter=Q(state=Comment.State.OPEN)),
    )


def badge_count(user: User, is_pupil: bool, is_teacher: bool) -> int:
    """The number in the Feedback menu item: one query."""
    comments = visible(user, "comment")
    if is_pupil and not is_teacher:
        return _with_reading(comments, user).filter(unread=True).count()
    return comments.filter(
        Q(state=Comment.State.DONE) | Q(_pupil_wrote_last(), ~Q(state=Comment.State.ACCEPTED))
    ).count()


def criteria_rows(portfolio) -> dict:
    """Each success criterion with its judgement (if any) and the rubric's levels: two queries."""

    made = {j.criterion: j for j in Judgement.objects.filter(portfolio=portfolio)}
    return {
        "levels": levels_for(portfolio.project),
        "criteria_rows": [
            {"index": n, "text": text, "judgement": made.get(n)}
            for n, text in enumerate(portfolio.project.success_criteria)
        ],
    }


def reviews_for(viewer: User, portfolio) -> dict:
    """The reviews of a presentation as the viewer may see them, and the comparison of the
    pupil's own levels with their peers' and the teacher's. Plain data only: an anonymous
    reviewer's account never reaches a template, for anyone but staff."""

    staff = can(viewer, "portfolio.comment", portfolio)
    # Classmates see the reviews; the teacher's judgement and the pupil's own levels are for
    # the pupils whose work it is and their teachers.
    insider = staff or portfolio.memberships.filter(pupil=viewer).exists()
    reviews = list(Review.objects.filter(portfolio=portfolio).select_related("reviewer"))
    scale = levels_for(portfolio.project)
    shown = []
    for r in reviews:
        if (r.hidden and not staff) or (r.is_self and not insider):
            continue
        named = not r.anonymous or staff or r.reviewer_id == viewer.pk
        name = r.reviewer.get_full_name() if r.reviewer else r.reviewer_label
        shown.append(
            {
                "id": r.pk,
                "is_self": r.is_self,
                "by": name if named else "",
                "anonymous": r.anonymous,
                "hidden": r.hidden,
                "mine": r.reviewer_id == viewer.pk,
                "comment": r.comment,
                "levels": {
                    int(k): scale[v]
                    for k, v in r.levels.items()
                    if str(k).isdigit() and isinstance(v, int) and 0 <= v < len(scale)
                },
            }
        )
        shown[-1]["rated"] = [
            {"text": text, "level": shown[-1]["levels"][n]}
            for n, text in enumerate(portfolio.project.success_criteria)
            if n in shown[-1]["levels"]
        ]
    judged = (
        {j.criterion: j.level_text for j in Judgement.objects.filter(portfolio=portfolio)}
        if insider
        else {}
    )
    own = next((r for r in shown if r["is_self"]), None)
    peers = [r for r in shown if not r["is_self"] and not r["hidden"]]
    comparison = [
        {
            "text": text,
            "self": own["levels"].get(n, "") if own and insider else "",
            "peers": [r["levels"][n] for r in peers if n in r["levels"]],
            "teacher": judged.get(n, ""),
        }
        for n, text in enumerate(portfolio.project.success_criteria)
    ]
    mine = next((r for r in reviews if r.reviewer_id == viewer.pk), None)
    form_rows = [
        {
            "index": n,
            "text": text,
            "selected": mine.levels.get(str(n)) if mine else None,
        }
        for n, text in enumerate(portfolio.project.success_criteria)
    ]
    return {
        "reviews": shown,
        "comparison": comparison,
        "scale": scale,
        "staff_view": staff,
        "review_form": form_rows,
        "my_review": mine,
    }
