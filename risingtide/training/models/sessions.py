"""Face-to-face sessions of a programme, and each learner's place at one.

A session belongs to whoever scheduled it: the nation (a national officer's session, for LA
leads) or one LA (its lead's session, for the LA's leading teachers), as a programme does.
``booked`` counts the places taken: every change to it is a conditional UPDATE under a lock on
the session's row, and a check constraint keeps it within ``capacity`` whatever happens."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# Leaving this long before the end still counts as attending the half-day; leaving earlier
# does not (docs/decisions/0018-training-sessions.md). Arriving late always counts.
EARLY_LEAVING_GRACE = timedelta(minutes=30)


class Session(models.Model):
    class HalfDay(models.IntegerChoices):
        FIRST = 1, "First half-day"
        SECOND = 2, "Second half-day"

    programme = models.ForeignKey(
        "training.Programme", on_delete=models.PROTECT, related_name="sessions"
    )
    nation = models.ForeignKey(
        "schools.Nation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    half_day = models.PositiveSmallIntegerField(choices=HalfDay.choices)
    venue = models.CharField(max_length=200)
    address = models.TextField(max_length=1000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The invitation's SEQUENCE: a calendar program replaces its copy when this grows.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(nation__isnull=False, local_authority__isnull=True)
                    | Q(nation__isnull=True, local_authority__isnull=False)
                ),
                name="training_session_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="training_session_within_capacity"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_places"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue}, {self.starts_at:%d %b %Y}"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


class SignUp(models.Model):
    """A learner's place at a session, or their place in its waiting list; what the register
    said of them on the day. One row a learner and session: signing up again reuses it."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sign_ups")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_sign_ups"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waiting list's order: when the learner (last) asked for a place.
    asked_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The register: None until taken; late arrival and early leaving as times on the day.
    present = models.BooleanField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="sign_up_once")]
        indexes = [models.Index(fields=["session", "status", "asked_at"])]

    def __str__(self) -> str:
        return f"{self.learner} at {self.session}"


def counts_as_attended(present, left_at, ends_at) -> bool:
    """Whether a register entry counts for its half-day: present (late or not), and not gone
    more than ``EARLY_LEAVING_GRACE`` before the end."""
    return bool(present) and (left_at is None or left_at >= ends_at - EARLY_LEAVING_GRACE)
