"""SCORM packages and what each learner's play of one has reported (its CMI data).

A package is unpacked once, into its own folder of private storage, and never changed: a new
upload is a new package and a new ``ModuleVersion`` (``{"kind": "scorm", "package": pk}``), so
a learner part-way through the old one finishes the old one."""

from django.conf import settings
from django.db import models

from risingtide.training.models.programmes import Module, Progress


class ScormPackage(models.Model):
    """One uploaded SCORM 1.2 or 2004 package, checked and unpacked under ``folder``."""

    class Standard(models.TextChoices):
        SCORM_12 = "1.2", "SCORM 1.2"
        SCORM_2004 = "2004", "SCORM 2004"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="packages")
    standard = models.CharField(max_length=4, choices=Standard.choices)
    title = models.CharField(max_length=200)
    identifier = models.CharField(max_length=200, blank=True)  # the manifest's own
    folder = models.CharField(max_length=64, unique=True)  # random; in TRAINING_SCORM_DIR
    launch = models.CharField(max_length=1000)  # the SCO's file in the folder, with parameters
    file_count = models.PositiveIntegerField()
    unpacked_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the ZIP as uploaded
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_standard_display()})"


class ScormState(models.Model):
    """What the package has told us about one learner on the version they started (their
    ``Progress`` pins it): statuses, score, where they were, their suspend data, time. Given
    back to the runtime on the next launch, so they resume where they left off."""

    progress = models.OneToOneField(Progress, on_delete=models.CASCADE, related_name="scorm")
    package = models.ForeignKey(ScormPackage, on_delete=models.PROTECT, related_name="states")
    # 1.2's cmi.core.lesson_status or 2004's cmi.completion_status, as the package said it.
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=10, default="unknown")  # 2004 (1.2: derived)
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)  # 2004 only
    location = models.TextField(blank=True)
    suspend_data = models.TextField(blank=True)
    exit = models.CharField(max_length=20, blank=True)
    # Time in hundredths of a second: the sessions before this one, and this one so far.
    total_centiseconds = models.PositiveBigIntegerField(default=0)
    session_centiseconds = models.PositiveBigIntegerField(default=0)
    # Each launch is a new session; a commit from an older one (a forgotten tab) is refused.
    session = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SCORM data of {self.progress}"
