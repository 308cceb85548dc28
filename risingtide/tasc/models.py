"""The TASC wheel as data, and the projects teachers set round it.

A stage's identity (``Stage``) never changes; its wording lives in a ``Wheel`` version. Rewording
makes a new version, so a project keeps the words it was set with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.schools.models import School, TeachingGroup


class Stage(models.TextChoices):
    """The eight TASC stages, in order round the wheel (Belle Wallace)."""

    GATHER = "gather", "Gather and Organise"
    IDENTIFY = "identify", "Identify"
    GENERATE = "generate", "Generate"
    DECIDE = "decide", "Decide"
    IMPLEMENT = "implement", "Implement"
    EVALUATE = "evaluate", "Evaluate"
    COMMUNICATE = "communicate", "Communicate"
    LEARN = "learn", "Learn from Experience"


STAGE_ORDER = list(Stage.values)


class Wheel(models.Model):
    """One wording of the eight stages. The platform default has no school."""

    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="wheels"
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rewordings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name", "version"],
                name="wheel_unique_version",
                condition=Q(school__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["name", "version"],
                name="wheel_unique_default_version",
                condition=Q(school__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class WheelStage(models.Model):
    wheel = models.ForeignKey(Wheel, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    title = models.CharField(max_length=60)
    question = models.CharField(max_length=200)
    prompts = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wheel", "stage"], name="wheelstage_unique_stage")
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.question}"

    @property
    def number(self) -> int:
        return STAGE_ORDER.index(self.stage) + 1


class Project(models.Model):
    class KeyStage(models.TextChoices):
        EYFS = "eyfs", "Early years"
        KS1 = "ks1", "Key stage 1"
        KS2 = "ks2", "Key stage 2"
        KS3 = "ks3", "Key stage 3"
        KS4 = "ks4", "Key stage 4"
        KS5 = "ks5", "Key stage 5"

        @classmethod
        def of_year(cls, year_group: int) -> "Project.KeyStage":
            """The key stage of an English year group (0 is Reception)."""
            for last, stage in (
                (0, cls.EYFS),
                (2, cls.KS1),
                (6, cls.KS2),
                (9, cls.KS3),
                (11, cls.KS4),
            ):
                if year_group <= last:
                    return stage
            return cls.KS5

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="projects")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=150)
    brief = models.TextField(blank=True)
    subject = models.CharField("subject or curriculum area", max_length=80, blank=True)
    key_stage = models.CharField(max_length=4, choices=KeyStage.choices)
    success_criteria = models.JSONField(default=list, blank=True)
    wheel = models.ForeignKey(Wheel, on_delete=models.PROTECT, related_name="projects")
    # Extra prompts for this project, by stage: {"gather": ["What do you know about bees?"]}.
    stage_prompts = models.JSONField(default=dict, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.INDIVIDUAL)
    # Group work: pupils may start or join a group themselves (else the teacher forms them).
    pupils_choose_groups = models.BooleanField(default=False)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # A school's project list, newest first.
            models.Index(fields=["school", "-created_at"], name="project_school_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="project_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """A project set to a whole teaching group or to one pupil."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="project_assignments",
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(teaching_group__isnull=True, pupil__isnull=False)
                | Q(teaching_group__isnull=False, pupil__isnull=True),
                name="assignment_group_or_pupil",
            ),
            models.UniqueConstraint(
                fields=["project", "teaching_group"],
                condition=Q(teaching_group__isnull=False),
                name="assignment_unique_group",
            ),
            models.UniqueConstraint(
                fields=["project", "pupil"],
                condition=Q(pupil__isnull=False),
                name="assignment_unique_pupil",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.teaching_group or self.pupil}"
