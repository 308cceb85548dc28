"""A personal learning plan for each pupil on the register (issue 19): a few targets in the
pupil's own words, each linked to its evidence (portfolio items, feedback next steps,
opportunities taken), review dates, and a conversation between the pupil, their learning guide
and their family. Nothing here is edited away: a target is achieved or set aside, a message
stays as it was written."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.feedback.models import Comment
from risingtide.opportunities.models import Participation
from risingtide.portfolios.models import Item
from risingtide.register.models import Pupil

TARGET_LIMIT = 280  # characters: a target is a sentence a pupil can hold in mind
MESSAGE_LIMIT = 2000


class LearningPlan(models.Model):
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="learning_plan")
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Learning plan of {self.pupil}"


class Target(models.Model):
    class State(models.TextChoices):
        WORKING = "working", "Working on it"
        ACHIEVED = "achieved", "Achieved"
        SET_ASIDE = "set_aside", "Set aside"

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="targets")
    text = models.CharField(max_length=TARGET_LIMIT)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WORKING)
    review_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Evidence(models.Model):
    """One piece of evidence for a target: exactly one of a portfolio item, a feedback next step
    or an opportunity the pupil took part in."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    next_step = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, next_step__isnull=True, participation__isnull=True)
                    | Q(item__isnull=True, next_step__isnull=False, participation__isnull=True)
                    | Q(item__isnull=True, next_step__isnull=True, participation__isnull=False)
                ),
                name="plan_evidence_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence for {self.target}"


class Review(models.Model):
    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    summary = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.reviewed_on}"


class Message(models.Model):
    """One entry in the plan's conversation between pupil, learning guide and family."""

    class Voice(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        GUIDE = "guide", "Learning guide"
        STAFF = "staff", "Staff"
        FAMILY = "family", "Family"

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="messages")
    voice = models.CharField(max_length=10, choices=Voice.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_voice_display()}: {self.text[:40]}"
