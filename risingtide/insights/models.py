"""Register insights: census snapshots of pupil-level data and the additive summaries rolled
up from them, school → LA → nation.

A *census record* is one pupil as they stood on census day of one academic year (the School
Census is taken each January): characteristics, register status and two standardised scores.
Past years are kept as they were; the current year is taken again whenever the school's data
changes. A *summary row* holds additive figures (counts, sums, counts and sums by prior-
attainment band) for one subgroup of one school, LA or the nation in one year, split by
whether the pupils are on the register. An LA's rows are the sums of its schools' rows and the
nation's the sums of its LAs' rows, so every figure above a school is a sum, never an average
of averages, and one school's change is one school's rebuild plus two small sums.
"""

from django.conf import settings
from django.db import models

from risingtide.lib.background import BackgroundRun
from risingtide.register.models import Pupil
from risingtide.schools.models import LocalAuthority, Nation, School

# Prior-attainment bands on the standardised scale (mean 100, SD 15): below 75, 75–84, …,
# 125–134, 135 and above. Progress is measured against the national mean attainment of pupils
# in the same band (docs/architecture.md, "Register insights").
BAND_EDGES = (75, 85, 95, 105, 115, 125, 135)
BANDS = len(BAND_EDGES) + 1


def prior_band(prior_x10: int | None) -> int | None:
    """The band of a prior-attainment score held in tenths of a point."""
    if prior_x10 is None:
        return None
    return sum(prior_x10 >= edge * 10 for edge in BAND_EDGES)


class CensusRecord(models.Model):
    """One pupil on census day of one year. Scores are standardised (mean 100, SD 15) and held
    in tenths of a point so that sums are exact integers and roll up without rounding."""

    # Indexed by census_school_year below, which starts with it.
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()  # academic year: 2026 is 2026/27 (census Jan 2027)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    upn = models.CharField("UPN", max_length=13)
    nc_year = models.CharField("NC year", max_length=3)  # "R", "1" … "14", "X" unknown
    gender = models.CharField(max_length=1)
    fsm = models.BooleanField("FSM")
    ever_6 = models.BooleanField("Ever-6 FSM")
    eal = models.BooleanField("EAL")
    sen = models.CharField("SEN provision", max_length=1)  # "N" none, K, E, A, P, S
    ethnic_group = models.CharField(max_length=20)  # a major group, "Unclassified" if unknown
    looked_after = models.BooleanField()
    on_register = models.BooleanField()
    gifted = models.BooleanField()
    talented = models.BooleanField()
    top_5 = models.BooleanField("Top 5%")
    prior_x10 = models.SmallIntegerField(null=True, blank=True)  # starting point
    attainment_x10 = models.SmallIntegerField(null=True, blank=True)  # this year's attainment
    band = models.SmallIntegerField(null=True, blank=True)  # prior band, when both scores exist

    class Meta:
        # One school-year is deleted and taken again as a unit; the roll-up reads by it.
        indexes = [models.Index(fields=["school", "year"], name="census_school_year")]

    def __str__(self) -> str:
        return f"{self.upn} {self.year}"

    @property
    def prior(self) -> float | None:
        return None if self.prior_x10 is None else self.prior_x10 / 10

    @property
    def attainment(self) -> float | None:
        return None if self.attainment_x10 is None else self.attainment_x10 / 10


# The figures every summary row holds: all additive.
COUNTS = ("pupils", "gifted", "talented", "top_5")
SUMS = ("att_n", "att_sum")
BAND_FIELDS = tuple(f"band_n_{b}" for b in range(BANDS)) + tuple(
    f"band_att_{b}" for b in range(BANDS)
)
MEASURES = COUNTS + SUMS + BAND_FIELDS


