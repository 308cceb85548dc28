"""The G&T register and the pupil data it rests on.

A *pupil record* is the school's data about one pupil (from its MIS, by CTF, CSV or XLSX): it
exists whether or not the pupil has an account here, and is linked to the account when they do.
Characteristics keep their history: FSM as periods, the others as dated changes (the record
holds today's value; each change keeps the value it replaced). Register entries and evidence are
never changed or deleted: each decision is a new, attributed entry and the newest is current.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from risingtide.audit.models import AppendOnly

# Django looks for models only here: imported for that alone (import from their own module).
from risingtide.register import import_batches  # noqa: F401
from risingtide.register.rows import DOMAINS
from risingtide.schools.models import School


def academic_year(day: date | None = None) -> int:
    """The academic year a day falls in, by its first calendar year (2026 means 2026/27)."""
    day = day or timezone.localdate()
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# First-language codes that are not an additional language: English, believed English, and
# "refused" / "not obtained" (which say nothing either way).
NOT_EAL = {"", "ENG", "ENB", "REF", "NOT"}


SEN_CHOICES = [
    ("K", "SEN support"),
    ("E", "EHC plan"),
    ("A", "School Action (before 2014)"),
    ("P", "School Action Plus (before 2014)"),
    ("S", "Statement (before 2014)"),
]


class Pupil(models.Model):
    """A pupil record: one per pupil per school (the UPN is unique within the school)."""

    class Gender(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Unknown"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupil_records")
    upn = models.CharField("UPN", max_length=13)
    temporary_upn = models.BooleanField(default=False)
    legal_surname = models.CharField(max_length=100)
    legal_forename = models.CharField(max_length=100)
    preferred_surname = models.CharField(max_length=100, blank=True)
    preferred_forename = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices)
    nc_year = models.CharField("NC year", max_length=3, blank=True)
    # Today's values; CharacteristicChange keeps what they were before.
    ethnicity = models.CharField(max_length=4, blank=True)
    ethnic_group = models.CharField(max_length=20, blank=True)
    first_language = models.CharField(max_length=4, blank=True)
    eal = models.BooleanField("EAL", default=False)
    sen = models.CharField("SEN provision", max_length=1, blank=True, choices=SEN_CHOICES)
    looked_after = models.BooleanField(default=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil_record",
    )
    on_roll = models.BooleanField(default=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_record_unique_upn"),
        ]
        indexes = [models.Index(fields=["school", "on_roll"], name="pupil_record_on_roll")]

    def __str__(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname


class CharacteristicChange(models.Model):
    """A characteristic changed on ``changed_on``: it had ``old_value`` until then."""

    class Kind(models.TextChoices):
        ETHNICITY = "ethnicity", "Ethnicity"
        FIRST_LANGUAGE = "first_language", "First language"
        SEN = "sen", "SEN provision"
        LOOKED_AFTER = "looked_after", "Looked after"
        NC_YEAR = "nc_year", "NC year"
        GENDER = "gender", "Gender"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    old_value = models.CharField(max_length=20, blank=True)
    new_value = models.CharField(max_length=20, blank=True)
    changed_on = models.DateField()
    source = models.CharField(max_length=120, blank=True)  # "CTF import 12", "Ms Khan"
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]
        indexes = [models.Index(fields=["pupil", "kind"], name="change_pupil_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.old_value} → {self.new_value} ({self.changed_on})"


class FsmPeriod(models.Model):
    """A period of free-school-meal eligibility; ``end`` empty while it lasts."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="fsm_periods")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "start"], name="fsm_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="fsm_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"FSM from {self.start} to {self.end or 'now'}"


def fsm_on(day: date, path: str = "pk") -> Exists:
    """Eligible for free school meals on ``day`` (an annotation over pupil records)."""
    return Exists(
        FsmPeriod.objects.filter(pupil=OuterRef(path), start__lte=day).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )
    )


def ever_6(day: date, path: str = "pk") -> Exists:
    """Eligible at any time in the six years up to ``day`` ("Ever-6", the pupil premium
    measure), read from the FSM periods."""
    since = day - timedelta(days=1) if (day.month, day.day) == (2, 29) else day
    since = since.replace(year=since.year - 6)
    return Exists(
        FsmPeriod.objects.filter(pupil=OuterRef(path), start__lte=day).filter(
            Q(end__isnull=True) | Q(end__gte=since)
        )
    )


