"""Feedback threads for pages, inboxes and badges: a fixed number of queries each."""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.urls import reverse

from risingtide.access.core import can, visible
from risingtide.feedback.models import Comment, Judgement, Reply, Review, ThreadRead
from risingtide.feedback.services import levels_for
from risingtide.people.models import User
from risingtide.portfolios.models import PortfolioMember


def _with_reading(comments: QuerySet, user: User) -> QuerySet:
    """Each thread with ``unread``: a message by someone else since ``user`` last read it."""
    read_at = ThreadRead.objects.filter(user=user, comment=OuterRef("pk")).values("read_at")
    unread = ~Q(last_message_by=user) & (
        Q(read_at__isnull=True) | Q(last_message_at__gt=F("read_at"))
    )
    return comments.annotate(read_at=Subquery(read_at[:1])).annotate(
        unread=ExpressionWrapper(unread, output_field=BooleanField())
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


def target_url(comment: Comment) -> str:
    """Where a thread is shown, so a notice can take the reader straight to it."""
    anchor = f"#comment-{comment.pk}"
    if comment.item_id:
        return reverse("item", args=[comment.item_id]) + anchor
    if comment.connection_id:
        return reverse("connections", args=[comment.portfolio_id]) + anchor
    if comment.stage:
        return reverse("stage_tool", args=[comment.portfolio_id, comment.stage]) + anchor
    return reverse("portfolio", args=[comment.portfolio_id]) + anchor


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


def teacher_inbox(user: User, limit: int = 50) -> dict[str, list[Comment]]:
    """What waits for a teacher across the pupils they may see: questions a pupil answered or
    asked last, next steps marked done to accept, and next steps still open."""
    mine = (
        visible(user, "comment")
        .select_related("portfolio__project", "item", "last_message_by")
        .prefetch_related("portfolio__members")
    )
    lists = {
        # A pupil wrote last (a next step marked done is in the next list instead).
        "questions": mine.filter(
            _pupil_wrote_last(), ~Q(state__in=[Comment.State.ACCEPTED, Comment.State.DONE])
        ),
        "to_accept": mine.filter(state=Comment.State.DONE),
        "open": mine.filter(state=Comment.State.OPEN),
    }
    out = {}
    for name, comments in lists.items():
        out[name] = list(comments.order_by("-last_message_at")[:limit])
        for c in out[name]:
            c.url = target_url(c)
    return out


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
