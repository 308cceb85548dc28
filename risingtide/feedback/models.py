"""Assessment for learning: a teacher's diagnostic comments on a pupil's work, and the replies.

A comment is the start of a thread on one thing in a portfolio: an item, a connection, a stage's
thinking tool (the Learn from Experience journal is the reflection), or the portfolio as a
whole. A *next step* stays open until the pupil marks it done and the teacher accepts it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.portfolios.models import Connection, Item, Portfolio
from risingtide.tasc.models import Stage


class Comment(models.Model):
    class Kind(models.TextChoices):
        PRAISE = "praise", "Praise"
        NEXT_STEP = "next_step", "Next step"
        QUESTION = "question", "Question"
        MISCONCEPTION = "misconception", "Misconception"

    class State(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done: waiting for the teacher"
        ACCEPTED = "accepted", "Accepted"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="comments")
    # What it is about (at most one; none: the portfolio as a whole). A removed connection
    # leaves its comments on the portfolio.
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    kind = models.CharField(max_length=14, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who wrote it, when they have no account here (feedback brought from another school).
    author_label = models.CharField(max_length=150, blank=True)
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Next steps only.
    state = models.CharField(max_length=8, choices=State.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The thread's latest message, for "unread" and "waiting for an answer".
    last_message_at = models.DateTimeField(db_index=True)
    last_message_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["portfolio", "item"], name="comment_portfolio_item")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="next_step", state__in=["open", "done", "accepted"])
                | (~Q(kind="next_step") & Q(state="")),
                name="comment_state_only_for_next_steps",
            ),
            models.CheckConstraint(
                condition=~Q(item__isnull=False, stage__gt="")
                & ~Q(item__isnull=False, connection__isnull=False)
                & ~Q(connection__isnull=False, stage__gt=""),
                name="comment_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:40]}"


class Reply(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_label = models.CharField(max_length=150, blank=True)
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return self.body[:40]


class ThreadRead(models.Model):
    """When a person last read a thread: newer messages by others are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="threadread_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.comment_id}"


DEFAULT_LEVELS = ["Not yet", "Working towards", "Met", "Exceeded"]


class Rubric(models.Model):
    """The levels a teacher judges each of a project's success criteria against."""

    project = models.OneToOneField("tasc.Project", on_delete=models.CASCADE, related_name="rubric")
    levels = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Rubric for {self.project}"


class Judgement(models.Model):
    """A teacher's judgement of one portfolio against one success criterion."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.PositiveSmallIntegerField()  # index into project.success_criteria
    # The criterion and level as words when judged: the project may be reworded later.
    criterion_text = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField()
    level_text = models.CharField(max_length=60)
    evidence = models.TextField(max_length=1000, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    judged_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "criterion"], name="judgement_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_text}: {self.level_text}"


class Review(models.Model):
    """A pupil's evaluation of a presentation on the project's rubric: of a peer's work, or of
    their own (self-evaluation, so they can compare). A peer may review anonymously: then no
    page, API answer or export shows who wrote it to anyone but staff."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A reviewer with no account here (a review brought from another school): their name.
    reviewer_label = models.CharField(max_length=150, blank=True)
    is_self = models.BooleanField(default=False)
    # {criterion index: level index}, as strings (JSON keys).
    levels = models.JSONField(default=dict)
    comment = models.TextField(max_length=1000, blank=True)
    anonymous = models.BooleanField(default=False)
    # A teacher may hide a review (unkind, off-task): pupils no longer see it; staff still do.
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "reviewer"], name="review_one_each"),
            models.CheckConstraint(
                condition=~Q(is_self=True, anonymous=True), name="review_self_not_anonymous"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of portfolio {self.portfolio_id}"
