"""The provision marketplace: providers' profiles, their services and dated sessions, schools'
bookings of places for named pupils or staff, and the waiting list. Credits move through
``credits.services`` only (docs/decisions/0012-e-credit-ledger.md).

A booking copies the price and the refund rule it was made under, so that changing a
published service never changes places already booked; a session's ``places_taken`` is kept
beside its places for the same reason the ledger keeps balances: capacity is checked and taken
in one conditional UPDATE, in the same transaction as the credits.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from risingtide.credits.models import Transaction
from risingtide.register.models import Pupil
from risingtide.schools.models import LocalAuthority, Provider, School
from risingtide.standards.models import PlanAction


class ShownToPupils(models.Model):
    """A school's choice to show a published service to its own pupils (on their
    Opportunities page), with a short note for them. A withdrawn service drops out of pupils'
    view by the query (``opportunities.shown_to``), so the choice needs no clean-up and comes
    back if the service is published again."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("Service", on_delete=models.CASCADE, related_name="shown_to")
    shown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shown_at = models.DateTimeField()
    note = models.CharField("note for pupils", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "service"], name="shown_to_pupils_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} shown to pupils of {self.school}"


class ProviderProfile(models.Model):
    """What a provider tells schools about itself in the marketplace, one-to-one with
    ``schools.Provider``. It lives here, not on ``Provider``, so that ``schools`` (a foundation
    app everything imports) stays the organisation tree and knows nothing of the marketplace;
    ``Provider`` keeps only its identity (name, nation, the administrator's one-line
    description) and its website, which the profile form edits with the rest. Staff checks are
    *overdue* 12 months after they were last confirmed (``staff_checks_due``); whether the
    provider is *contracted* or *listed* follows from its contracts
    (``contract_models.in_force``), never from a field here."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="profile")
    offer = models.TextField("what we offer", max_length=3000, blank=True)
    areas = models.ManyToManyField(LocalAuthority, blank=True, related_name="+")
    safeguarding = models.TextField("safeguarding statement", max_length=3000, blank=True)
    staff_checks_on = models.DateField("staff checks last confirmed", null=True, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.provider}"

    def staff_checks_due(self) -> date | None:
        """When the staff checks must next be confirmed: 12 months after the last time."""
        if self.staff_checks_on is None:
            return None
        last = self.staff_checks_on
        try:
            return last.replace(year=last.year + 1)
        except ValueError:  # 29 February: due on 1 March
            return date(last.year + 1, 3, 1)

    def staff_checks_overdue(self, today: date) -> bool:
        """Never confirmed, or confirmed more than 12 months ago."""
        due = self.staff_checks_due()
        return due is None or today > due


class Service(models.Model):
    class Kind(models.TextChoices):
        MASTERCLASS = "masterclass", "Masterclass"
        SUMMER_SCHOOL = "summer_school", "Summer school"
        ONLINE_COURSE = "online_course", "Online course"
        MENTORING = "mentoring", "Mentoring"
        COMPETITION = "competition", "Competition"
        FAMILY_WORKSHOP = "family_workshop", "Family workshop"
        TEACHER_CPD = "teacher_cpd", "Teacher CPD"
        RESOURCE = "resource", "Resource"

    class Audience(models.TextChoices):
        PUPILS = "pupils", "Pupils"
        FAMILIES = "families", "Families"
        EDUCATORS = "educators", "Educators"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        RESIDENTIAL = "residential", "Residential"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        CHANGES = "changes", "Changes asked for"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=5000, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    year_from = models.PositiveSmallIntegerField(default=0)  # 0 is Reception
    year_to = models.PositiveSmallIntegerField(default=13)
    domains = models.JSONField(default=list, blank=True)  # register.rows.DOMAINS keys
    format = models.CharField(max_length=12, choices=Format.choices)
    venue = models.CharField(max_length=300, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    price = models.PositiveIntegerField("e-credits per place")
    # Eligibility, checked for each pupil booked.
    register_only = models.BooleanField("only pupils on the G&T register", default=True)
    top_5_only = models.BooleanField("only pupils in the national top 5%", default=False)
    fsm_priority_places = models.PositiveSmallIntegerField(
        "places kept for pupils eligible for free school meals", default=0
    )
    consent_needed = models.BooleanField("parental consent needed", default=False)
    accessibility = models.TextField(max_length=2000, blank=True)
    # Refund rule: all of it back up to this many days before; after that, this share.
    full_refund_days = models.PositiveSmallIntegerField(default=14)
    late_refund_percent = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=F("year_to")) & Q(year_to__lte=13),
                name="service_year_range",
            ),
            models.CheckConstraint(
                condition=Q(late_refund_percent__lte=100), name="service_refund_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    # Kept with the places booked or offered from the waiting list (see the module's docstring);
    # ``general_taken`` counts those not kept for pupils eligible for free school meals.
    places_taken = models.PositiveIntegerField(default=0)
    general_taken = models.PositiveIntegerField(default=0)
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")), name="session_not_overbooked"
            ),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="session_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.service} on {self.starts_at:%-d %b %Y}"

    @property
    def places_left(self) -> int:
        return self.capacity - self.places_taken

    def has_begun(self, now=None) -> bool:
        """Attendance is recorded from the start of the session (``bookings.deliver``), and the
        pages offer it from then."""
        return self.starts_at <= (now or timezone.now())


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        DELIVERED = "delivered", "Delivered"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # As booked: later changes to the service do not reach this booking.
    price_each = models.PositiveIntegerField()
    full_refund_days = models.PositiveSmallIntegerField()
    late_refund_percent = models.PositiveSmallIntegerField()
    hold = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")
    plan_action = models.ForeignKey(
        PlanAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    idempotency_key = models.CharField(max_length=150, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school}: {self.places.count()} at {self.session}"


class Consent(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    AWAITING = "awaiting", "Waiting for a parent or carer"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Not given"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Place(models.Model):
    """One place of a booking: a named pupil from the school's register, or a member of staff."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="places")
    # The booking's session again, so that the database itself refuses one person two places.
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)  # false once its booking is cancelled
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fsm_priority = models.BooleanField(default=False)  # took one of the places kept for FSM
    attended = models.BooleanField(null=True, blank=True)  # recorded by the provider
    # A pupil's place on a service that needs a parent's consent waits for it (issue 19): a
    # carer linked to the pupil answers (``provision.consent``); the school sees the answer.
    consent = models.CharField(max_length=12, choices=Consent.choices, default=Consent.NOT_NEEDED)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=True) ^ Q(staff__isnull=True),
                name="place_for_one_person",
            ),
            models.UniqueConstraint(
                fields=["session", "pupil"], condition=Q(active=True), name="one_place_per_pupil"
            ),
            models.UniqueConstraint(
                fields=["session", "staff"], condition=Q(active=True), name="one_place_per_staff"
            ),
        ]

    def __str__(self) -> str:
        return str(self.pupil or self.staff)


class WaitingEntry(models.Model):
    """A school waiting for places at a full session; a freed place is offered in turn."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered"
        TAKEN = "taken", "Taken"
        LAPSED = "lapsed", "Offer lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="waiting")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    places = models.PositiveSmallIntegerField(default=1)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "school"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_waiting_entry_per_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} waiting for {self.session}"


# The contracts and ratings, kept in their own module (its docstring says how status is
# derived); imported here so that they are this app's models like the rest.
from risingtide.provision.contract_models import (  # noqa: E402
    Contract,
    ContractDocument,
    ContractKPI,
    Rating,
)

__all__ = [
    "Booking",
    "Contract",
    "ContractDocument",
    "ContractKPI",
    "Place",
    "ProviderProfile",
    "Rating",
    "Service",
    "Session",
    "ShownToPupils",
    "WaitingEntry",
]
