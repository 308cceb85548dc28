"""Organisations: nation → local authority → school (in an optional cluster) → teaching group.

Providers stand beside the hierarchy: they serve schools but belong to none.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

three_digits = RegexValidator(r"^\d{3}$", "An LA code is three digits, e.g. 801.")
four_digits = RegexValidator(r"^\d{4}$", "An establishment number is four digits, e.g. 2000.")
six_digits = RegexValidator(r"^\d{6}$", "A URN is six digits, e.g. 100000.")


class Nation(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="local_authorities")
    code = models.CharField("LA code", max_length=3, unique=True, validators=[three_digits])
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Cluster(models.Model):
    """Schools (usually primaries) that share one leading teacher."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="clusters"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all-through", "All-through"
        SPECIAL = "special", "Special"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="schools"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools"
    )
    name = models.CharField(max_length=150)
    establishment_number = models.CharField(max_length=4, validators=[four_digits])
    urn = models.CharField("URN", max_length=6, unique=True, validators=[six_digits])
    phase = models.CharField(max_length=12, choices=Phase.choices)
    # Moved on by the database whenever anything a staff home page counts in the school is
    # written (lib/versions.py, home/migrations/0001; decision 0015); never written by Django.
    content_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "establishment_number"], name="school_unique_dfe_number"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Never write ``content_version`` back: the copy in memory may be behind the triggers,
        and writing it would set the counter back to a version a kept page was made at."""
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "content_version"
            ]
        super().save(*args, **kwargs)

    @property
    def dfe_number(self) -> str:
        """LA code and establishment number, as in a UPN or CTF header (e.g. 801/2000)."""
        return f"{self.local_authority.code}/{self.establishment_number}"


class TeachingGroup(models.Model):
    """A class or set in one academic year. Year group 0 is Reception, 1–13 are NC years."""

    class Kind(models.TextChoices):
        CLASS = "class", "Class"
        SET = "set", "Set"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.CLASS)
    year_group = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(13)]
    )
    # The calendar year the academic year starts in: 2026 means 2026/27.
    academic_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="group_unique_name_in_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year_group__lte=13), name="group_year_group_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def year_label(self) -> str:
        return "Reception" if self.year_group == 0 else f"Year {self.year_group}"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"


class Provider(models.Model):
    """An organisation that offers services (courses, masterclasses, resources) to schools."""

    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="providers")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
