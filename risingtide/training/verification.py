"""Checking a training credential someone shows us (the public verification page).

Each check says its own reason in words, and has its own test in
tests/test_credentials_security.py that fails without it: size and shape (a paste is read only
up to ``MAX_TOKEN_CHARS``, its JSON only so deep), the algorithm against an allow-list (never
``none``, never an HMAC keyed with our public key), the header's type, the key by ``kid`` among
our own published keys only (an embedded ``jwk`` or a URL elsewhere is never trusted or
fetched), the signature, the credential's type, the issuer, ``nbf`` and ``exp``, ``jti`` and
``sub`` against the credential they map to, our record of issuing it, and revocation.

Credentials another app issues under the platform's key (badges: a school's TASC badges)
pass the same checks; that app answers for its issuers and its records through
``events.credential_records``, since training sits below it and may not import it.
"""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError

from risingtide.lib import jsondata
from risingtide.training import credential_keys, events
from risingtide.training.credentials import issuer_owner, issuer_url, public_url
from risingtide.training.models import BadgeCredential

ALLOWED_ALGORITHMS = frozenset({credential_keys.ALGORITHM})
MAX_TOKEN_CHARS = 16_000  # ours are about 3,000: anything far longer is not ours
LEEWAY_SECONDS = 60  # clocks differ a little between servers


@dataclass(frozen=True)
class Shown:
    """What the credential itself says, and only that: shown on the verification page."""

    name: str
    achievement: str
    issuer: str
    issued: datetime | None


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # why it fails, in words; "" when it verifies
    shown: Shown | None = None  # present once the signature is ours
    badge: BadgeCredential | None = None  # a training credential's record
    revoked: bool = False
    page: str = ""  # the credential's own public page, once we know we issued it


def _refused(reason: str, shown: Shown | None = None, badge=None) -> Verdict:
    page = reverse("training:credential_status", args=[badge.uuid]) if badge else ""
    return Verdict(False, reason, shown, badge, page=page)


def _decode_part(part: str, what: str, max_depth: int):
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None
    try:
        return jsondata.loads(raw, max_depth=max_depth, what=what)
    except jsondata.JsonRefused:
        return None


def shown_in(vc: dict) -> Shown:
    """What a credential document says of its holder, achievement, issuer and date."""
    subject = vc.get("credentialSubject") if isinstance(vc.get("credentialSubject"), dict) else {}
    names = [
        i.get("identityHash")
        for i in subject.get("identifier", [])
        if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
    ]
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = vc.get("issuer") if isinstance(vc.get("issuer"), dict) else {}
    try:
        issued = datetime.fromisoformat(str(vc.get("validFrom", "")).replace("Z", "+00:00"))
    except ValueError:
        issued = None
    return Shown(
        str(names[0]) if names else "",
        str(achievement.get("name", "")),
        str(issuer.get("name", "")),
        issued,
    )


