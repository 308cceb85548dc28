"""An import of pupil data as the database holds it: the file on its way in (``ImportBatch``)
and a school's column mapping, remembered for its next CSV or XLSX file (``ColumnMapping``).

Their own module because they record the import's steps, not the register or the pupil data it
rests on; ``models`` imports them so that Django finds them (it looks only in ``models``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from risingtide.schools.models import School


class ColumnMapping(models.Model):
    """How a school's CSV or XLSX columns map to our fields, saved for its next file."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=10)  # "pupils" or "register"
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="mapping_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping for {self.school}"


class ImportBatch(models.Model):
    """One file on its way in: checked (preview), then written when someone confirms."""

    class Format(models.TextChoices):
        CTF = "ctf", "CTF (XML)"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Kind(models.TextChoices):
        PUPILS = "pupils", "Pupil data"
        REGISTER = "register", "Register only (UPN and G&T flags)"

    class State(models.TextChoices):
        MAPPING = "mapping", "Waiting for the column mapping"
        CHECKING = "checking", "Checking"
        PREVIEW = "preview", "Ready to confirm"
        WRITING = "writing", "Writing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="imports"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="imports/", blank=True)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=4, choices=Format.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PUPILS)
    encoding = models.CharField(max_length=10, default="utf-8")
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    done = models.PositiveIntegerField(default=0)  # rows checked or written so far
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # counts, errors, header facts
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def error_count(self) -> int:
        return int(self.summary.get("error_count", 0))

    @property
    def state_label(self) -> str:
        """The state as the page says it: a checked file with errors is blocked, not ready."""
        if self.state == self.State.PREVIEW and self.error_count:
            rows = int(self.summary.get("error_row_count") or self.error_count)
            return f"Blocked: {rows} row{'s' if rows != 1 else ''} to fix"
        if self.stalled:
            return "Failed"
        return self.get_state_display()

    @property
    def stalled(self) -> bool:
        """Checking or writing for longer than any file takes: the worker was killed (a
        deploy, a crash) and nothing will finish it. Shown as failed; the write's transaction
        was never committed, so nothing was written (tests/test_faults.py)."""
        if self.state not in (self.State.CHECKING, self.State.WRITING):
            return False
        since = self.confirmed_at if self.state == self.State.WRITING else self.created_at
        limit = timedelta(minutes=settings.TASK_STALLED_MINUTES)
        return since is not None and timezone.now() - since >= limit

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.WRITING) and not self.stalled
