"""A TASC badge as an Open Badges 3.0 credential: issued when first downloaded, signed with the
platform's credential key as training's credentials are (VC-JWT, ES256, ``kid`` the key's
public URL), revocable through the school's Bitstring Status List, and checked on training's
public verification page through ``training.events.credential_records``.

The issuer is the school, whose ``Profile`` the platform publishes. The pupil is named as the
school chooses (``SchoolBadgeSettings.name_in_credential``): by default first name and the
initial of the surname, never the full name unless the school chose it; the subject's id is a
random ``urn:uuid`` per credential, so two badges cannot be linked by it.
Decision: docs/decisions/0027-tasc-badges.md.
"""

import base64
import json
import uuid
from datetime import UTC

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.badges.models import Award, SchoolBadgeSettings
from risingtide.badges.services import settings_of
from risingtide.schools.models import School
from risingtide.training import credential_keys
from risingtide.training.credentials import (
    CONTEXT,
    free_status_place,
    public_url,
    sign,
    signed_status_list,
    xsd_datetime,
)
from risingtide.training.events import IssuedRecord

Names = SchoolBadgeSettings.Names


def issuer_url(school_id: int) -> str:
    return public_url("badges:issuer", school_id)


def credential_url(given: Award) -> str:
    return public_url("badges:credential", given.uuid)


def status_list_url(school_id: int, number: int) -> str:
    return public_url("badges:status_list", school_id, number)


def image_url(design: str) -> str:
    return settings.PUBLIC_URL + static(f"badges/designs/{design}.svg")


def issuer_profile(school: School) -> dict:
    """The school as an Open Badges ``Profile`` (published at its id)."""
    return {
        "@context": CONTEXT,
        "id": issuer_url(school.pk),
        "type": ["Profile"],
        "name": school.name,
        "description": f"TASC badges awarded by {school.name}, issued through "
        f"{settings.SITE_NAME}.",
        "url": settings.PUBLIC_URL + "/",
    }


def name_in_credential(pupil, choice: str) -> str | None:
    """The pupil's name as the school chose to show it: None (no name), first name and the
    initial of the surname, or the full name."""
    first, last = pupil.first_name.strip(), pupil.last_name.strip()
    if choice == Names.FULL:
        return f"{first} {last}".strip() or None
    if choice == Names.INITIAL:
        return f"{first} {last[:1]}.".strip() if last else (first or None)
    return None


def credential_claims(given: Award, subject_id: str, naming: str) -> dict:
    """The payload of the award's VC-JWT: the ``OpenBadgeCredential`` in ``vc`` and the
    registered claims it maps to (``iss``, ``jti``, ``sub``, ``nbf``)."""
    badge, school = given.badge_class, given.school
    issuer = {k: v for k, v in issuer_profile(school).items() if k in ("id", "type", "name", "url")}
    list_url = status_list_url(school.pk, given.status_list)
    valid_from = given.issued_at.astimezone(UTC).replace(microsecond=0)
    subject = {"id": subject_id, "type": ["AchievementSubject"]}
    name = name_in_credential(given.pupil, naming)
    if name:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": name,
            }
        ]
    subject["activityEndDate"] = xsd_datetime(given.awarded_at)
    subject["achievement"] = {
        "id": f"{issuer['id']}#badge-{badge.pk}",
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria},
        "image": {"id": image_url(badge.design), "type": "Image", "caption": badge.image_alt},
    }
    document = {
        "@context": CONTEXT,
        "id": credential_url(given),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "description": f"“{badge.name}”, a TASC badge of {school.name}.",
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{given.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(given.status_index),
            "statusListCredential": list_url,
        },
    }
    if given.project_id:
        # The project's title only: never the pupil's work, nor the teacher's name.
        document["evidence"] = [
            {
                "type": ["Evidence"],
                "name": given.project.title,
                "narrative": f"Awarded for the TASC project “{given.project.title}”.",
            }
        ]
    return {
        "iss": issuer["id"],
        "jti": document["id"],
        "sub": subject_id,
        "nbf": int(valid_from.timestamp()),
        "vc": document,
    }


