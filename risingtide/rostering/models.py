"""Rostering (OneRoster): the records this app keeps.

``RosterImport`` is a bundle on its way in (preview, then written when someone confirms), as the
register's ``ImportBatch`` is for a pupil-data file. ``RosterLink`` remembers which of our
objects each of the MIS's sourcedIds became, so a second import of the same bundle changes
nothing, a changed one updates, and a membership that disappears can be ended.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from risingtide.lib.background import Progress
from risingtide.schools.models import LocalAuthority, School


class RosterImport(Progress, models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        PREVIEW = "preview", "Ready to confirm"
        WRITING = "writing", "Writing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    # Exactly one of the two: a school's own bundle, or an LA's for its schools.
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="roster_imports"
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roster_imports",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="rostering/", blank=True)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # counts, changes, problems
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=True) ^ models.Q(local_authority__isnull=True),
                name="roster_import_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def owner(self):
        return self.school or self.local_authority

    @property
    def stalled(self) -> bool:
        """Checking or writing for longer than any bundle takes: the worker was killed (a
        deploy, the machine's memory) and nothing will finish it. Shown as failed, to try again;
        the write's transaction was never committed, so nothing was written."""
        if self.state not in (self.State.CHECKING, self.State.WRITING):
            return False
        since = self.confirmed_at if self.state == self.State.WRITING else self.created_at
        limit = timedelta(minutes=settings.ROSTER_STALLED_MINUTES)
        return since is not None and timezone.now() - since > limit

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.WRITING) and not self.stalled

    @property
    def state_label(self) -> str:
        return "Failed" if self.stalled else self.get_state_display()

    @property
    def error_count(self) -> int:
        return int(self.summary.get("error_count", 0))


class RosterLink(models.Model):
    """One sourcedId of an LA's MIS and the object it became. Keyed by the LA (every school has
    one) so that a school's own bundle and its LA's bundle of the same MIS agree."""

    class Kind(models.TextChoices):
        ORG = "org", "Organisation (school)"
        CLASS = "class", "Class (teaching group)"
        USER = "user", "User (account)"
        ENROLLMENT = "enrollment", "Enrolment (group membership)"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sourced_id = models.CharField(max_length=255)
    # School, TeachingGroup, User or Membership by kind; a Membership may since have ended.
    object_id = models.PositiveBigIntegerField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The import that last saw it: a bulk file ends what it no longer lists.
    seen_by = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "kind", "sourced_id"], name="roster_link_unique"
            )
        ]
        indexes = [models.Index(fields=["school", "kind"], name="roster_link_school_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.sourced_id} → {self.object_id}"
