"""What we ask of a platform's services (LTI Advantage): an OAuth 2 access token by the
client-credentials grant with a signed JWT assertion (the LTI Security Framework, RFC 7523),
then Assignment and Grade Services (line items, scores) and Names and Role Provisioning Services
(the course's members).

Every call goes through ``lib.fetch`` with redirects refused (a token endpoint or gradebook that
sends us elsewhere is misconfigured or hostile) and error answers returned for us to read. A
token is kept in the cache until shortly before it expires, per platform and scopes; it is never
logged, shown or written to the audit trail.
"""

import hashlib
import json
import re
import secrets
import time
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from joserfc import jwt

from risingtide.lib.fetch.addresses import FetchRefused
from risingtide.lib.fetch.client import JSON_TYPES, fetch
from risingtide.lti import keys
from risingtide.lti.models import Platform

LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MEMBERS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
# A course of 50 pages (Canvas lists ten members a page unless asked) is as far as we go.
MEMBER_PAGES = 50
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# lib.fetch's JSON_TYPES already takes every "+json" type; the exact ones are named as well so
# what each call accepts reads here.
SERVICE_TYPES = (*JSON_TYPES, LINEITEM_TYPE, LINEITEMS_TYPE, SCORE_TYPE, MEMBERS_TYPE)


class ServiceError(Exception):
    """A platform service refused or failed; ``reason`` is safe to show and keep."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:300]


def client_assertion(platform: Platform) -> str:
    """A short-lived JWT, signed with the tool's key, that proves to the token endpoint the
    request is ours (iss and sub: our client id; aud: the token endpoint)."""
    now = int(time.time())
    claims = {
        "iss": platform.client_id,
        "sub": platform.client_id,
        "aud": platform.token_url,
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(24),
    }
    header = {"alg": keys.ALGORITHM, "typ": "JWT", "kid": keys.kid()}
    return jwt.encode(header, claims, keys.tool_key(), algorithms=[keys.ALGORITHM])


def _json(answer) -> dict | list:
    try:
        return json.loads(answer.body)
    except ValueError as exc:
        raise ServiceError("the platform's answer was not JSON") from exc


def access_token(platform: Platform, scopes: list[str]) -> str:
    scope = " ".join(sorted(set(scopes)))
    cache_key = "lti-token:" + hashlib.sha256(f"{platform.pk}|{scope}".encode()).hexdigest()
    kept = cache.get(cache_key)
    if kept:
        return kept
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion(platform),
            "scope": scope,
        }
    ).encode()
    answer = _call(
        platform.token_url,
        "POST",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    found = _json(answer)
    token = found.get("access_token") if isinstance(found, dict) else None
    if answer.status >= 400 or not isinstance(token, str) or not token:
        error = found.get("error") if isinstance(found, dict) else None
        raise ServiceError(f"the platform refused a token ({answer.status} {error or ''})".strip())
    lifetime = found.get("expires_in") if isinstance(found.get("expires_in"), int) else 3600
    cache.set(cache_key, token, max(lifetime - 60, 30))
    return token


def _call(url: str, method: str, body: bytes | None, headers: dict):
    try:
        return fetch(
            url,
            accept=SERVICE_TYPES,
            method=method,
            body=body,
            headers=headers,
            follow_redirects=False,
            refuse_errors=False,
        )
    except FetchRefused as refused:
        raise ServiceError(f"the platform could not be reached: {refused.reason}") from refused


def _with_path(url: str, suffix: str) -> str:
    """``url`` with ``suffix`` added to its path, before any query (AGS section 3.4)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def create_line_item(platform, scopes, lineitems_url, label, resource_link_id, maximum) -> str:
    token = access_token(platform, scopes)
    body = json.dumps(
        {"scoreMaximum": maximum, "label": label[:200], "resourceLinkId": resource_link_id}
    ).encode()
    answer = _call(
        lineitems_url,
        "POST",
        body,
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": LINEITEM_TYPE,
            "Accept": LINEITEM_TYPE,
        },
    )
    found = _json(answer)
    if answer.status >= 400 or not isinstance(found, dict) or not isinstance(found.get("id"), str):
        raise ServiceError(f"the platform would not make a grade column ({answer.status})")
    return found["id"]


def post_score(platform, scopes, lineitem_url: str, score: dict) -> None:
    token = access_token(platform, scopes)
    answer = _call(
        _with_path(lineitem_url, "/scores"),
        "POST",
        json.dumps(score).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE, "Accept": "*/*"},
    )
    if answer.status >= 400:
        raise ServiceError(f"the platform refused the score ({answer.status})")


def members(platform: Platform, url: str) -> list[dict]:
    """The course's members, as NRPS lists them: every page, following the ``Link`` header's
    ``rel="next"`` (NRPS section 2.4.2), on the same host as the first, at most MEMBER_PAGES."""
    token = access_token(platform, [NRPS_SCOPE])
    found_members: list[dict] = []
    origin = urlsplit(url)[:2]
    for _ in range(MEMBER_PAGES):
        answer = _call(
            url, "GET", None, {"Authorization": f"Bearer {token}", "Accept": MEMBERS_TYPE}
        )
        found = _json(answer)
        if answer.status >= 400 or not isinstance(found, dict):
            raise ServiceError(
                f"the platform would not list the course's members ({answer.status})"
            )
        listed = found.get("members")
        if isinstance(listed, list):
            found_members += [m for m in listed if isinstance(m, dict)]
        url = _next_page(answer.headers.get("link", ""))
        if url is None:
            return found_members
        if urlsplit(url)[:2] != origin:  # the token is for the platform, never for elsewhere
            raise ServiceError("the platform named a next page on another site")
    raise ServiceError(f"the course's member list runs past {MEMBER_PAGES} pages")


def _next_page(link: str) -> str | None:
    """The address ``rel="next"`` names in a Link header (RFC 8288), if any."""
    for part in link.split(","):
        target, _, params = part.partition(";")
        rels = re.findall(r'rel\s*=\s*"?([^";]+)"?', params)
        if any("next" in rel.split() for rel in rels) and target.strip().startswith("<"):
            return target.strip()[1:].split(">", 1)[0]
    return None
