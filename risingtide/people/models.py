"""People and the roles they hold.

A role is held through a membership scoped to one place in the organisation tree: a teaching
group, a school, a cluster, a local authority, the nation or a provider. One person may hold
several memberships (a teacher who is also the school's leading teacher).
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)


class User(AbstractUser):
    """Anyone who signs in. Pupils sign in with a username and often have no email."""

    # Moves on whenever what this person's memberships reach may have changed (their
    # memberships, or the school, cluster or LA those sit in): the access engine keeps their
    # anchors under this number, so every request need not read the memberships again.
    access_version = models.PositiveIntegerField(default=0, editable=False)
    # The identifier the school's MIS gives this person, as rostering brought it in (OneRoster's
    # ``identifier``). Unique only within a school, so whatever matches on it (single sign-on)
    # looks within the schools it serves, never across the site.
    mis_id = models.CharField("MIS id", max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PUPIL = "pupil", "Pupil"
    TEACHER = "teacher", "Teacher"
    LEADING_TEACHER = "leading_teacher", "Leading teacher (G&T coordinator)"
    HEAD = "head", "Head / senior leader"
    LA_LEAD = "la_lead", "LA lead"
    NATIONAL_OFFICER = "national_officer", "National officer"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    SITE_ADMIN = "site_admin", "Site administrator"
    CARER = "carer", "Parent or carer"


# Which scope columns each role's membership must fill (the rest stay empty). A teaching group
# always carries its school too, so "everyone at this school" is one indexed filter.
SCOPE_FIELDS = (
    "teaching_group",
    "school",
    "cluster",
    "local_authority",
    "nation",
    "provider",
    "child",
)
ROLE_SCOPES: dict[str, list[set[str]]] = {
    Role.PUPIL: [{"school"}, {"school", "teaching_group"}],
    Role.TEACHER: [{"school"}, {"school", "teaching_group"}],
    Role.LEADING_TEACHER: [{"school"}, {"cluster"}],
    Role.HEAD: [{"school"}],
    Role.LA_LEAD: [{"local_authority"}],
    Role.NATIONAL_OFFICER: [{"nation"}],
    Role.PROVIDER_STAFF: [{"provider"}],
    Role.SITE_ADMIN: [set()],
    # A carer is tied to one child (a pupil's account) per membership, never to a place: they
    # reach that child's own things and nothing of the school around them.
    Role.CARER: [{"child"}],
}


def _scope_condition(filled: set[str]) -> Q:
    return Q(**{f"{field}__isnull": field not in filled for field in SCOPE_FIELDS})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    nation = models.ForeignKey(
        Nation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    # A carer's child: the pupil's account (families.services links them, from a school's
    # one-time invitation; never self-claimed).
    child = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="carer_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(role=role) & _scope_condition(filled)
                        for role, shapes in ROLE_SCOPES.items()
                        for filled in shapes
                    ],
                    _connector=Q.OR,
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False, teaching_group__isnull=True),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "teaching_group"],
                condition=Q(teaching_group__isnull=False),
                name="membership_unique_group_role",
            ),
            models.UniqueConstraint(
                fields=["user", "child"],
                condition=Q(child__isnull=False),
                name="membership_unique_carer_child",
            ),
        ]
        indexes = [
            # "pupils in this school / group": home pages, group pages, access scopes.
            models.Index(fields=["school", "role"], name="membership_school_role"),
            models.Index(fields=["teaching_group", "role"], name="membership_group_role"),
            # Counting a school's pupils (home pages, LA and nation summaries).
            models.Index(
                fields=["school"],
                condition=Q(role="pupil", teaching_group__isnull=True),
                name="membership_school_pupils",
            ),
        ]

    def __str__(self) -> str:
        place = (
            self.teaching_group
            or self.school
            or self.cluster
            or self.local_authority
            or self.nation
            or self.provider
            or (self.child and f"carer of {self.child}")
            or "site"
        )
        return f"{self.user} — {self.get_role_display()} — {place}"

    def save(self, *args, **kwargs) -> None:
        if self.teaching_group_id and not self.school_id:
            self.school_id = self.teaching_group.school_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.teaching_group_id and self.school_id != self.teaching_group.school_id:
            raise ValidationError("A group membership's school must be the group's school.")
        filled = {field for field in SCOPE_FIELDS if getattr(self, f"{field}_id")}
        if filled not in ROLE_SCOPES[self.role]:
            raise ValidationError(f"A {self.get_role_display()} membership has the wrong scope.")
