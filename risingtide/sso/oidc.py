"""The OpenID Connect client conversation, done by Authlib and carried by ``lib.fetch``.

Authlib writes the protocol: the authorization address (state, nonce, PKCE S256), the code
exchange (client authentication), and the id_token's checks (signature against the provider's
key set, ``iss``, ``aud``, ``exp``, ``nonce``, ``azp``, ``at_hash``). Authlib talks through
``requests``; every request it makes here goes through :class:`FetchAdapter`, which hands it to
:func:`risingtide.lib.fetch.client.fetch`, the one way this server reaches another: so a
discovery URL a coordinator typed (or a token endpoint or key set the discovery document
names) that resolves to this server's own network is refused before any connection is made.

Nothing here logs or returns a token, a code or the client secret: the callers get the
verified claims, or a :class:`SignInRefused` whose ``reason`` is a short word for the audit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oidc.core.claims import CodeIDToken
from django.conf import settings
from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from risingtide.lib.fetch.addresses import FetchRefused
from risingtide.lib.fetch.client import JSON_TYPES, fetch

SCOPE = "openid email profile"
# Seconds of clock difference allowed between the provider and us (exp, iat).
LEEWAY = 60
# Discovery documents and key sets change rarely; a key the cached set lacks is fetched again.
CACHE_SECONDS = 300
# requests' own defaults, which lib.fetch sets for itself (or computes from the body).
_DROPPED_HEADERS = {"user-agent", "accept", "accept-encoding", "connection", "content-length"}


class SignInRefused(Exception):
    """A sign-in that cannot go on: ``reason`` is a short word for the audit and the tests,
    ``message`` what the person is told. Neither ever carries a token, code or secret."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


class FetchAdapter(BaseAdapter):
    """A ``requests`` transport that sends each request through ``lib.fetch``: vetted and
    pinned addresses, one deadline, a size limit, no redirects followed (a token endpoint that
    sends us elsewhere is misconfigured or hostile), error answers returned for Authlib to
    read. A refusal propagates as :class:`FetchRefused`."""

    # The token request's body and headers carry the code, the PKCE verifier and the client
    # secret; its answer, the tokens: none of them in an error report.
    @sensitive_variables("request", "body", "headers", "result", "response")
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body.encode() if isinstance(request.body, str) else request.body
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED_HEADERS}
        result = fetch(
            request.url,
            accept=JSON_TYPES,
            method=request.method,
            body=body,
            headers=headers,
            follow_redirects=False,
            refuse_errors=False,
        )
        response = requests.Response()
        response.status_code = result.status
        response._content = result.body
        content_type = result.content_type + (
            f"; charset={result.charset}" if result.charset else ""
        )
        response.headers = CaseInsensitiveDict({"Content-Type": content_type})
        response.encoding = result.charset or "utf-8"
        response.url = result.final_url
        response.reason = ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing is kept open: each fetch opens and closes its own connection."""


def _session(**kwargs) -> OAuth2Session:
    session = OAuth2Session(**kwargs)
    adapter = FetchAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no proxy or .netrc from the environment
    return session


def _json(session: OAuth2Session, url: str, what: str) -> dict:
    try:
        response = session.get(url, withhold_token=True)
    except FetchRefused as exc:
        raise SignInRefused("unreachable", f"We could not read the {what}: {exc}.") from exc
    if response.status_code != 200:
        raise SignInRefused(
            "unreachable", f"The {what} answered with an error ({response.status_code})."
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise SignInRefused("unreachable", f"The {what} is not JSON.") from exc
    if not isinstance(data, dict):
        raise SignInRefused("unreachable", f"The {what} is not a JSON object.")
    return data


def secure_url(url: object) -> bool:
    """https, or a test server on the allow-list (the local provider the tests run)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.netloc.lower() in {
        h.strip().lower() for h in settings.FETCH_ALLOW_HOSTS
    }


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    # RFC 9207: the provider promises to name itself (``iss``) in every authorization response.
    iss_parameter_supported: bool = False


def discover(discovery_url: str, *, fresh: bool = False) -> Discovery:
    """Read and check a provider's discovery document (OpenID Connect Discovery 1.0 §4).

    The issuer it names must be the discovery URL's own prefix (§4.3), so a document cannot
    claim to speak for another issuer; every endpoint must be https."""
    key = f"sso:discovery:{discovery_url}"
    data = None if fresh else cache.get(key)
    if data is None:
        data = _json(_session(), discovery_url, "provider's discovery document")
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not secure_url(data.get(name)):
                raise SignInRefused(
                    "discovery", f"The discovery document has no secure (https) {name}."
                )
        expected = data["issuer"].rstrip("/") + "/.well-known/openid-configuration"
        if expected != discovery_url:
            raise SignInRefused(
                "discovery",
                "The discovery document names an issuer that is not its own address "
                f"({data['issuer']}).",
            )
        cache.set(key, data, CACHE_SECONDS)
    return Discovery(
        data["issuer"],
        data["authorization_endpoint"],
        data["token_endpoint"],
        data["jwks_uri"],
        data.get("authorization_response_iss_parameter_supported") is True,
    )


