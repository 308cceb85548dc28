"""A badge as an Open Badges 3.0 credential: its shape, that it verifies on training's page
(and fails there tampered, withdrawn or unknown), the school's name choices, and the school's
switch for downloads."""

import base64
import json

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from joserfc import jws

from risingtide.badges import credentials, services
from risingtide.badges.models import SchoolBadgeSettings
from risingtide.badges.tests.world import add_badges, allow_downloads
from risingtide.training import credential_keys, verification
from risingtide.training.credentials import bit_of

Names = SchoolBadgeSettings.Names


def unb64(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def issued_for(world, key="own", names=Names.INITIAL):
    add_badges(world)
    award = world.awards[key]
    allow_downloads(award.school, names)
    return credentials.issue(world.users[f"pupil@{key}"], award)


@pytest.mark.django_db
def test_the_credential_is_an_open_badge_signed_with_the_platform_key(world):
    award = issued_for(world)
    header = unb64(award.token.split(".")[0])
    claims = unb64(award.token.split(".")[1])
    key = credential_keys.signing_key()
    assert header == {"alg": "ES256", "typ": "JWT", "kid": key.kid}
    # The signature is the platform key's, as training's credentials are.
    jws.deserialize_compact(award.token, key.key, algorithms=["ES256"])
    vc = claims["vc"]
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    school = world.schools["own"]
    assert vc["issuer"] == {
        "id": credentials.issuer_url(school.pk),
        "type": ["Profile"],
        "name": school.name,
        "url": settings.PUBLIC_URL + "/",
    }
    assert vc["issuer"]["id"].endswith(f"/badges/issuers/{school.pk}/")
    assert vc["validFrom"].endswith("Z")
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Badge"
    assert achievement["name"] == "Completed a TASC project"
    assert achievement["criteria"]["narrative"].startswith("The pupil worked through")
    assert achievement["image"]["type"] == "Image"
    assert achievement["image"]["id"].endswith("badges/designs/project.svg")
    assert achievement["image"]["caption"] == "A gold medal with a star on a blue ribbon"
    assert vc["credentialSubject"]["type"] == ["AchievementSubject"]
    assert vc["credentialSubject"]["id"].startswith("urn:uuid:")
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert vc["credentialStatus"]["statusListIndex"] == str(award.status_index)
    assert (
        vc["evidence"][0]["narrative"] == f"Awarded for the TASC project “{award.project.title}”."
    )
    assert claims["iss"] == vc["issuer"]["id"]
    assert claims["jti"] == vc["id"] == credentials.credential_url(award)
    assert claims["sub"] == vc["credentialSubject"]["id"]
    assert isinstance(claims["nbf"], int)


@pytest.mark.django_db
def test_a_second_download_is_the_same_credential(world):
    first = issued_for(world)
    again = credentials.issue(world.users["pupil@own"], first)
    assert again.token == first.token


@pytest.mark.django_db
def test_the_badge_verifies_on_the_training_verification_page(world):
    award = issued_for(world)
    verdict = verification.verify(award.token)
    assert verdict.valid, verdict.reason
    assert verdict.shown.achievement == "Completed a TASC project"
    assert verdict.shown.issuer == world.schools["own"].name
    assert verdict.shown.name == "Ada O."
    assert verdict.page == f"/badges/credentials/{award.uuid}/"


@pytest.mark.django_db
def test_a_tampered_badge_fails(world):
    award = issued_for(world)
    head, payload, signature = award.token.split(".")
    claims = unb64(payload)
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Best in the world"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    verdict = verification.verify(f"{head}.{forged}.{signature}")
    assert not verdict.valid and "signature does not match" in verdict.reason


@pytest.mark.django_db
def test_a_badge_signed_with_our_key_but_never_issued_fails(world):
    # Even someone holding our key cannot make a school's badge we have no record of.
    award = issued_for(world)
    claims = unb64(award.token.split(".")[1])
    claims["vc"]["name"] = "Changed"
    key = credential_keys.signing_key()
    header = {"alg": "ES256", "typ": "JWT", "kid": key.kid}
    copy = jws.serialize_compact(header, json.dumps(claims).encode(), key.key, algorithms=["ES256"])
    verdict = verification.verify(copy)
    assert not verdict.valid and "differs from the credential we issued" in verdict.reason
    claims["jti"] = claims["vc"]["id"] = claims["vc"]["id"].replace(
        str(award.uuid), "00000000-0000-4000-8000-000000000000"
    )
    unknown = jws.serialize_compact(
        header, json.dumps(claims).encode(), key.key, algorithms=["ES256"]
    )
    verdict = verification.verify(unknown)
    assert not verdict.valid and "no record of issuing" in verdict.reason


@pytest.mark.django_db
def test_a_badge_naming_another_school_as_issuer_fails(world):
    # The credential's id is ours, but under another school: the record must be that school's.
    award = issued_for(world)
    claims = unb64(award.token.split(".")[1])
    other = credentials.issuer_url(world.schools["other"].pk)
    claims["iss"] = claims["vc"]["issuer"]["id"] = other
    key = credential_keys.signing_key()
    header = {"alg": "ES256", "typ": "JWT", "kid": key.kid}
    copy = jws.serialize_compact(header, json.dumps(claims).encode(), key.key, algorithms=["ES256"])
    verdict = verification.verify(copy)
    assert not verdict.valid and "no record of issuing" in verdict.reason


@pytest.mark.django_db
def test_a_withdrawn_badge_fails_and_its_bit_is_set(world):
    award = issued_for(world)
    services.revoke(world.users["teacher@own"], award, "Awarded to the wrong pupil.")
    verdict = verification.verify(award.token)
    assert not verdict.valid and verdict.revoked
    assert verdict.reason.startswith("Withdrawn by the school on ")
    assert "wrong pupil" not in verdict.reason
    status = unb64(credentials.status_list_token(award.school_id, 1).split(".")[1])
    encoded = status["vc"]["credentialSubject"]["encodedList"]
    assert bit_of(encoded, award.status_index)


@pytest.mark.django_db
def test_a_withdrawn_badges_reason_is_for_staff_never_the_public_pages(world, client_for):
    # A reason can name another child: the public pages say who withdrew it and when, only.
    award = issued_for(world)
    reason = "Copied Sam Jones's work."
    services.revoke(world.users["teacher@own"], award, reason)
    anyone = client_for(world.users["nobody@nowhere"])
    page = anyone.get(reverse("badges:credential", args=[award.uuid])).content.decode()
    checked = anyone.post(
        reverse("training:credential_verify"), {"credential": award.token}
    ).content.decode()
    for public in (page, checked):
        assert "Withdrawn by the school on " in public
        assert "Sam Jones" not in public and "Copied" not in public
    # Nor the pupil, nor their carer: the badge leaves their badges, reason and all.
    for key in ("pupil@own", "carer@own"):
        html = client_for(world.users[key]).get(reverse("badges:mine")).content.decode()
        assert "Sam Jones" not in html and "Completed a TASC project" not in html
    api = client_for(world.users["pupil@own"]).get("/api/v1/badges/mine")
    assert api.status_code == 200 and "Sam Jones" not in api.content.decode()
    # The school's staff see it, told that only they do.
    staff = client_for(world.users["teacher@own"])
    html = staff.get(reverse("badges:pupil", args=[award.pupil_id])).content.decode()
    assert "Copied Sam Jones" in html and "seen by the school’s staff only" in html


@pytest.mark.django_db
def test_the_withdraw_form_says_the_reason_is_not_shown_publicly_nor_to_the_pupil(
    world, client_for
):
    add_badges(world)
    award = world.awards["own"]
    html = (
        client_for(world.users["teacher@own"])
        .get(reverse("badges:pupil", args=[award.pupil_id]))
        .content.decode()
    )
    assert f'aria-describedby="reason-{award.pk}-hint"' in html
    assert "Only the school’s staff see the reason." in html
    assert "Neither the pupil nor anyone checking the badge is shown why." in html


@pytest.mark.django_db
def test_by_default_the_credential_holds_first_name_and_initial_never_the_full_name(world):
    award = issued_for(world)
    payload = base64.urlsafe_b64decode(award.token.split(".")[1] + "==").decode()
    assert "Ada O." in payload
    assert "Ada Own" not in payload and '"Own"' not in payload
    assert world.users["pupil@own"].username not in payload


@pytest.mark.django_db
def test_a_school_may_leave_the_name_out_or_choose_the_full_name(world):
    award = issued_for(world, names=Names.PSEUDONYMOUS)
    vc = unb64(award.token.split(".")[1])["vc"]
    assert "identifier" not in vc["credentialSubject"]
    header, payload, _ = award.token.split(".")  # the signature's random bytes can spell "Ada"
    assert "Ada" not in json.dumps([unb64(header), unb64(payload)])
    assert verification.verify(award.token).shown.name == ""
    full = issued_for(world, "own2", names=Names.FULL)
    assert verification.verify(full.token).shown.name == "Pupil Eight"


@pytest.mark.django_db
def test_no_download_unless_the_school_allows_it(world):
    add_badges(world)
    with pytest.raises(ValidationError, match="not turned on badge downloads"):
        credentials.issue(world.users["pupil@own"], world.awards["own"])
    world.awards["own"].refresh_from_db()
    assert world.awards["own"].token == ""


@pytest.mark.django_db
def test_only_the_pupil_or_their_carer_downloads(world):
    add_badges(world)
    allow_downloads(world.schools["own"])
    with pytest.raises(PermissionDenied):
        credentials.issue(world.users["teacher@own"], world.awards["own"])
    with pytest.raises(PermissionDenied):
        credentials.issue(world.users["pupil2@own"], world.awards["own"])
    assert credentials.issue(world.users["carer@own"], world.awards["own"]).token


@pytest.mark.django_db
def test_a_withdrawn_badge_is_not_downloaded(world):
    add_badges(world)
    allow_downloads(world.schools["own"])
    services.revoke(world.users["teacher@own"], world.awards["own"], "Mistake.")
    world.awards["own"].refresh_from_db()
    with pytest.raises(ValidationError, match="withdrawn"):
        credentials.issue(world.users["pupil@own"], world.awards["own"])


@pytest.mark.django_db
def test_the_record_hook_answers_only_for_schools(world):
    assert credentials.record_for("https://elsewhere.example/issuers/1/", "x") is None
    iss = credentials.issuer_url(world.schools["own"].pk)
    assert credentials.record_for(iss, "https://elsewhere.example/x/") is False
    assert credentials.record_for(credentials.issuer_url(99_999_999), "x") is None
