"""Checking a platform's id_token: the signature against the platform's published keys, then
every claim LTI 1.3 (and OpenID Connect under it) requires of a launch.

Each check raises :class:`~.refusals.Refused` with its own code, and each has a test that fails
when it is removed (tests/test_claims.py). The key set is fetched through ``lib.fetch`` (never
directly: it is a URL an administrator typed) and kept on the platform's row: used for an hour,
and read again sooner only when a launch names a key it lacks, at most once a minute.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from risingtide.lib.fetch.addresses import FetchRefused
from risingtide.lib.fetch.client import JSON_TYPES, fetch
from risingtide.lti.models import LaunchState, Platform
from risingtide.lti.refusals import Refused

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256"]
LEEWAY = 60  # seconds of clock difference allowed either way
MAX_AGE = 600  # an id_token issued longer ago than this is refused, whatever its exp
KEYS_KEPT = timedelta(hours=1)
KEYS_REREAD = timedelta(minutes=1)

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TEACHING_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper"}


@dataclass(frozen=True)
class Launch:
    """A launch whose every check passed: what the rest of the app needs from it."""

    platform: Platform
    claims: dict
    message_type: str
    sub: str
    deployment_id: str
    roles: tuple[str, ...]

    @property
    def context(self) -> dict:
        return self.claims.get(LTI + "context") or {}

    @property
    def is_teacher(self) -> bool:
        return any(
            role.removeprefix(MEMBERSHIP) in TEACHING_ROLES and role.startswith(MEMBERSHIP)
            for role in self.roles
        )

    @property
    def is_learner(self) -> bool:
        return MEMBERSHIP + "Learner" in self.roles

    @property
    def custom(self) -> dict:
        custom = self.claims.get(LTI + "custom")
        return custom if isinstance(custom, dict) else {}


def _fetch_key_set(platform: Platform) -> dict:
    try:
        answer = fetch(platform.key_set_url, accept=JSON_TYPES, follow_redirects=False)
        found = json.loads(answer.body)
        KeySet.import_key_set(found)  # refuse now, not at every launch, a set we cannot use
    except (FetchRefused, ValueError, JoseError, TypeError, KeyError) as exc:
        raise Refused("keys_unreachable") from exc
    now = timezone.now()
    Platform.objects.filter(pk=platform.pk).update(key_set=found, key_set_fetched_at=now)
    platform.key_set, platform.key_set_fetched_at = found, now
    return found


def key_set(platform: Platform, kid: str | None) -> KeySet:
    """The platform's keys, holding ``kid`` if the platform publishes it."""
    fetched, now = platform.key_set_fetched_at, timezone.now()
    kept = platform.key_set if fetched and now - fetched < KEYS_KEPT else None
    kids = {k.get("kid") for k in (kept or {}).get("keys", [])}
    if kept is None or (kid not in kids and now - fetched >= KEYS_REREAD):
        kept = _fetch_key_set(platform)
    return KeySet.import_key_set(kept)


def _unverified(token: str) -> tuple[dict, dict]:
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise Refused("bad_token") from exc
    if not isinstance(claims, dict):
        raise Refused("bad_token")
    return compact.headers(), claims


def platform_of(issuer, client_id) -> Platform:
    """The active platform registered under ``issuer`` (and ``client_id`` when given)."""
    if not isinstance(issuer, str) or not issuer:
        raise Refused("unknown_issuer")
    found = Platform.objects.filter(issuer=issuer, active=True)
    if client_id:
        found = found.filter(client_id=client_id)
    found = list(found[:2])
    if not found:
        raise Refused("unknown_issuer")
    if len(found) > 1:
        raise Refused("ambiguous_platform")
    return found[0]


def _check_signature(token: str, platform: Platform, kid) -> dict:
    keys = key_set(platform, kid if isinstance(kid, str) else None)
    try:
        return jwt.decode(token, keys, algorithms=ALGORITHMS).claims
    except (JoseError, ValueError) as exc:
        raise Refused("bad_signature") from exc


def _check_audience(claims: dict, client_id: str) -> None:
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client_id not in audiences:
        raise Refused("wrong_audience")
    # Several audiences: the one the token was issued to (azp) must be us (OIDC Core 3.1.3.7).
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise Refused("wrong_audience")


def _check_times(claims: dict) -> None:
    now = timezone.now().timestamp()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise Refused("expired")
    if exp < now - LEEWAY or iat > now + LEEWAY or iat < now - MAX_AGE:
        raise Refused("expired")


def _check_nonce(claims: dict, state: LaunchState) -> None:
    nonce = claims.get("nonce")
    if isinstance(nonce, str) and nonce == state.nonce:
        return
    # A nonce an earlier launch used: a replayed message, said as such.
    used = (
        isinstance(nonce, str)
        and LaunchState.objects.filter(Q(nonce=nonce) & ~Q(pk=state.pk)).exists()
    )
    raise Refused("nonce_reused" if used else "nonce_mismatch")


def _check_lti(claims: dict, platform: Platform) -> tuple[str, str, tuple[str, ...]]:
    deployment = claims.get(LTI + "deployment_id")
    if (
        not isinstance(deployment, str)
        or not platform.deployments.filter(deployment_id=deployment).exists()
    ):
        raise Refused("unknown_deployment")
    message_type = claims.get(LTI + "message_type")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise Refused("wrong_message")
    if claims.get(LTI + "version") != "1.3.0":
        raise Refused("wrong_version")
    roles = claims.get(LTI + "roles")
    sub = claims.get("sub")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Refused("missing_claim")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise Refused("missing_claim")  # an anonymous launch gets no account
    context = claims.get(LTI + "context")
    if not isinstance(context, dict) or not isinstance(context.get("id"), str):
        raise Refused("missing_claim")
    if message_type == RESOURCE_LINK:
        link = claims.get(LTI + "resource_link")
        if not isinstance(link, dict) or not isinstance(link.get("id"), str):
            raise Refused("missing_claim")
    else:
        asked = claims.get(DL + "deep_linking_settings")
        if not isinstance(asked, dict) or not isinstance(asked.get("deep_link_return_url"), str):
            raise Refused("missing_claim")
        # We answer with a resource link only: a platform that cannot take one gets nothing.
        accepts = asked.get("accept_types")
        if isinstance(accepts, list) and "ltiResourceLink" not in accepts:
            raise Refused("wrong_message")
    return message_type, deployment, tuple(roles)


def validate(token: str, state: LaunchState) -> Launch:
    """The launch ``token`` carries, for the login ``state`` began, or ``Refused``."""
    if not isinstance(token, str) or not token or len(token) > 64_000:
        raise Refused("bad_token")
    header, unverified = _unverified(token)
    platform = state.platform
    if unverified.get("iss") != platform.issuer:
        # Known elsewhere or not at all: either way not the platform the login began with.
        known = Platform.objects.filter(issuer=str(unverified.get("iss"))[:300]).exists()
        raise Refused("wrong_issuer" if known else "unknown_issuer")
    claims = _check_signature(token, platform, header.get("kid"))
    if claims.get("iss") != platform.issuer:  # pragma: no cover - signed, so as read above
        raise Refused("wrong_issuer")
    _check_audience(claims, platform.client_id)
    _check_times(claims)
    _check_nonce(claims, state)
    message_type, deployment, roles = _check_lti(claims, platform)
    return Launch(platform, claims, message_type, claims["sub"], deployment, roles)