def check_response_issuer(discovery: Discovery, iss: str | None) -> None:
    """RFC 9207: the authorization response's ``iss``, when there is one, must name this
    connection's issuer; a provider that promises to send it must have sent it. (A browser sent
    back from another provider than the one its sign-in started at is a mix-up attack.)"""
    if iss is None and not discovery.iss_parameter_supported:
        return
    if iss != discovery.issuer:
        raise SignInRefused(
            "issuer", "The sign-in came from a different provider than this school's."
        )


def _key_set(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    key = f"sso:jwks:{jwks_uri}"
    data = None if fresh else cache.get(key)
    if data is None:
        data = _json(_session(), jwks_uri, "provider's key set")
        cache.set(key, data, CACHE_SECONDS)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInRefused("keys", "The provider's key set could not be read.") from exc


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and what the callback must check, kept in the session."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@sensitive_variables("nonce", "verifier", "session", "url", "state")
def start(discovery: Discovery, client_id: str, redirect_uri: str) -> Started:
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)  # 64 characters, within PKCE's 43 to 128
    session = _session(
        client_id=client_id,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, state = session.create_authorization_url(
        discovery.authorization_endpoint,
        state=secrets.token_urlsafe(32),
        nonce=nonce,
        code_verifier=verifier,
    )
    return Started(url, state, nonce, verifier)


# The id_token refusals, each in a word (for the audit) and in the person's words.
_CLAIM_REASONS = {
    "aud": ("audience", "The sign-in was meant for another service."),
    "iss": ("issuer", "The sign-in came from a different provider than this school's."),
    "nonce": ("nonce", "The sign-in answer does not belong to this sign-in."),
    "azp": ("audience", "The sign-in was meant for another service."),
    "at_hash": ("token", "The sign-in answer was not consistent."),
}


def _claims_refusal(exc: JoseError) -> SignInRefused:
    if isinstance(exc, ExpiredTokenError):
        return SignInRefused("expired", "The sign-in answer had already expired.")
    claim = getattr(exc, "claim", None)
    reason, message = _CLAIM_REASONS.get(
        claim, ("token", "The sign-in answer was missing something it must carry.")
    )
    return SignInRefused(reason, message)


@sensitive_variables(
    "client_secret", "code", "code_verifier", "nonce", "session", "token", "id_token", "decoded"
)
def finish(
    discovery: Discovery,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    code_verifier: str,
    nonce: str,
) -> dict:
    """Exchange the code (with the PKCE verifier) and return the id_token's verified claims."""
    session = _session(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    try:
        token = session.fetch_token(
            discovery.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            redirect_uri=redirect_uri,
        )
    except FetchRefused as exc:
        raise SignInRefused("unreachable", f"We could not reach the provider: {exc}.") from exc
    except (OAuth2Error, OAuthError) as exc:
        # invalid_grant: a code used already, too old, or not issued for this verifier.
        raise SignInRefused(
            "code", "The provider would not complete this sign-in (it may have been used already)."
        ) from exc
    except ValueError as exc:
        raise SignInRefused("code", "The provider's answer could not be read.") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("token", "The provider did not send an identity token.")
    registry = JWSRegistry(algorithms=["RS256", "ES256", "PS256"], strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(id_token, _key_set(discovery.jwks_uri), registry=registry)
        except InvalidKeyIdError:  # a key rotated in since we read the set
            decoded = jwt.decode(
                id_token, _key_set(discovery.jwks_uri, fresh=True), registry=registry
            )
    except (BadSignatureError, InvalidKeyIdError) as exc:
        raise SignInRefused("signature", "The sign-in answer's signature is not valid.") from exc
    except (JoseError, ValueError) as exc:
        raise SignInRefused("signature", "The sign-in answer could not be read.") from exc
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": discovery.issuer},
            "aud": {"essential": True, "value": client_id},
            "exp": {"essential": True},
            "sub": {"essential": True},
        },
        {"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
    )
    try:
        claims.validate(leeway=LEEWAY)
    except (InvalidClaimError, MissingClaimError, ExpiredTokenError) as exc:
        raise _claims_refusal(exc) from exc
    except JoseError as exc:
        raise SignInRefused("token", "The sign-in answer was not valid.") from exc
    return dict(claims)