def shown_in_token(token: str) -> Shown:
    """What one of our own stored tokens says (its signature is not checked again)."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return shown_in(claims["vc"])


def _issuer_key_from(iss: str) -> str | None:
    prefix = issuer_url("X").removesuffix("X/")
    if not iss.startswith(prefix) or not iss.endswith("/"):
        return None
    key = iss.removeprefix(prefix).removesuffix("/")
    return key if issuer_url(key) == iss and issuer_owner(key) else None


def _uuid_from(jti: str) -> str | None:
    prefix = public_url("training:credential_status", "00000000-0000-0000-0000-000000000000")
    prefix = prefix.removesuffix("00000000-0000-0000-0000-000000000000/")
    if not jti.startswith(prefix):
        return None
    try:
        found = uuid.UUID(jti.removeprefix(prefix).removesuffix("/"))
    except ValueError:
        return None
    return str(found) if credential_url_for(found) == jti else None


def credential_url_for(uuid_value) -> str:
    return public_url("training:credential_status", uuid_value)


def verify(token: str, *, now: datetime | None = None) -> Verdict:
    """Whether ``token`` is a credential we issued, unchanged and not revoked, with the reason
    in words when it is not."""
    token = "".join(token.split())  # a copy and paste may wrap it
    if not token:
        return _refused("Paste a credential (the text of the .jwt file) or choose its file.")
    if len(token) > MAX_TOKEN_CHARS:
        return _refused(
            f"This is longer than any credential we issue ({MAX_TOKEN_CHARS:,} "
            "characters at most), so it was not read."
        )
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return _refused(
            "This is not a signed credential: a VC-JWT has three parts separated by dots."
        )
    header = _decode_part(parts[0], "The header", 4)
    if not isinstance(header, dict):
        return _refused("The credential's header cannot be read.")
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        return _refused(
            f"It claims to be signed with “{str(alg)[:40]}”, which is not an algorithm we "
            f"sign with (we accept {', '.join(sorted(ALLOWED_ALGORITHMS))} only)."
        )
    if header.get("typ", "JWT") != "JWT" or "crit" in header:
        return _refused(
            "The credential's header is not one we issue (its type or critical extensions)."
        )
    key = credential_keys.by_kid(header.get("kid"))
    if key is None:
        return _refused(
            "It was not signed with one of our published keys (its kid names no key of ours)."
        )
    try:
        checked = jws.deserialize_compact(token, key.key, algorithms=[credential_keys.ALGORITHM])
    except (JoseError, ValueError):  # a signature that is not even base64url is no match either
        return _refused(
            "The signature does not match: the credential was changed after it "
            "was signed, or was not signed by us."
        )
    try:
        claims = jsondata.loads(checked.payload, what="The credential")
    except jsondata.JsonRefused:
        claims = None
    vc = claims.get("vc") if isinstance(claims, dict) else None
    if not isinstance(vc, dict) or "OpenBadgeCredential" not in (vc.get("type") or []):
        return _refused("This is signed by us but is not an Open Badges credential.")
    shown = shown_in(vc)
    return _check_claims(token, claims, vc, shown, now or timezone.now())


def _other_record(iss, jti):
    """What another app (badges) keeps of a credential its issuer issued: an ``IssuedRecord``,
    False (the issuer is that app's, the credential is not), or None (no app's issuer)."""
    if not isinstance(iss, str) or not isinstance(jti, str):
        return None
    answers = [a for a in events.credential_records.send(iss=iss, jti=jti) if a is not None]
    return next((a for a in answers if a), answers[0] if answers else None)


def _check_claims(token: str, claims: dict, vc: dict, shown: Shown, now: datetime) -> Verdict:
    iss = claims.get("iss")
    issuer = vc.get("issuer") if isinstance(vc.get("issuer"), dict) else {}
    issuer_key = _issuer_key_from(iss) if isinstance(iss, str) else None
    other = _other_record(iss, claims.get("jti")) if issuer_key is None else None
    if (issuer_key is None and other is None) or issuer.get("id") != iss:
        return _refused(
            "The issuer is not one of ours (or differs from the credential's issuer).", shown
        )
    moment = now.timestamp()
    nbf, exp = claims.get("nbf"), claims.get("exp")
    if not isinstance(nbf, int) or nbf > moment + LEEWAY_SECONDS:
        return _refused(
            "The credential is not valid yet (its nbf is in the future or missing).", shown
        )
    if exp is not None and (not isinstance(exp, int) or exp <= moment - LEEWAY_SECONDS):
        return _refused("The credential has expired.", shown)
    subject = vc.get("credentialSubject") if isinstance(vc.get("credentialSubject"), dict) else {}
    if claims.get("jti") != vc.get("id") or claims.get("sub") != subject.get("id"):
        return _refused("The credential's claims do not match what it holds (jti or sub).", shown)
    if issuer_key is None:
        return _check_record(token, other, shown)
    found = _uuid_from(claims["jti"]) if isinstance(claims.get("jti"), str) else None
    badge = BadgeCredential.objects.filter(uuid=found).first() if found else None
    if badge is None:
        return _refused("We have no record of issuing this credential.", shown)
    if badge.issuer_key != issuer_key:
        return _refused("The issuer is not the one we issued this credential for.", shown, badge)
    # What we issued under this id is kept as signed: a copy that differs, even one signed with
    # our key (say, a key that leaked), is not it.
    if badge.token != token:
        return _refused("This differs from the credential we issued under this id.", shown)
    if badge.revoked:
        return Verdict(
            False,
            f"This credential was revoked on {badge.revoked_at:%-d %B %Y}: "
            f"{badge.revocation_reason}",
            shown,
            badge,
            revoked=True,
            page=reverse("training:credential_status", args=[badge.uuid]),
        )
    return Verdict(
        True, "", shown, badge, page=reverse("training:credential_status", args=[badge.uuid])
    )


def _check_record(token: str, record, shown: Shown) -> Verdict:
    """The last checks for another app's credential: we issued it, as signed, unrevoked (and
    if revoked, by whom and when, never why)."""
    if not record:
        return _refused("We have no record of issuing this credential.", shown)
    if record.token != token:
        return _refused("This differs from the credential we issued under this id.", shown)
    if record.revoked_at is not None:
        # Who and when only, never why: this page is public (a badge's reason can name
        # another child); the issuer's staff see the reason on their own pages.
        return Verdict(
            False,
            f"Withdrawn by {record.revoked_by} on {record.revoked_at:%-d %B %Y}.",
            shown,
            revoked=True,
            page=record.page,
        )
    return Verdict(True, "", shown, page=record.page)
