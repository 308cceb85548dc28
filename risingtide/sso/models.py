"""Single sign-on: the records this app keeps.

An ``IdentityProvider`` is one school's (or one LA's, for all its schools) connection to an
OpenID Connect issuer. It is not called ``Provider``: that word already means the enrichment
providers beside the school tree (``schools.Provider``, ``Reach.PROVIDER``).

An ``IdentityLink`` remembers, after the first sign-in that matched exactly one person, which
account the issuer's subject (``sub``, stable and never reassigned, unlike an email address)
belongs to; later sign-ins match on it alone.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from risingtide.schools.models import LocalAuthority, School

GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"
ENTRA_DISCOVERY = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"


LA_MIS_ID_REFUSED = (
    "An LA-wide connection matches on email; MIS ids are unique only within one school."
)


class IdentityProvider(models.Model):
    class Kind(models.TextChoices):
        GOOGLE = "google", "Google Workspace for Education"
        MICROSOFT = "microsoft", "Microsoft Entra ID"
        OIDC = "oidc", "Another OpenID Connect provider"

    class MatchOn(models.TextChoices):
        EMAIL = "email", "Verified email address on one of the school's domains"
        MIS_ID = "mis_id", "MIS id (from rostering), in a claim the provider sends"

    # Exactly one owner: a school, or an LA for every school in it.
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="identity_providers"
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="identity_providers",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField("name on the sign-in button", max_length=80)
    # The address a school shares (/sso/<slug>/): made from the owner's name, never reused.
    slug = models.SlugField(max_length=60, unique=True)
    tenant = models.CharField("Entra tenant id", max_length=100, blank=True)
    discovery_url = models.URLField("discovery URL", max_length=400)
    # The issuer the discovery document named when it was last read; an id_token must carry it.
    issuer = models.CharField(max_length=400, blank=True)
    client_id = models.CharField("client id", max_length=200)
    # Never shown again once saved, never logged or audited (the form says "set" / "replace").
    client_secret = models.CharField(max_length=400)
    match_on = models.CharField(max_length=10, choices=MatchOn.choices, default=MatchOn.EMAIL)
    # For ``email``: the domains an address must be on (lower case, one per line in the form).
    email_domains = models.JSONField(default=list, blank=True)
    # For ``mis_id``: the claim that carries it (Entra's "employeeid", a custom claim...).
    mis_id_claim = models.CharField("MIS id claim", max_length=80, blank=True)
    enabled = models.BooleanField(default=False)
    password_sign_in = models.BooleanField("password sign-in stays allowed", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, local_authority__isnull=True)
                | Q(school__isnull=True, local_authority__isnull=False),
                name="identity_provider_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.local_authority_id and self.match_on == self.MatchOn.MIS_ID:
            raise ValidationError({"match_on": LA_MIS_ID_REFUSED})

    @property
    def owner(self):
        return self.school or self.local_authority


class IdentityLink(models.Model):
    """The account an issuer's subject signed in as, once it had matched exactly one person."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="links")
    issuer = models.CharField(max_length=400)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="identity_links")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "issuer", "subject"], name="identity_link_one_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
