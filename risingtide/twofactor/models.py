"""Two-factor sign-in: the records this app keeps.

The devices themselves (TOTP, recovery codes, passkeys) are django-otp's and
django-otp-webauthn's models; this app keeps only who *requires* a second factor. A requirement
is a row: a school's, an LA's (for all its schools) or the site's. No row, no requirement; the
strictest applies (a school cannot lift what its LA requires)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.schools.models import LocalAuthority, School


class Requirement(models.Model):
    """A place requires a second factor of the roles that reach pupil records (leading teacher,
    head, LA lead, national officer, site administrator), and of teachers when it says so."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    local_authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The site's own requirement (the one row with neither a school nor an LA).
    site = models.BooleanField(default=False)
    include_teachers = models.BooleanField(default=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(school__isnull=False, local_authority__isnull=True, site=False)
                    | Q(school__isnull=True, local_authority__isnull=False, site=False)
                    | Q(school__isnull=True, local_authority__isnull=True, site=True)
                ),
                name="twofactor_requirement_one_place",
            ),
            models.UniqueConstraint(
                fields=["site"], condition=Q(site=True), name="twofactor_one_site_requirement"
            ),
        ]

    def __str__(self) -> str:
        place = self.school or self.local_authority or "the site"
        return f"Second factor required at {place}"