class Attainment(models.Model):
    """A result: subject, key stage or year, method (test or teacher assessment), result."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attainment")
    stage = models.CharField(max_length=10)
    subject = models.CharField(max_length=40)
    component = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=10, blank=True)
    result = models.CharField(max_length=20)
    score = models.FloatField(null=True, blank=True)  # the result as a number, when it is one
    year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["year", "stage", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "stage", "subject", "component", "method", "year"],
                name="attainment_unique_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.subject} {self.year}: {self.result}"


class EntryQuerySet(models.QuerySet):
    def current(self):
        return self.filter(current=True)


class RegisterEntry(AppendOnly, models.Model):
    """One decision about one pupil in one academic year. The newest (``current``) stands;
    the ones before it are the history, kept unchanged."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        IDENTIFIED = "identified", "Identified"
        NOT_IDENTIFIED = "not_identified", "Not identified"
        REMOVED = "removed", "Removed"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="register_entries")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=15, choices=Status.choices)
    gifted = models.BooleanField(default=False)
    talented = models.BooleanField(default=False)
    domains = models.JSONField(default=list, blank=True)  # keys of rows.DOMAINS
    top_5 = models.BooleanField("Top 5% nationally", default=False)
    reason = models.TextField(blank=True)
    next_review = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150, blank=True)  # kept if the account goes
    recorded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=120, blank=True)  # "nomination", "register import 4"
    current = models.BooleanField(default=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "academic_year"],
                condition=Q(current=True),
                name="register_one_current_entry",
            ),
        ]
        indexes = [
            models.Index(
                fields=["school", "academic_year", "status"],
                condition=Q(current=True),
                name="register_current_by_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {year_label(self.academic_year)}: {self.get_status_display()}"

    @property
    def domain_labels(self) -> list[str]:
        return [DOMAINS.get(d, d) for d in self.domains]

    @property
    def on_register(self) -> bool:
        return self.status == self.Status.IDENTIFIED


def current_entry(year: int, path: str = "pk") -> models.QuerySet:
    """The pupil's current register entry in ``year`` (a subquery over pupil records)."""
    return RegisterEntry.objects.filter(pupil=OuterRef(path), academic_year=year, current=True)


class Evidence(AppendOnly, models.Model):
    """Why a pupil was nominated or identified: one piece of evidence of a named kind."""

    class Kind(models.TextChoices):
        TEST_SCORE = "test_score", "Test score (e.g. CATs)"
        ATTAINMENT = "attainment", "Attainment"
        TEACHER_ASSESSMENT = "teacher_assessment", "Teacher assessment"
        TEACHER_NOMINATION = "teacher_nomination", "Nomination by a teacher"
        SELF_NOMINATION = "self_nomination", "Nomination by the pupil"
        PEER_NOMINATION = "peer_nomination", "Nomination by a peer"
        PARENT_NOMINATION = "parent_nomination", "Nomination by a parent or carer"
        WORK_SCRUTINY = "work_scrutiny", "Scrutiny of work"
        PROGRESS = "progress", "Progress (value added)"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="evidence")
    academic_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    domain = models.CharField(max_length=20, blank=True)
    summary = models.TextField()
    measure = models.CharField(max_length=60, blank=True)  # "CAT verbal", "KS2 maths"
    score = models.FloatField(null=True, blank=True)
    item = models.ForeignKey(
        "portfolios.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_by_name = models.CharField(max_length=150, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "academic_year"], name="evidence_pupil_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary[:60]}"

    QUANTITATIVE = {Kind.TEST_SCORE, Kind.ATTAINMENT, Kind.TEACHER_ASSESSMENT}
    PROGRESS_KINDS = {Kind.PROGRESS}

    @property
    def category(self) -> str:
        if self.kind in self.QUANTITATIVE:
            return "Quantitative"
        if self.kind in self.PROGRESS_KINDS:
            return "Progress"
        return "Qualitative"

    @property
    def domain_label(self) -> str:
        return DOMAINS.get(self.domain, "")


class Criteria(models.Model):
    """A school's settings for identification support: what puts a pupil on the screening
    list and when the equity check flags a group."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="criteria")
    top_percent = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    progress_threshold = models.FloatField(
        default=1.0, help_text="Value added at or above this counts as exceptional progress."
    )
    equity_fraction = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.1), MaxValueValidator(1.0)]
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=5, help_text="Smaller groups are shown but never flagged."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Identification criteria for {self.school}"


class DataSharingAgreement(models.Model):
    """A school's agreement to let its LA see pupil-level register data, for a period."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sharing")
    reference = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.starts_on} to {self.ends_on or 'open'})"

    @classmethod
    def schools_in_force(cls, day: date | None = None):
        """The ids of schools with an agreement in force on ``day`` (a subquery)."""
        day = day or timezone.localdate()
        return (
            cls.objects.filter(starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            .values("school_id")
        )