def _status_place(school_id: int) -> tuple[int, int]:
    return free_status_place(Award.objects.filter(school_id=school_id, status_index__isnull=False))


def issue(holder, given: Award) -> Award:
    """The award's credential, signed on first download and the same thereafter. Only the
    pupil (or their carer), only while the award stands, only when the school allows it."""
    if not can(holder, "badge_award.hold", given):
        raise PermissionDenied
    if given.revoked:
        raise ValidationError(
            f"This badge was withdrawn on {given.revoked_at:%-d %B %Y}, so it cannot be downloaded."
        )
    chosen = settings_of(given.school)
    if not chosen.allow_download:
        raise ValidationError("Your school has not turned on badge downloads.")
    if given.token:
        return given
    key = credential_keys.signing_key()
    for _ in range(3):
        number, index = _status_place(given.school_id)
        given.status_list, given.status_index = number, index
        given.issued_at, given.kid = timezone.now(), key.kid
        claims = credential_claims(given, f"urn:uuid:{uuid.uuid4()}", chosen.name_in_credential)
        given.token = sign(claims, key)
        fields = {f: getattr(given, f) for f in ("token", "kid", "issued_at")}
        fields.update(status_list=number, status_index=index)
        try:
            # Only if no one issued it meanwhile: the first signing stands.
            with transaction.atomic():
                done = Award.objects.filter(pk=given.pk, token="").update(**fields)
        except IntegrityError:  # the bit was taken at the same moment: choose again
            continue
        if done:
            record(holder, "badge.credential_issued", given, school=given.school)
            return given
        return Award.objects.select_related("badge_class", "school").get(pk=given.pk)
    raise RuntimeError("could not issue the credential")  # pragma: no cover


def credential_json(given: Award) -> dict:
    """The credential the token holds, for the ``.json`` download (the signed ``.jwt`` is the
    one that verifies; the JSON is for reading)."""
    payload = given.token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["vc"]


def status_list_token(school_id: int, number: int) -> str:
    """The school's status list ``number`` as a signed ``BitstringStatusListCredential``."""
    revoked = Award.objects.filter(
        school_id=school_id,
        status_list=number,
        revoked_at__isnull=False,
        status_index__isnull=False,
    ).values_list("status_index", flat=True)
    return signed_status_list(
        status_list_url(school_id, number), issuer_url(school_id), list(revoked)
    )


def _id_after(url: str, prefix: str) -> str | None:
    if not url.startswith(prefix) or not url.endswith("/"):
        return None
    return url.removeprefix(prefix).removesuffix("/")


def record_for(iss: str, jti: str):
    """Training's verification asks (``credential_records``): a school's credential we issued
    under this id, False when the issuer is a school but the credential is not ours, None
    when the issuer is no school of ours."""
    school_pk = _id_after(iss, issuer_url(0).removesuffix("0/"))
    if not school_pk or not school_pk.isdigit() or len(school_pk) > 12:
        return None
    if issuer_url(int(school_pk)) != iss or not School.objects.filter(pk=int(school_pk)).exists():
        return None
    nil = "00000000-0000-0000-0000-000000000000"
    found = _id_after(jti, public_url("badges:credential", nil).removesuffix(f"{nil}/"))
    try:
        award_uuid = uuid.UUID(found or "")
    except ValueError:
        return False
    given = (
        Award.objects.filter(uuid=award_uuid, school_id=int(school_pk)).exclude(token="").first()
    )
    if given is None or credential_url(given) != jti:
        return False
    return IssuedRecord(
        token=given.token,
        revoked_at=given.revoked_at,
        revoked_by="the school",  # the reason stays with the school's staff
        page=reverse("badges:credential", args=[given.uuid]),
    )
