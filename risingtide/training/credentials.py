"""Open Badges 3.0 credentials for a completed programme: issued, signed, verified, revoked.

A credential is a W3C Verifiable Credential of type ``OpenBadgeCredential`` secured as a
VC-JWT (Open Badges 3.0, section 8.2): the JOSE header names ``alg`` (ES256), ``typ`` ("JWT")
and ``kid`` (the URL our public key is published at); the payload carries the credential in
``vc`` with the registered claims it maps to: ``iss`` (the issuer profile's id), ``jti`` (the
credential's id), ``sub`` (the subject's id) and ``nbf`` (``validFrom``). The issuer is the
programme's owner (the nation, or the LA), whose profile the platform publishes; the platform
signs on its behalf with its own key (``credential_keys``).

Revocation is a W3C Bitstring Status List per issuer (``credentialStatus`` of type
``BitstringStatusListEntry``, purpose ``revocation``), published as a signed credential of its
own at a stable URL. Decision: docs/decisions/0019-training-credentials.md.

Checking a credential someone shows us is ``verification``'s.
"""

import base64
import gzip
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from joserfc import jws

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.people.models import User
from risingtide.schools.models import LocalAuthority, Nation
from risingtide.training import completion as completion_rules
from risingtide.training import credential_keys
from risingtide.training.models import BadgeCredential, Completion, Module, Programme
from risingtide.training.models.credentials import STATUS_LIST_SIZE

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
REASON_MAX_CHARS = 1_000


# --- where things are published ---------------------------------------------------------------


def public_url(name: str, *args) -> str:
    return settings.PUBLIC_URL + reverse(name, args=args)


def issuer_key_of(programme: Programme) -> str:
    if programme.local_authority_id:
        return f"la-{programme.local_authority_id}"
    return f"nation-{programme.nation_id}"


def issuer_url(issuer_key: str) -> str:
    return public_url("training:credential_issuer", issuer_key)


def credential_url(badge: BadgeCredential) -> str:
    return public_url("training:credential_status", badge.uuid)


def status_list_url(issuer_key: str, number: int) -> str:
    return public_url("training:credential_status_list", issuer_key, number)


def issuer_owner(issuer_key: str) -> Nation | LocalAuthority | None:
    """The nation or LA an issuer key names, or None for a key that names nothing of ours."""
    kind, _, pk = issuer_key.partition("-")
    model = {"nation": Nation, "la": LocalAuthority}.get(kind)
    if model is None or not (pk.isascii() and pk.isdigit()) or len(pk) > 12:
        return None
    return model.objects.filter(pk=int(pk)).first()


def issuer_profile(issuer_key: str) -> dict | None:
    """The Open Badges ``Profile`` of an issuer (published at its id), or None."""
    owner = issuer_owner(issuer_key)
    if owner is None:
        return None
    return {
        "@context": CONTEXT,
        "id": issuer_url(issuer_key),
        "type": ["Profile"],
        "name": owner.name,
        "description": f"Leading-teacher training of {owner.name}, issued through "
        f"{settings.SITE_NAME}.",
        "url": settings.PUBLIC_URL + "/",
    }


# --- what the completion rests on ------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    name: str
    narrative: str


# Each rule's evidence, said as done (a rule of another part falls back to its label).
DONE_WORDS = {
    "all_core_passed": "Passed every core module",
    "improvement_plan": "Wrote a G&T improvement plan for their school",
    "both_half_days_attended": "Attended both half-days of face-to-face training",
}


def evidence_summary(completion: Completion) -> list[EvidenceItem]:
    """The evidence recorded with the completion, in words for the certificate and the
    credential: which module versions were passed, that the plan was written (never the
    plan itself, nor the school's data)."""
    found = []
    for rule, evidence in completion.evidence.items():
        name = DONE_WORDS.get(rule) or getattr(completion_rules.RULES.get(rule), "label", rule)
        narrative = name + "."
        if rule == "all_core_passed" and isinstance(evidence, dict):
            passed = evidence.get("modules") or {}
            titles = dict(
                Module.objects.filter(
                    pk__in=[int(k) for k in passed if str(k).isdecimal()]
                ).values_list("pk", "title")
            )
            narrative = (
                "; ".join(
                    f"{titles.get(int(pk), 'a module')} (version {v.get('version')})"
                    for pk, v in passed.items()
                    if str(pk).isdecimal() and isinstance(v, dict)
                )
                + "."
            )
        elif rule == "improvement_plan":
            narrative = (
                "From a submitted self-evaluation, for a school they lead as leading teacher."
            )
        found.append(EvidenceItem(name, narrative))
    return found


# --- issuing ---------------------------------------------------------------------------------


def sign(claims: dict, key: credential_keys.SigningKey | None = None) -> str:
    """``claims`` as a compact JWS signed with the platform's current key."""
    key = key or credential_keys.signing_key()
    header = {"alg": credential_keys.ALGORITHM, "typ": "JWT", "kid": key.kid}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, key.key, algorithms=[credential_keys.ALGORITHM])


def _numeric_date(moment: datetime) -> int:
    return int(moment.timestamp())


