"""A subject-access export: everything held about one pupil or one member of staff, made in the
background as a ZIP that only the person who asked may download, for a few days."""

from django.conf import settings
from django.db import models

from risingtide.lib.background import BackgroundRun
from risingtide.register.models import Pupil
from risingtide.schools.models import School


class SubjectAccessExport(BackgroundRun, models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Gathering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        REMOVED = "removed", "Removed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # One of the two: the pupil (their record, and their account through it) or a member of
    # staff (an account).
    pupil = models.ForeignKey(
        Pupil, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_name = models.CharField(max_length=220)  # as it was when asked (for the list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    archive = models.FileField(upload_to="privacy/exports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # remove_expired: the ready exports whose time is up
            models.Index(fields=["state", "expires_at"], name="export_expiry"),
        ]

    def __str__(self) -> str:
        return f"Export for {self.subject_name} ({self.get_state_display()})"
