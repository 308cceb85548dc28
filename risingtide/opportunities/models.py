"""The school's own provision for its more able pupils, and who takes part (issue 19).

An ``Opportunity`` is one line of the school's provision map: a club, an enrichment day,
acceleration, early entry, mentoring, a competition, a trip, in-class extension. It names its
wave (whole class, small group, individual), the components of personalised learning it serves
(``OpportunityComponent``, so "how many components has this pupil taken" is one SQL count), the
gifted or talented domain, the year groups, its term, staff lead, capacity and cost.

A ``Participation`` is one pupil and one opportunity, from the pupil's request (with their
reason) or a member of staff's offer, to a place, the waiting list, a decision or an
alternative offered, to having taken part. Only a person moves it on: no automated decision
ever removes an opportunity from a pupil. Where the opportunity needs a carer's consent, a
place waits for it (``consent``).

``Entitlement`` is the school's promise: every pupil on the register takes at least
``per_term`` opportunities a term across at least ``components`` of the five components, and
(if set) at least one beyond the classroom."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.register.models import Pupil
from risingtide.schools.models import School


class Component(models.TextChoices):
    """The five components of personalised learning."""

    ASSESSMENT = "assessment", "Assessment for learning"
    TEACHING = "teaching", "Effective teaching and learning"
    CURRICULUM = "curriculum", "Curriculum entitlement and choice"
    ORGANISATION = "organisation", "The school as a learning organisation"
    BEYOND = "beyond", "Beyond the classroom"


class Wave(models.IntegerChoices):
    WHOLE_CLASS = 1, "Wave 1: whole class"
    SMALL_GROUP = 2, "Wave 2: small group"
    INDIVIDUAL = 3, "Wave 3: individual"


class Kind(models.TextChoices):
    CLUB = "club", "Club"
    ENRICHMENT_DAY = "enrichment_day", "Enrichment day"
    ACCELERATION = "acceleration", "Acceleration"
    EARLY_ENTRY = "early_entry", "Early entry"
    MENTORING = "mentoring", "Mentoring"
    COMPETITION = "competition", "Competition"
    TRIP = "trip", "Trip"
    EXTENSION = "extension", "In-class extension"
    OTHER = "other", "Other"


class Domain(models.TextChoices):
    GIFTED = "gifted", "Gifted (academic)"
    TALENTED = "talented", "Talented (arts and sport)"
    BOTH = "both", "Gifted and talented"


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"
    YEAR = "year", "All year"


class Opportunity(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="opportunities")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)  # Markdown, shown to pupils and families
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wave = models.PositiveSmallIntegerField(choices=Wave.choices)
    domain = models.CharField(max_length=10, choices=Domain.choices)
    # Keys of register.rows.DOMAINS this serves ("maths", "music"); empty: any.
    subjects = models.JSONField(default=list, blank=True)
    # National Curriculum years, 0 for Reception: "Years 5 to 6" is 5..6.
    year_from = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField()
    academic_year = models.PositiveSmallIntegerField()  # 2026 is 2026/27
    term = models.CharField(max_length=10, choices=Term.choices)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    staff_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_opportunities",
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)  # None: no limit
    cost_pounds = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    needs_consent = models.BooleanField(default=False)  # trips, residentials: a carer says yes
    # On the pupils' menu (a wave 1 extension in class usually is not asked for).
    on_menu = models.BooleanField(default=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academic_year", "term", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=models.F("year_to")) & Q(year_to__lte=14),
                name="opportunity_year_range",
            ),
            models.CheckConstraint(condition=Q(cost_pounds__gte=0), name="opportunity_cost"),
        ]
        indexes = [
            models.Index(fields=["school", "academic_year"], name="opportunity_school_year"),
        ]

    def __str__(self) -> str:
        return self.title


class OpportunityComponent(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="components"
    )
    component = models.CharField(max_length=15, choices=Component.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "component"], name="opportunity_component_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_component_display()


class Participation(models.Model):
    """One pupil and one opportunity, from asking to having taken part."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Asked to take part"
        OFFERED = "offered", "Offered by staff"
        ALTERNATIVE = "alternative", "Another opportunity offered instead"
        WAITING = "waiting", "On the waiting list"
        PLACE = "place", "Has a place"
        TOOK_PART = "took_part", "Took part"
        DECLINED = "declined", "Declined"  # by the pupil (or their carer)
        NOT_NOW = "not_now", "Not this time"  # staff's answer, with a reason
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        AWAITING = "awaiting", "Waiting for a carer"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Not given"
        WITHDRAWN = "withdrawn", "Withdrawn"

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="participations"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="participations")
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.TextField(blank=True)  # the pupil's "why I want to take part"
    decision_note = models.TextField(blank=True)  # staff's words with an answer
    alternative = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent = models.CharField(max_length=12, choices=Consent.choices, default=Consent.NOT_NEEDED)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)  # the waiting list's order
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "pupil"], name="participation_once"),
        ]
        indexes = [
            models.Index(fields=["pupil", "state"], name="participation_pupil_state"),
            models.Index(fields=["opportunity", "state"], name="participation_places"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} — {self.opportunity}: {self.get_state_display()}"


class Entitlement(models.Model):
    """What the school promises every pupil on its register, each term."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="entitlement")
    per_term = models.PositiveSmallIntegerField(default=2)
    components = models.PositiveSmallIntegerField(default=2)
    beyond_classroom = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(per_term__gte=1, per_term__lte=20, components__lte=5),
                name="entitlement_sensible",
            )
        ]

    def __str__(self) -> str:
        return f"Entitlement at {self.school}"
