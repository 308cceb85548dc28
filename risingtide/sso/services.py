"""Connecting a school's (or an LA's) identity provider, and signing a person in through it.

Every change to a connection and every sign-in, refused or not, writes an audit event. None of
them carries the client secret, a code, a state, a nonce or a token: the event names the
connection, what changed (by field name) and, for a refusal, a short reason word.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.views.decorators.debug import sensitive_variables

from risingtide.audit.models import record
from risingtide.sso import oidc
from risingtide.sso.matching import NoAccount, match
from risingtide.sso.models import IdentityProvider

# Fields the audit may name as changed (never their values for the secret).
_AUDITED = (
    "kind",
    "name",
    "tenant",
    "discovery_url",
    "client_id",
    "client_secret",
    "match_on",
    "email_domains",
    "mis_id_claim",
    "enabled",
    "password_sign_in",
)


def _slug_for(provider: IdentityProvider) -> str:
    base = slugify(str(provider.owner))[:40].strip("-") or "school"
    base = f"{base}-{provider.kind}"
    taken = set(
        IdentityProvider.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_before_enabling(provider: IdentityProvider) -> None:
    """A connection is switched on only once its discovery document reads and checks out;
    the issuer it names is kept, and every id_token must carry it."""
    try:
        found = oidc.discover(provider.discovery_url, fresh=True)
    except oidc.SignInRefused as exc:
        raise ValidationError({"enabled": f"It cannot be switched on yet: {exc.message}"}) from exc
    provider.issuer = found.issuer


@transaction.atomic
def save_provider(actor, provider: IdentityProvider, changed: list[str]) -> IdentityProvider:
    """Create or update a connection (the form has set its fields; ``changed`` names them)."""
    adding = provider.pk is None
    if provider.enabled and ("enabled" in changed or "discovery_url" in changed or adding):
        _check_before_enabling(provider)
    if adding:
        provider.slug = _slug_for(provider)
    provider.save()
    record(
        actor,
        "sso.provider_added" if adding else "sso.provider_changed",
        provider,
        school=provider.school,
        fields=sorted(f for f in changed if f in _AUDITED),
        enabled=provider.enabled,
    )
    return provider


@transaction.atomic
def set_enabled(actor, provider: IdentityProvider, enabled: bool) -> IdentityProvider:
    if enabled:
        _check_before_enabling(provider)
    provider.enabled = enabled
    provider.save(update_fields=["enabled", "issuer", "updated_at"])
    record(
        actor,
        "sso.provider_enabled" if enabled else "sso.provider_disabled",
        provider,
        school=provider.school,
    )
    return provider


def check_discovery(actor, provider: IdentityProvider) -> tuple[bool, str]:
    """Read the connection's discovery document now and say what was found, in words."""
    try:
        found = oidc.discover(provider.discovery_url, fresh=True)
    except oidc.SignInRefused as exc:
        ok, words = False, exc.message
    else:
        ok, words = True, f"The provider answered. Its issuer is {found.issuer}."
    record(actor, "sso.provider_checked", provider, school=provider.school, ok=ok)
    return ok, words


# --- signing in -------------------------------------------------------------------------------


@sensitive_variables()
def begin(provider: IdentityProvider, redirect_uri: str) -> oidc.Started:
    if not provider.enabled:
        raise oidc.SignInRefused("disabled", "This school's sign-in is switched off.")
    return oidc.start(oidc.discover(provider.discovery_url), provider.client_id, redirect_uri)


def _refused(provider: IdentityProvider, reason: str) -> None:
    record(None, "sso.sign_in_refused", provider, school=provider.school, reason=reason)


@sensitive_variables("code", "code_verifier", "nonce", "claims")
def complete(
    provider: IdentityProvider,
    *,
    redirect_uri: str,
    code: str,
    code_verifier: str,
    nonce: str,
    response_iss: str | None = None,
):
    """The account the provider's answer signs in, after every protocol check and the match.
    ``response_iss`` is the authorization response's RFC 9207 ``iss`` (None when it had none).
    Raises ``oidc.SignInRefused`` or ``NoAccount`` (each audited, with its reason alone)."""
    try:
        if not provider.enabled:
            raise oidc.SignInRefused("disabled", "This school's sign-in is switched off.")
        discovery = oidc.discover(provider.discovery_url)
        if provider.issuer and discovery.issuer != provider.issuer:
            raise oidc.SignInRefused(
                "issuer", "The provider now names a different issuer; ask your school to check it."
            )
        oidc.check_response_issuer(discovery, response_iss)
        claims = oidc.finish(
            discovery,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            redirect_uri=redirect_uri,
            code=code,
            code_verifier=code_verifier,
            nonce=nonce,
        )
        with transaction.atomic():
            user = match(provider, claims)
    except (oidc.SignInRefused, NoAccount) as exc:
        _refused(provider, exc.reason)
        raise
    record(user, "sso.signed_in", provider, school=provider.school)
    return user


def refuse(provider: IdentityProvider, reason: str) -> None:
    """Audit a sign-in refused before it reached the provider's answer (state, an error)."""
    _refused(provider, reason)
