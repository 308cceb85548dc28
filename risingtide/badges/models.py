"""Badges: a school's achievements (badge classes), the awards its teachers make to pupils, and
the school's choices about credentials. An award becomes an Open Badges 3.0 credential when
it is first downloaded (``credentials.issue``), signed with the platform's key as training's
credentials are (docs/decisions/0027-tasc-badges.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.schools.models import School

# The pictures a badge may wear: bundled SVGs (static/badges/designs/<key>.svg), each with its
# text alternative. A school chooses one for a badge of its own; nobody uploads an SVG (one
# can carry script).
DESIGNS = {
    "project": "A gold medal with a star on a blue ribbon",
    "evaluation": "A magnifying glass over a green tick",
    "gather": "A basket full of coloured shapes",
    "generate": "A glowing yellow light bulb",
    "communicate": "A speech bubble with three dots",
    "star": "A big smiling star",
}


class BadgeClass(models.Model):
    """One of a school's achievements. The default set (``services.DEFAULTS``) is made for a
    school on first use, marked by ``key``; a school's own badges have no key."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="badge_classes")
    key = models.SlugField(max_length=40, blank=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300)
    criteria = models.TextField(max_length=1000)
    design = models.CharField(max_length=20, choices=[(k, k) for k in DESIGNS])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="badge_class_name_once"),
            models.UniqueConstraint(
                fields=["school", "key"], condition=~Q(key=""), name="badge_class_default_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def image_alt(self) -> str:
        return DESIGNS.get(self.design, "")


class Award(models.Model):
    """A badge given to a pupil by a teacher, perhaps for a project. Withdrawn (``revoked_at``)
    with a reason, never deleted. Once downloaded it carries its credential: ``token`` (the
    VC-JWT as signed, so every download is the same credential), the key that signed it and
    its bit in the school's revocation list."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="badge_awards")
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="badge_awards"
    )
    project = models.ForeignKey(
        "tasc.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    awarded_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    # The credential, once issued.
    token = models.TextField(blank=True)
    kid = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    status_list = models.PositiveIntegerField(null=True, blank=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="badge_award_revoked_with_reason",
            ),
            models.UniqueConstraint(
                fields=["school", "status_list", "status_index"],
                condition=Q(status_index__isnull=False),
                name="badge_award_status_bit_once",
            ),
        ]
        indexes = [models.Index(fields=["pupil", "awarded_at"], name="badge_award_pupil")]

    def __str__(self) -> str:
        return f"{self.badge_class} for {self.pupil}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class SchoolBadgeSettings(models.Model):
    """What a school allows with its badges. Without a row, the defaults: no downloads, and a
    credential names the pupil by first name and initial."""

    class Names(models.TextChoices):
        PSEUDONYMOUS = "none", "No name: only a random identifier"
        INITIAL = "initial", "First name and the initial of the surname (Amira K.)"
        FULL = "full", "Full name"

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="badge_settings")
    allow_download = models.BooleanField(
        "Pupils and their carers may download their badges as verifiable credentials",
        default=False,
    )
    name_in_credential = models.CharField(
        "The pupil's name in a downloaded credential",
        max_length=10,
        choices=Names.choices,
        default=Names.INITIAL,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Badge settings of {self.school}"
