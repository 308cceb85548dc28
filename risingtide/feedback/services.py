"""Feedback changes: the acting person first, the check, the change, the notice."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.feedback.models import (
    DEFAULT_LEVELS,
    Comment,
    Judgement,
    Reply,
    Review,
    Rubric,
    ThreadRead,
)
from risingtide.feedback.tasks import email_feedback
from risingtide.people.models import User
from risingtide.portfolios.models import Portfolio
from risingtide.tasc.models import STAGE_ORDER

MAX_CHARS = 2000


def _text(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > MAX_CHARS:
        raise ValidationError(f"Keep it under {MAX_CHARS:,} characters.")
    return body


def give(
    actor: User,
    portfolio: Portfolio,
    kind: str,
    body: str,
    *,
    item_id: int | None = None,
    connection_id: int | None = None,
    stage: str = "",
) -> Comment:
    """A teacher's comment on one thing in a portfolio (or on the whole of it)."""
    if not can(actor, "portfolio.comment", portfolio):
        raise PermissionDenied
    if kind not in Comment.Kind.values:
        raise ValidationError("Choose praise, a next step, a question or a misconception.")
    body = _text(body)
    if sum(bool(x) for x in (item_id, connection_id, stage)) > 1:
        raise ValidationError("A comment is about one thing.")
    if stage and stage not in STAGE_ORDER:
        raise ValidationError(f"Unknown TASC stage {stage!r}")
    item = portfolio.items.filter(pk=item_id).first() if item_id else None
    connection = portfolio.connections.filter(pk=connection_id).first() if connection_id else None
    if (item_id and item is None) or (connection_id and connection is None):
        raise ValidationError("That is not in this portfolio.")
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(
            portfolio=portfolio,
            item=item,
            connection=connection,
            stage=stage,
            kind=kind,
            author=actor,
            body=body,
            state=Comment.State.OPEN if kind == Comment.Kind.NEXT_STEP else "",
            last_message_at=now,
            last_message_by=actor,
        )
        ThreadRead.objects.create(user=actor, comment=comment, read_at=now)
        _email_later(comment.pk, None)
    return comment


def reply(actor: User, comment: Comment, body: str) -> Reply:
    if not can(actor, "comment.reply", comment):
        raise PermissionDenied
    body = _text(body)
    now = timezone.now()
    with transaction.atomic():
        answer = Reply.objects.create(comment=comment, author=actor, body=body)
        Comment.objects.filter(pk=comment.pk).update(last_message_at=now, last_message_by=actor)
        mark_read(actor, [comment], now)
        _email_later(comment.pk, answer.pk)
    return answer


def mark_done(actor: User, comment: Comment, note: str = "") -> Comment:
    """The pupil says a next step is done (with an optional word about how)."""
    if not can(actor, "comment.mark_done", comment):
        raise PermissionDenied
    if comment.kind != Comment.Kind.NEXT_STEP or comment.state != Comment.State.OPEN:
        raise ValidationError("Only an open next step can be marked done.")
    with transaction.atomic():
        if note.strip():
            reply(actor, comment, note)
        updated = Comment.objects.filter(pk=comment.pk, state=Comment.State.OPEN).update(
            state=Comment.State.DONE, done_at=timezone.now()
        )
        if not updated:
            raise ValidationError("This next step has changed: look again.")
    comment.refresh_from_db()
    return comment


def accept(actor: User, comment: Comment, accepted: bool, note: str = "") -> Comment:
    """The teacher accepts a next step the pupil has done, or gives it back to do more."""
    if not can(actor, "comment.accept", comment):
        raise PermissionDenied
    if comment.kind != Comment.Kind.NEXT_STEP or comment.state != Comment.State.DONE:
        raise ValidationError("Only a next step marked done can be accepted or given back.")
    with transaction.atomic():
        if note.strip():
            reply(actor, comment, note)
        Comment.objects.filter(pk=comment.pk, state=Comment.State.DONE).update(
            state=Comment.State.ACCEPTED if accepted else Comment.State.OPEN,
            accepted_at=timezone.now() if accepted else None,
            done_at=F("done_at") if accepted else None,
        )
    comment.refresh_from_db()
    return comment


def mark_read(user: User, comments, at=None) -> None:
    """Everything in these threads up to now is read by ``user``."""
    at = at or timezone.now()
    rows = [ThreadRead(user=user, comment=c, read_at=at) for c in comments]
    if rows:
        ThreadRead.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "comment"],
            update_fields=["read_at"],
        )


