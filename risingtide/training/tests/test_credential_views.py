"""The credential pages through the test client: the learner's downloads (certificate PDF,
badge), the public checking page, a credential's status page, what verifiers fetch (issuer
profile, keys, status list) without signing in, and the owner's list with revocation."""

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from risingtide.training import credential_keys, credentials, verification
from risingtide.training.models import BadgeCredential
from risingtide.training.tests.world import add_training, complete


@pytest.fixture
def done(world):
    return complete(world, "own", "leading_teacher@own")


def _url(name, *args):
    return reverse(f"training:{name}", args=args)


class _Https(Client):
    def generic(self, *args, secure=True, **kwargs):
        return super().generic(*args, secure=True, **kwargs)


def anonymous() -> Client:
    """Someone with no account, over HTTPS as production runs."""
    return _Https()


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# --- the learner -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_programme_page_offers_the_downloads_once_complete(world, client_for, done):
    page = client_for(done.learner).get(_url("programme", done.programme_id)).content.decode()
    assert "Download certificate (PDF)" in page and "Download badge" in page
    other = client_for(world.users["leading_teacher@peer"])
    page = other.get(_url("programme", done.programme_id)).content.decode()
    assert "Download certificate" not in page


@pytest.mark.django_db
def test_the_badge_downloads_and_is_the_same_each_time(client_for, done):
    client = client_for(done.learner)
    first = client.get(_url("credential_badge", done.programme_id))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/vc+jwt"
    assert first["Content-Disposition"] == 'attachment; filename="badge-own-la-essentials.jwt"'
    again = client.get(_url("credential_badge", done.programme_id))
    assert again.content == first.content
    assert BadgeCredential.objects.count() == 1
    assert verification.verify(first.content.decode()).valid


@pytest.mark.django_db
def test_the_certificate_is_a_pdf_with_what_the_credential_says(client_for, done):
    response = client_for(done.learner).get(_url("credential_certificate", done.programme_id))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    badge = BadgeCredential.objects.get()
    for words in (
        "Certificate of completion",
        "Lead Own",
        "Own LA essentials",
        "OWN LA",
        "Identifying G&T learners (version 1)",
        str(badge.uuid),
    ):
        assert words in text, words
    assert credentials.credential_url(badge) in text.replace(" ", "")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


@pytest.mark.django_db
def test_no_download_before_completing(world, client_for):
    add_training(world)
    client = client_for(world.users["leading_teacher@own"])
    programme = world.programmes["own"]
    response = client.get(_url("credential_badge", programme.pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("programme", programme.pk)
    assert "You have not completed this programme yet" in response.content.decode()
    assert not BadgeCredential.objects.exists()


@pytest.mark.django_db
def test_after_revocation_the_learner_is_told_and_nothing_is_issued_again(world, client_for, done):
    badge = credentials.issue(done.learner, done)
    credentials.revoke(world.users["la_lead@own"], badge, "Issued in error.")
    response = client_for(done.learner).get(
        _url("credential_certificate", done.programme_id), follow=True
    )
    assert "was withdrawn on" in response.content.decode()
    assert BadgeCredential.objects.count() == 1
    page = client_for(done.learner).get(_url("programme", done.programme_id)).content.decode()
    assert "were withdrawn on" in page and "Issued in error." in page
    assert "Download certificate" not in page


# --- public: checking --------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_can_check_a_credential_by_pasting_it(done):
    token = credentials.issue(done.learner, done).token
    client = anonymous()
    assert client.get(_url("credential_verify")).status_code == 200
    page = client.post(_url("credential_verify"), {"credential": token}).content.decode()
    assert "Valid: this credential stands" in page
    assert "Lead Own" in page and "Own LA essentials" in page


@pytest.mark.django_db
def test_a_tampered_copy_fails_with_the_reason_and_shows_nothing_it_claims(done):
    token = credentials.issue(done.learner, done).token
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload[:-4]}AAAA.{signature}"
    page = anonymous().post(_url("credential_verify"), {"credential": tampered}).content.decode()
    assert "Not valid" in page and "The signature does not match" in page
    assert "Lead Own" not in page


@pytest.mark.django_db
def test_a_credential_can_be_checked_from_its_file(done):
    token = credentials.issue(done.learner, done).token
    upload = SimpleUploadedFile("badge.jwt", token.encode(), "application/octet-stream")
    page = anonymous().post(_url("credential_verify"), {"file": upload}).content.decode()
    assert "Valid: this credential stands" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "Paste a credential"),
        ({"credential": "x" * 20_000}, "longer than any credential"),
        (
            {"file": SimpleUploadedFile("big.jwt", b"x" * 20_000)},
            "larger than any credential",
        ),
        ({"file": SimpleUploadedFile("badge.jwt", b"\xff\xfe\x00")}, "not text"),
    ],
)
def test_the_checking_page_refuses_what_it_will_not_read(data, words):
    response = anonymous().post(_url("credential_verify"), data)
    assert response.status_code == 400
    assert words in response.content.decode()


@pytest.mark.django_db
def test_the_checking_page_answers_in_a_fixed_number_of_queries(
    done, django_assert_max_num_queries
):
    token = credentials.issue(done.learner, done).token
    client = anonymous()
    with django_assert_max_num_queries(3):
        client.post(_url("credential_verify"), {"credential": token})


