"""Programme contracts with providers, their KPI targets and documents, and the ratings a
delivered session receives (``models.py`` imports these, so they are ``provision.models`` to
everyone else).

A contract's **status** is derived, never typed, except for one recorded fact: whether it has
been signed (``signed_on``). On a given day a contract is

- *draft* until it is signed;
- *ended* once its last day (``ends_on``) has passed;
- *ending* from ``notice_days`` before its last day (the notice window, when it must be renewed
  or re-procured) until it ends;
- *active* otherwise (a signed contract that has not yet started is active: it binds both
  sides; the pages say when it starts).

A provider is *contracted* on a day when one of its signed contracts covers that day
(``starts_on`` ≤ day ≤ ``ends_on``), and *listed* otherwise: listed providers' services are
still bookable, marked as such. KPI **actuals** are never stored: ``provision.kpis`` works them
out from bookings, attendance and ratings. A contract's targets are ``ContractKPI`` rows, at most
one per measure.
"""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from risingtide.schools.models import Provider

DRAFT, ACTIVE, ENDING, ENDED = "draft", "active", "ending", "ended"
STATUS_LABELS = {DRAFT: "Draft", ACTIVE: "Active", ENDING: "Ending", ENDED: "Ended"}


class Contract(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    notice_days = models.PositiveSmallIntegerField(
        "notice window (days before the last day)", default=90
    )
    value = models.DecimalField(
        "value (£)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    services = models.ManyToManyField("provision.Service", blank=True, related_name="contracts")
    signed_on = models.DateField(null=True, blank=True)  # null: a draft
    notes = models.TextField(max_length=3000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ends_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_period"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
        ]
        # The renewal list: signed contracts by their last day.
        indexes = [models.Index(fields=["ends_on", "signed_on"], name="contract_ends_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def status_on(self, day: date) -> str:
        """The status on ``day``, from the dates (see the module's docstring)."""
        if self.signed_on is None:
            return DRAFT
        if day > self.ends_on:
            return ENDED
        if day >= self.ends_on - timedelta(days=self.notice_days):
            return ENDING
        return ACTIVE

    def in_force_on(self, day: date) -> bool:
        return self.signed_on is not None and self.starts_on <= day <= self.ends_on


def in_force(day: date, path: str = "") -> Q:
    """Contracts (or, with ``path``, rows reaching a contract along it) signed and covering
    ``day``: what makes a provider *contracted*."""
    return Q(
        **{
            f"{path}signed_on__isnull": False,
            f"{path}starts_on__lte": day,
            f"{path}ends_on__gte": day,
        }
    )


class ContractKPI(models.Model):
    """A key performance indicator of a contract: a measure and its target. The actual is
    worked out by ``provision.kpis``."""

    class Measure(models.TextChoices):
        PLACES = "places", "Places delivered"
        DISADVANTAGED = "disadvantaged", "Share of pupil places to disadvantaged pupils"
        SATISFACTION = "satisfaction", "Satisfaction"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    measure = models.CharField(max_length=15, choices=Measure.choices)
    # A count of places; a percentage 0–100; a mean rating out of 5 (see ``kpis``).
    target = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["contract", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "measure"], name="one_kpi_per_measure"),
            models.CheckConstraint(condition=Q(target__gte=0), name="kpi_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.get_measure_display()} {self.target}"


def contract_document_path(instance, filename: str) -> str:
    # A random name: the uploader's file name is kept in the row, never on disk.
    return f"contracts/{instance.contract_id}/{secrets.token_hex(16)}"


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=contract_document_path)
    file_name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=100)
    file_size = models.PositiveBigIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """One person's rating of one delivered session: a teacher's or coordinator's 1–5, or a
    pupil's face (``ratings.FACES`` maps it to 5, 3 or 1), with an optional comment."""

    class Rater(models.TextChoices):
        STAFF = "staff", "Teacher"
        PUPIL = "pupil", "Pupil"

    session = models.ForeignKey("provision.Session", on_delete=models.CASCADE, related_name="+")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rater = models.CharField(max_length=5, choices=Rater.choices)
    # The school the rater rated from: providers see it beside a teacher's rating, never a
    # pupil's (whose name is never shown to them either).
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "rated_by"], name="one_rating_per_person"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(rater="staff") | Q(score__in=[1, 3, 5]), name="pupil_rating_is_a_face"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.session_id}"
