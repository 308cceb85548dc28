"""Leading-teacher training: programmes of modules, each module's published versions (fixed
once published), each learner's progress through the version they started, and a programme's
completion, recorded once."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Programme(models.Model):
    """A course of training ("Leading teacher 2026"), owned by the nation or by one LA. Its
    completion rules are data: names from ``training.completion.RULES``."""

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    nation = models.ForeignKey(
        "schools.Nation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rules = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(nation__isnull=False, local_authority__isnull=True)
                    | Q(nation__isnull=True, local_authority__isnull=False)
                ),
                name="programme_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """One module of a programme: core or optional, perhaps needing others first. ``draft`` is
    the author's working copy; learners only ever see a published ``ModuleVersion``."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    core = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True)
    draft = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ModuleVersion(models.Model):
    """A published module, as it was published: never changed afterwards (``save`` refuses),
    so a learner part-way through it finds it as they left it."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["module", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="module_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.module} (version {self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A published version cannot change: publish a new one.")
        super().save(*args, **kwargs)

    @property
    def steps(self) -> list[dict]:
        return self.content.get("steps", [])  # a SCORM package's version has none

    @property
    def kind(self) -> str:
        return self.content.get("kind", "pages")  # "pages", or "scorm" (training.scorm)


class Progress(models.Model):
    """A learner's way through one module, on the version they started: where they are, their
    knowledge-check answers (the last ones, with the result) and when they finished."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="progress")
    step = models.PositiveIntegerField(default=0)
    # {"<step>": {"chosen": {"<question>": [answer, ...]}, "right": n, "passed": bool}}
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "module"], name="progress_once")]

    def __str__(self) -> str:
        return f"{self.learner} on {self.module}"


class Reflection(models.Model):
    """What a learner wrote for one reflective task: theirs to keep. ``version`` moves on with
    every save, so a save from an out-of-date copy (another tab) is caught, not lost."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="reflections")
    step = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["progress", "step"], name="reflection_once")]

    def __str__(self) -> str:
        return f"Reflection at step {self.step + 1}"


class Completion(models.Model):
    """A learner's completion of a programme: recorded once, with the date and the evidence
    each rule found."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()
    evidence = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "programme"], name="completion_once")
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.programme}"