def xsd_datetime(moment: datetime) -> str:
    """A moment as VCs write it: UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_claims(badge: BadgeCredential, completion: Completion, subject_id: str) -> dict:
    """The payload of a badge's VC-JWT: the credential in ``vc`` and the claims it maps to."""
    programme = completion.programme
    learner = completion.learner
    issuer = issuer_profile(badge.issuer_key)
    issuer = {k: issuer[k] for k in ("id", "type", "name", "url")}
    list_url = status_list_url(badge.issuer_key, badge.status_list)
    valid_from = badge.issued_at.astimezone(UTC).replace(microsecond=0)
    summary = evidence_summary(completion)
    document = {
        "@context": CONTEXT,
        "id": credential_url(badge),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": programme.title,
        "description": f"Completed the programme “{programme.title}” of {issuer['name']}.",
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": learner.get_full_name() or learner.username,
                }
            ],
            "activityEndDate": xsd_datetime(completion.completed_at),
            "achievement": {
                "id": f"{issuer['id']}#programme-{programme.pk}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.title,
                "description": programme.summary or f"Leading-teacher training: {programme}.",
                "criteria": {"narrative": " ".join(f"{item.name}." for item in summary)},
            },
        },
        "evidence": [
            {"type": ["Evidence"], "name": item.name, "narrative": item.narrative}
            for item in summary
        ],
        "credentialStatus": {
            "id": f"{list_url}#{badge.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(badge.status_index),
            "statusListCredential": list_url,
        },
    }
    return {
        "iss": issuer["id"],
        "jti": document["id"],
        "sub": subject_id,
        "nbf": _numeric_date(valid_from),
        "vc": document,
    }


def free_status_place(taken) -> tuple[int, int]:
    """A free bit, chosen at random, in the newest list of an issuer's credentials (``taken``:
    those holding a place; a new list once it is three quarters full, so a free bit is quick
    to find): random, so that neighbouring bits say nothing about who was issued when. Shared
    with the school badges' lists (``badges.credentials``)."""
    number = taken.aggregate(n=Max("status_list"))["n"] or 1
    if taken.filter(status_list=number).count() >= STATUS_LIST_SIZE * 3 // 4:
        number += 1
    for _ in range(64):
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if not taken.filter(status_list=number, status_index=index).exists():
            return number, index
    raise RuntimeError("no free place in the status list")  # pragma: no cover


def _status_place(issuer_key: str) -> tuple[int, int]:
    return free_status_place(BadgeCredential.objects.filter(issuer_key=issuer_key))


class Withdrawn(ValidationError):
    """The learner's credential for this completion was revoked: none is issued again."""


def issue(learner: User, completion: Completion) -> BadgeCredential:
    """The learner's credential for their completion: the one already issued, or a new one,
    signed now. Once revoked (issued in error) none is issued again from here."""
    if completion.learner_id != learner.pk:
        raise PermissionDenied
    issued = list(completion.badge_credentials.all())
    if current := next((b for b in issued if not b.revoked), None):
        return current
    if issued:
        last = issued[0]
        raise Withdrawn(
            f"Your badge for this programme was withdrawn on {last.revoked_at:%-d %B %Y}: "
            f"{last.revocation_reason} Ask the programme's organisers if this is wrong."
        )
    issuer_key = issuer_key_of(completion.programme)
    key = credential_keys.signing_key()
    for _ in range(3):
        number, index = _status_place(issuer_key)
        badge = BadgeCredential(
            completion=completion,
            learner=learner,
            kid=key.kid,
            status_list=number,
            status_index=index,
            issuer_key=issuer_key,
            issued_at=timezone.now(),
        )
        badge.token = sign(credential_claims(badge, completion, f"urn:uuid:{uuid.uuid4()}"), key)
        try:
            with transaction.atomic():
                badge.save()
                record(learner, "badge_credential.issued", badge, programme=completion.programme_id)
            return badge
        except IntegrityError:
            # Issued at the same moment elsewhere (that one stands), or the bit was taken.
            if current := completion.badge_credentials.filter(revoked_at__isnull=True).first():
                return current
    raise RuntimeError("could not issue the credential")  # pragma: no cover


# --- revoking --------------------------------------------------------------------------------


def revoke(actor: User, badge: BadgeCredential, reason: str) -> BadgeCredential:
    """Revoke a credential issued in error, saying why: its bit in the status list is set and
    the verification page says so from now on. Only the programme's owner may."""
    if not can(actor, "badge_credential.revoke", badge):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why the credential is revoked."})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX_CHARS} characters."})
    with transaction.atomic():
        locked = BadgeCredential.objects.select_for_update().get(pk=badge.pk)
        if locked.revoked:
            raise ValidationError("This credential was already revoked.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        record(actor, "badge_credential.revoked", locked, reason=reason)
    return locked


# --- the status list -------------------------------------------------------------------------


def encoded_list(revoked: list[int]) -> str:
    """The Bitstring Status List's ``encodedList``: multibase base64url (``u``) of the GZIP of
    the bits, the first index the left-most bit of the first byte."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def bit_of(encoded: str, index: int) -> bool:
    """Read one bit back from an ``encodedList`` (for tests and verifiers)."""
    raw = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def signed_status_list(url: str, issuer: str, revoked: list[int]) -> str:
    """A signed ``BitstringStatusListCredential`` published at ``url`` by ``issuer``, with
    the bits of ``revoked`` set. Shared with the school badges' lists (``badges.credentials``)."""
    now = timezone.now().replace(microsecond=0)
    document = {
        "@context": [CONTEXT[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked),
        },
    }
    return sign({"iss": issuer, "jti": url, "nbf": _numeric_date(now), "vc": document})


def status_list_token(issuer_key: str, number: int) -> str:
    """The issuer's status list ``number`` as a signed ``BitstringStatusListCredential``."""
    revoked = BadgeCredential.objects.filter(
        issuer_key=issuer_key, status_list=number, revoked_at__isnull=False
    ).values_list("status_index", flat=True)
    return signed_status_list(
        status_list_url(issuer_key, number), issuer_url(issuer_key), list(revoked)
    )
