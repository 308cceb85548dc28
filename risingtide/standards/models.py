"""Quality standards: what schools, LA leads and teachers record against the frameworks.

A school's self-evaluation against a whole-school framework (judgements and their evidence),
the improvement plan written from it, the LA's monitoring notes, and a teacher's classroom
reflection against the CQS. The frameworks themselves, the elements and prompts these records
point at, are in framework_models.py; importing them here is also how Django finds them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.audit.models import AppendOnly
from risingtide.standards.framework_models import (
    Element,
    Framework,
    FrameworkVersion,
    Level,
    Prompt,
    Rating,
)

# --- a school's self-evaluation against a whole-school framework ---------------------------


class SelfEvaluation(models.Model):
    """One judgement of the whole school: a draft until it is submitted, then read-only. Later
    judgements are new rows; the one in force is the newest submitted (``superseded_at`` empty)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="self_evaluations"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Set on submission: the judgement this one replaces, the whole school's level (the level
    # every element has reached: the standards are cumulative), and when a later one replaced it.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overall_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "framework"],
                condition=Q(status="draft"),
                name="self_evaluation_one_draft",
            ),
            models.UniqueConstraint(
                fields=["school", "framework"],
                condition=Q(status="submitted", superseded_at__isnull=True),
                name="self_evaluation_one_in_force",
            ),
        ]
        indexes = [
            # The indicator and LA monitoring: the judgements in force, by framework.
            models.Index(
                fields=["framework", "school"],
                condition=Q(status="submitted", superseded_at__isnull=True),
                name="self_evaluation_in_force",
            ),
            # The indicator over time: judgements in force at each year's end.
            models.Index(
                fields=["framework", "submitted_at", "superseded_at"],
                condition=Q(status="submitted"),
                name="self_evaluation_history",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.version} · {self.get_status_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Judgement(models.Model):
    """The best-fit level for one element, with the evidence and the next steps."""

    evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="judgements"
    )
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    evidence = models.TextField(max_length=10000, blank=True)
    next_steps = models.TextField(max_length=10000, blank=True)
    # Two senior leaders may edit one element: a save names the revision it started from.
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["evaluation", "element__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "element"], name="judgement_unique_element"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element} · {self.get_level_display() or 'not judged'}"


def evidence_path(instance, filename: str) -> str:
    # A random name: the uploader's file name is kept in the row, never on disk.
    return f"standards/{instance.judgement.evaluation.school_id}/{secrets.token_hex(16)}"


class EvidenceLink(models.Model):
    """Evidence attached to a judgement: a file, a web address, or the platform's own data."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        WEB = "web", "Web page"
        PROJECT = "project", "TASC project"
        EQUITY = "equity", "The register's equity check"
        INSIGHTS = "insights", "The school's register insights"

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, blank=True)
    project = models.ForeignKey(
        "tasc.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=evidence_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["judgement", "added_at", "pk"]

    def __str__(self) -> str:
        return self.title


# --- the improvement plan -----------------------------------------------------------------


class ImprovementPlan(models.Model):
    """The G&T improvement plan the leading teacher writes from a self-evaluation, to slot into
    the school's own plan. Current while its period runs."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="improvement_plans"
    )
    evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ends_on", "-pk"]
        indexes = [
            # "The school's current plan": the newest whose period has not ended.
            models.Index(fields=["school", "-ends_on"], name="plan_school_current")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    element = models.ForeignKey(
        Element, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what = models.TextField(max_length=2000)
    who = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    success_criteria = models.TextField(max_length=2000, blank=True)
    cost = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    credits = models.PositiveIntegerField("e-credits budgeted", default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    impact = models.TextField("evidence of impact", max_length=5000, blank=True)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        indexes = [
            # LA monitoring: actions due, overdue and done, per school's plan.
            models.Index(fields=["plan", "status", "due_on"], name="plan_action_progress")
        ]

    def __str__(self) -> str:
        return self.what[:80]


class Milestone(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanChange(AppendOnly, models.Model):
    """The plan's history: every change, who made it and what it was before."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = models.CharField(max_length=300)
    # {field: [before, after]}, as text.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary


# --- the LA's monitoring ------------------------------------------------------------------


class MonitoringNote(AppendOnly, models.Model):
    """A dated note from the LA lead after a review, with the actions agreed; the school sees
    it. Kept as written: a correction is a new note."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="monitoring_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_on = models.DateField()
    text = models.TextField(max_length=10000)
    agreed_actions = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["school", "-reviewed_on"], name="note_school_recent")]

    def __str__(self) -> str:
        return f"{self.school} · {self.reviewed_on}"

    @property
    def agreed(self) -> list[str]:
        return [line.strip() for line in self.agreed_actions.splitlines() if line.strip()]


# --- a teacher's classroom self-evaluation (CQS) ------------------------------------------


class ClassroomEvaluation(models.Model):
    """A teacher's own reflection on one class or subject, alone or with a colleague who
    observed. Private to the two of them until the teacher shares it with the coordinator."""

    class Subject(models.TextChoices):
        GENERIC = "generic", "Any subject"
        ENGLISH = "english", "English"
        MATHS = "maths", "Mathematics"
        SCIENCE = "science", "Science"
        ICT = "ict", "ICT"

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="classroom_evaluations"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_evaluations"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observed_evaluations",
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    class_name = models.CharField("class or group", max_length=100)
    subject = models.CharField(max_length=10, choices=Subject.choices, default=Subject.GENERIC)
    next_steps = models.TextField("my next steps", max_length=10000, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["teacher", "-created_at"], name="cqs_teacher_recent"),
            # The coordinator's summary: what the school's teachers have shared.
            models.Index(
                fields=["school"], condition=Q(shared_at__isnull=False), name="cqs_school_shared"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_name} ({self.get_subject_display()})"


class PromptRating(models.Model):
    evaluation = models.ForeignKey(
        ClassroomEvaluation, on_delete=models.CASCADE, related_name="ratings"
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="+")
    for_all = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    for_gt = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    evidence = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["evaluation", "prompt__element__number", "prompt__number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "prompt"], name="rating_unique_prompt")
        ]

    def __str__(self) -> str:
        return f"{self.prompt}: {self.for_all}/{self.for_gt}"

    @property
    def gt_lags(self) -> bool:
        """Challenge for G&T learners lags challenge for all: the G&T rating is the lower."""
        return self.for_all is not None and self.for_gt is not None and self.for_gt < self.for_all


class FeatureLevel(models.Model):
    """Layer 2: the level the teacher reaches on one feature, and their next step for it."""

    evaluation = models.ForeignKey(
        ClassroomEvaluation, on_delete=models.CASCADE, related_name="feature_levels"
    )
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    next_step = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["evaluation", "element__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "element"], name="feature_level_unique_element"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element} · {self.get_level_display() or 'not judged'}"