def _email_later(comment_id: int, reply_id: int | None) -> None:
    if settings.FEEDBACK_EMAIL:
        transaction.on_commit(lambda: email_feedback.enqueue(comment_id, reply_id))


def levels_for(project) -> list[str]:

    rubric = Rubric.objects.filter(project=project).first()
    return rubric.levels if rubric and rubric.levels else list(DEFAULT_LEVELS)


def set_levels(actor: User, project, levels: list[str]):
    """The teacher's own rubric levels for a project, lowest first (2 to 6 of them)."""

    if not can(actor, "project.edit", project):
        raise PermissionDenied
    levels = [" ".join(level.split())[:60] for level in levels if level.strip()]
    if not 2 <= len(levels) <= 6:
        raise ValidationError("Give between 2 and 6 levels, lowest first.")
    if len(set(levels)) != len(levels):
        raise ValidationError("Each level needs its own name.")
    Rubric.objects.update_or_create(project=project, defaults={"levels": levels})


def judge(actor: User, portfolio: Portfolio, criterion: int, level: int | None, evidence: str = ""):
    """Record (or, with ``level`` None, remove) the teacher's judgement of one criterion."""

    if not can(actor, "portfolio.comment", portfolio):
        raise PermissionDenied
    criteria = portfolio.project.success_criteria
    if not 0 <= criterion < len(criteria):
        raise ValidationError("That success criterion is not in this project.")
    if level is None:
        removed, _ = Judgement.objects.filter(portfolio=portfolio, criterion=criterion).delete()
        if removed:
            record(
                actor,
                "judgement.removed",
                portfolio,
                school=portfolio.project.school,
                criterion=criterion,
            )
        return None
    levels = levels_for(portfolio.project)
    if not 0 <= level < len(levels):
        raise ValidationError("Choose one of the rubric's levels.")
    if len(evidence) > 1000:
        raise ValidationError("Keep the evidence under 1,000 characters.")
    judgement, _ = Judgement.objects.update_or_create(
        portfolio=portfolio,
        criterion=criterion,
        defaults={
            "criterion_text": str(criteria[criterion])[:300],
            "level": level,
            "level_text": levels[level],
            "evidence": evidence.strip(),
            "judged_by": actor,
        },
    )
    record(
        actor,
        "judgement.made",
        portfolio,
        school=portfolio.project.school,
        criterion=criterion,
        level=levels[level],
    )
    return judgement


def review(
    actor: User, portfolio: Portfolio, levels: dict[int, int], comment: str, anonymous: bool
):
    """A pupil's rubric review of a presentation: their own (a self-evaluation) or a peer's
    that they may see. One each, which they may change."""

    is_self = portfolio.memberships.filter(pupil=actor).exists()
    allowed = (
        can(actor, "portfolio.edit", portfolio)
        if is_self
        else can(actor, "presentation.review", portfolio)
    )
    if not allowed:
        raise PermissionDenied
    if portfolio.project.status != portfolio.project.Status.OPEN:
        raise ValidationError("This project is closed: reviews cannot change.")
    criteria = portfolio.project.success_criteria
    scale = levels_for(portfolio.project)
    checked = {}
    for criterion, level in levels.items():
        if not 0 <= criterion < len(criteria) or not 0 <= level < len(scale):
            raise ValidationError("Choose one of the rubric's levels for each success criterion.")
        checked[str(criterion)] = level
    comment = comment.strip()
    if len(comment) > 1000:
        raise ValidationError("Keep the comment under 1,000 characters.")
    if not checked and not comment:
        raise ValidationError("Choose a level or write a comment.")
    made, _ = Review.objects.update_or_create(
        portfolio=portfolio,
        reviewer=actor,
        defaults={
            "is_self": is_self,
            "levels": checked,
            "comment": comment,
            "anonymous": anonymous and not is_self,
        },
    )
    return made


def hide_review(actor: User, portfolio: Portfolio, review_id: int, hidden: bool) -> None:
    """A teacher hides a review from pupils (or shows it again); staff still see it."""
    if not can(actor, "portfolio.comment", portfolio):
        raise PermissionDenied
    updated = portfolio.reviews.filter(pk=review_id).update(
        hidden=hidden, hidden_by=actor if hidden else None
    )
    if not updated:
        raise ValidationError("No such review on this portfolio.")
    record(
        actor,
        "review.hidden" if hidden else "review.shown",
        portfolio,
        school=portfolio.project.school,
        review=review_id,
    )