class Summary(models.Model):
    """Additive figures for one subgroup of one school, LA or nation in one year, for pupils on
    the register or not (the cohort is both)."""

    class Level(models.TextChoices):
        SCHOOL = "school", "School"
        LA = "la", "Local authority"
        NATION = "nation", "Nation"

    level = models.CharField(max_length=6, choices=Level.choices)
    # Derived rows, rebuilt wholesale: no database foreign-key checks (a full rebuild writes
    # millions of rows; the ORM still deletes them with their school, LA or nation), and no
    # single-column indexes where the composite ones below start with the column.
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    nation = models.ForeignKey(
        Nation, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField()
    dimension = models.CharField(
        max_length=12
    )  # "all", "fsm", "gender", … (insights.groups.DIMENSIONS)
    subgroup = models.CharField(max_length=20)
    on_register = models.BooleanField()
    pupils = models.PositiveIntegerField(default=0)
    gifted = models.PositiveIntegerField(default=0)
    talented = models.PositiveIntegerField(default=0)
    top_5 = models.PositiveIntegerField(default=0)
    att_n = models.PositiveIntegerField(default=0)  # pupils with an attainment score
    att_sum = models.BigIntegerField(default=0)  # their scores, in tenths of a point
    # Pupils with both scores, by prior band: how many, and the sum of their attainment.
    for _b in range(BANDS):
        locals()[f"band_n_{_b}"] = models.PositiveIntegerField(default=0)
    for _b in range(BANDS):
        locals()[f"band_att_{_b}"] = models.BigIntegerField(default=0)
    del _b

    class Meta:
        indexes = [
            # A school's rows (its report; deleted and rebuilt as a unit).
            models.Index(fields=["school", "year"], name="summary_school_year"),
            # An LA's schools (the LA report, the LA's own sums) and its own rows.
            models.Index(fields=["level", "local_authority", "year"], name="summary_la_year"),
            # The nation's LAs (the dashboard, the national sums) and its own rows.
            models.Index(fields=["level", "nation", "year"], name="summary_nation_year"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.year} {self.dimension}={self.subgroup}"


class ReportRun(BackgroundRun, models.Model):
    """An LA lead's run that makes every school's PDF report in the background, then a ZIP.
    A stalled run (``BackgroundRun``) is shown as failed; a school never sees an unfinished
    run's reports, and a new run clears it away."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Making the reports"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    archive = models.FileField(upload_to="insights/runs/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Reports for {self.local_authority} ({self.get_state_display()})"


class SchoolReportFile(models.Model):
    """One school's PDF report as a run made it (figures under disclosure control: the report
    leaves the school through its LA). The school finds its newest on its home page."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(
        ReportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
    )
    year = models.PositiveSmallIntegerField()
    pdf = models.FileField(upload_to="insights/reports/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "-created_at"], name="report_file_school")]

    def __str__(self) -> str:
        return f"Report for {self.school} ({self.year})"


class HiddenFigure(models.Model):
    """A figure withheld by *complementary* suppression in one published table of one year
    (``insights.masks``). Small counts (primary suppression) are not stored: they follow from
    the figure itself wherever it is shown. A figure is shown nowhere if any table hides it."""

    year = models.PositiveSmallIntegerField()
    table = models.CharField(max_length=40)  # "la:<id>:<dimension>" or "nation:<id>:<dimension>"
    level = models.CharField(max_length=6, choices=Summary.Level.choices)
    entity = models.PositiveIntegerField()  # the school, LA or nation
    parent = models.PositiveIntegerField()  # a school's LA, an LA's nation; a nation's own id
    dimension = models.CharField(max_length=12)
    subgroup = models.CharField(max_length=20)  # ("all", "all") is the entity's total

    class Meta:
        indexes = [
            # A table's own hides, replaced when it is worked out again.
            models.Index(fields=["year", "table"], name="hidden_table"),
            # What a page reads: an LA's schools, a nation's LAs, one entity.
            models.Index(fields=["level", "parent", "year"], name="hidden_parent"),
            models.Index(fields=["level", "entity", "year"], name="hidden_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.level} {self.entity} {self.dimension}={self.subgroup}"


class MaskYear(models.Model):
    """The year's masks are worked out, for this threshold: figures of a year without one
    (or with another threshold) are not shown outside their school at all."""

    year = models.PositiveSmallIntegerField(unique=True)
    threshold = models.PositiveSmallIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"masks {self.year} (threshold {self.threshold})"