@pytest.mark.django_db
def test_a_credentials_own_page_shows_its_status(world, done):
    badge = credentials.issue(done.learner, done)
    page = anonymous().get(_url("credential_status", badge.uuid)).content.decode()
    assert "This credential stands" in page and "Lead Own" in page
    credentials.revoke(world.users["la_lead@own"], badge, "Issued to the wrong teacher.")
    page = anonymous().get(_url("credential_status", badge.uuid)).content.decode()
    assert "Revoked on" in page and "Issued to the wrong teacher." in page
    made_up = "0f0e0d0c-0b0a-4908-8706-050403020100"
    assert anonymous().get(_url("credential_status", made_up)).status_code == 404


# --- public: what verifiers fetch --------------------------------------------------------------


@pytest.mark.django_db
def test_the_keys_are_published_without_their_private_half(done):
    credentials.issue(done.learner, done)
    key = credential_keys.signing_key()
    published = anonymous().get(_url("credential_jwks")).json()
    assert published == {"keys": [key.public_jwk()]}
    assert "d" not in published["keys"][0]
    one = anonymous().get(_url("credential_key", key.thumbprint))
    assert one.json()["kid"] == key.kid == credential_keys.key_url(key.thumbprint)
    assert anonymous().get(_url("credential_key", "..")).status_code == 404


@pytest.mark.django_db
def test_the_issuer_profile_is_published(world):
    key = f"la-{world.las['own'].pk}"
    profile = anonymous().get(_url("credential_issuer", key)).json()
    assert profile["type"] == ["Profile"] and profile["name"] == world.las["own"].name
    assert profile["id"] == credentials.issuer_url(key)
    for nothing in ("la-999999", "school-1", "nation-x"):
        assert anonymous().get(_url("credential_issuer", nothing)).status_code == 404


@pytest.mark.django_db
def test_the_status_list_sets_the_bit_of_a_revoked_credential(world, done):
    badge = credentials.issue(done.learner, done)
    entry = payload(badge.token)["vc"]["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    url = entry["statusListCredential"].removeprefix("http://localhost:8000")

    def bit() -> bool:
        token = anonymous().get(url).content.decode()
        subject = payload(token)["vc"]["credentialSubject"]
        return credentials.bit_of(subject["encodedList"], int(entry["statusListIndex"]))

    assert bit() is False
    credentials.revoke(world.users["la_lead@own"], badge, "Issued in error.")
    assert bit() is True


# --- the owner ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_la_lead_revokes_a_credential_of_their_programme(world, client_for, done):
    badge = credentials.issue(done.learner, done)
    lead = client_for(world.users["la_lead@own"])
    page = lead.get(_url("credentials", done.programme_id)).content.decode()
    assert "Lead Own" in page and "Revoke" in page
    response = lead.post(_url("credential_revoke", badge.pk), {"reason": " "}, follow=True)
    assert "Say why the credential is revoked." in response.content.decode()
    response = lead.post(
        _url("credential_revoke", badge.pk), {"reason": "Issued to the wrong teacher."}, follow=True
    )
    assert "Revoked the credential of" in response.content.decode()
    badge.refresh_from_db()
    assert badge.revoked and badge.revoked_by == world.users["la_lead@own"]
    assert badge.revocation_reason == "Issued to the wrong teacher."


@pytest.mark.django_db
def test_the_list_of_issued_credentials_takes_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    lead = client_for(world.users["la_lead@own"])
    for learner in ("leading_teacher@own", "leading_teacher@peer", "teacher+lead@own"):
        completion = complete(world, "own", learner)
        credentials.issue(completion.learner, completion)
    programme = world.programmes["own"]
    lead.get(_url("credentials", programme.pk))  # the person's bar, cached
    with django_assert_max_num_queries(8):
        page = lead.get(_url("credentials", programme.pk)).content.decode()
    assert page.count("Revoke<span") == 3


@pytest.mark.django_db
def test_an_outside_verifier_checks_a_badge_from_what_we_publish(done):
    """A generic JOSE verifier, holding only the badge and what it fetches from us, finds the
    key by kid in our JWKS, checks the signature and the registered claims, and reads the
    revocation bit in the issuer's status list: nothing needs our database or our code."""
    from joserfc import jwt
    from joserfc.jwk import KeySet

    token = credentials.issue(done.learner, done).token
    keys = KeySet.import_key_set(anonymous().get(_url("credential_jwks")).json())
    checked = jwt.decode(token, keys, algorithms=["ES256"])
    vc = checked.claims["vc"]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": vc["issuer"]["id"]},
        jti={"essential": True, "value": vc["id"]},
        sub={"essential": True, "value": vc["credentialSubject"]["id"]},
        nbf={"essential": True},
    ).validate(checked.claims)
    assert checked.header["typ"] == "JWT" and checked.header["alg"] == "ES256"
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["credentialSubject"]["achievement"]["name"] == "Own LA essentials"
    issuer = anonymous().get(vc["issuer"]["id"].removeprefix("http://localhost:8000")).json()
    assert issuer["id"] == checked.claims["iss"] and issuer["name"] == "Own LA"
    status = vc["credentialStatus"]
    listed = anonymous().get(status["statusListCredential"].removeprefix("http://localhost:8000"))
    status_list = jwt.decode(listed.content.decode(), keys, algorithms=["ES256"]).claims["vc"]
    assert status_list["issuer"] == vc["issuer"]["id"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert credentials.bit_of(encoded, int(status["statusListIndex"])) is False
