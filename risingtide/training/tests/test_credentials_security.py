"""Each protocol check of ``credentials.verify`` has a test here that fails when that check is
removed: the size limit, the shape, the algorithm allow-list (``none``, HS256 with our public
key as the secret), the header's type, the key by ``kid`` among our own only, the signature
(payload or signature changed, a key of someone else's, an embedded ``jwk``), the credential
type, the issuer, ``nbf`` and ``exp``, ``jti``/``sub`` against the credential, our record of
issuing it, and revocation. Each asserts the reason, so a different check catching the same
copy (or none) fails it."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, OctKey

from risingtide.training import credential_keys, credentials, verification
from risingtide.training.tests.world import complete


def b64(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def signed(header: dict, claims: dict, key) -> str:
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["ES256"])


@pytest.fixture
def issued(world):
    completion = complete(world, "own", "leading_teacher@own")
    return credentials.issue(completion.learner, completion)


@pytest.fixture
def claims(issued) -> dict:
    return unb64(issued.token.split(".")[1])


def ours(claims: dict, **header) -> str:
    """``claims`` signed with our own current key (as only a holder of our key could)."""
    key = credential_keys.signing_key()
    return signed({"alg": "ES256", "typ": "JWT", "kid": key.kid, **header}, claims, key.key)


def refused(token: str, words: str, **kwargs):
    verdict = verification.verify(token, **kwargs)
    assert not verdict.valid
    assert words in verdict.reason, verdict.reason
    return verdict


@pytest.mark.django_db
def test_the_issued_credential_verifies(issued):
    verdict = verification.verify(issued.token)
    assert verdict.valid and verdict.reason == ""
    assert verdict.shown.name == "Lead Own"
    assert verdict.shown.achievement == "Own LA essentials"
    assert verdict.shown.issuer == "Own LA"
    assert verdict.badge == issued


@pytest.mark.django_db
def test_a_copy_wrapped_over_lines_still_verifies(issued):
    wrapped = "\n".join(issued.token[i : i + 60] for i in range(0, len(issued.token), 60))
    assert verification.verify(f"  {wrapped}\n").valid


# --- size and shape ----------------------------------------------------------------------------


def test_a_very_long_paste_is_not_read():
    refused("a" * (verification.MAX_TOKEN_CHARS + 1), "longer than any credential")


def test_a_deeply_nested_header_is_refused_not_parsed_to_the_bottom():
    header = b64(b"[" * 5000 + b"]" * 5000)
    refused(f"{header}.e30.", "header cannot be read")


def test_something_that_is_not_a_jwt():
    refused("hello world", "three parts")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.dictionaries(st.sampled_from(["alg", "typ", "kid", "crit", "jwk"]), st.text()),
    payload=st.binary(max_size=64),
    signature=st.text(max_size=90),
)
def test_whatever_is_pasted_gets_a_verdict_not_an_error(header, payload, signature):
    header.setdefault("alg", "ES256")
    header.setdefault("kid", credential_keys.signing_key().kid)  # so the signature is tried
    token = f"{b64(header)}.{b64(payload)}.{signature}"
    assert not verification.verify(token).valid
    assert not verification.verify(signature).valid


# --- the algorithm allow-list ------------------------------------------------------------------


@pytest.mark.django_db
def test_alg_none_is_refused(issued, claims):
    kid = credential_keys.signing_key().kid
    token = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{b64(claims)}."
    refused(token, "“none”, which is not an algorithm we sign with")


@pytest.mark.django_db
def test_hs256_with_our_public_key_as_the_secret_is_refused(issued, claims):
    key = credential_keys.signing_key()
    secret = OctKey.import_key(json.dumps(key.public_jwk()).encode())
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    token = jws.serialize_compact(header, json.dumps(claims).encode(), secret, algorithms=["HS256"])
    refused(token, "“HS256”, which is not an algorithm we sign with")


@pytest.mark.django_db
def test_a_header_of_another_type_is_refused(issued, claims):
    refused(ours(claims, typ="JOSE+JSON"), "header is not one we issue")
    refused(ours(claims, crit=["b64"], b64=True), "header is not one we issue")


# --- the key: ours only, by kid ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_not_ours_is_refused_by_kid(issued, claims):
    theirs = ECKey.generate_key("P-256", private=True)
    header = {"alg": "ES256", "typ": "JWT", "kid": "https://evil.example/keys/1"}
    refused(signed(header, claims, theirs), "not signed with one of our published keys")


@pytest.mark.django_db
def test_a_kid_that_looks_like_ours_but_names_no_key_is_refused(issued, claims):
    theirs = ECKey.generate_key("P-256", private=True)
    kid = credential_keys.key_url(theirs.thumbprint())
    refused(signed({"alg": "ES256", "kid": kid}, claims, theirs), "one of our published keys")


@pytest.mark.django_db
def test_a_withdrawn_key_no_longer_verifies_what_it_signed(issued, settings):
    thumbprint = credential_keys.signing_key().thumbprint
    (settings.CREDENTIAL_KEY_DIR / f"{thumbprint}.json").unlink()
    refused(issued.token, "one of our published keys")


# --- the signature -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_payload_is_refused(issued, claims):
    header, _, signature = issued.token.split(".")
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    refused(f"{header}.{b64(claims)}.{signature}", "The signature does not match")


@pytest.mark.django_db
def test_a_changed_signature_is_refused(issued):
    header, payload, signature = issued.token.split(".")
    flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))
    refused(f"{header}.{payload}.{flipped}", "The signature does not match")


@pytest.mark.django_db
def test_our_kid_on_a_copy_signed_by_someone_else_is_refused(issued, claims):
    theirs = ECKey.generate_key("P-256", private=True)
    header = {
        "alg": "ES256",
        "typ": "JWT",
        "kid": credential_keys.signing_key().kid,
        "jwk": theirs.as_dict(private=False),  # never trusted: we use our own key only
    }
    refused(signed(header, claims, theirs), "The signature does not match")


# --- what the signed credential says -----------------------------------------------------------


@pytest.mark.django_db
def test_something_we_signed_that_is_not_a_badge_is_refused(issued, claims):
    claims["vc"]["type"] = ["VerifiableCredential", "BitstringStatusListCredential"]
    refused(ours(claims), "not an Open Badges credential")


@pytest.mark.django_db
def test_an_issuer_not_ours_is_refused(issued, claims):
    claims["iss"] = claims["vc"]["issuer"]["id"] = "https://evil.example/issuers/la-1/"
    refused(ours(claims), "The issuer is not one of ours")


@pytest.mark.django_db
def test_an_iss_that_differs_from_the_credentials_issuer_is_refused(world, issued, claims):
    claims["iss"] = credentials.issuer_url(f"la-{world.las['other'].pk}")
    refused(ours(claims), "The issuer is not one of ours")


@pytest.mark.django_db
def test_another_of_our_issuers_on_our_credential_is_refused(world, issued, claims):
    claims["iss"] = claims["vc"]["issuer"]["id"] = credentials.issuer_url(
        f"la-{world.las['other'].pk}"
    )
    refused(ours(claims), "not the one we issued this credential for")


@pytest.mark.django_db
def test_not_valid_before_its_nbf(issued, claims):
    refused(issued.token, "not valid yet", now=timezone.now() - timedelta(hours=1))
    del claims["nbf"]
    refused(ours(claims), "not valid yet")


@pytest.mark.django_db
def test_not_valid_after_its_exp(issued, claims):
    claims["exp"] = int((timezone.now() - timedelta(days=1)).timestamp())
    refused(ours(claims), "has expired")
    claims["exp"] = int((timezone.now() + timedelta(days=1)).timestamp())
    refused(ours(claims), "differs from the credential we issued")  # past the exp check


@pytest.mark.django_db
def test_jti_and_sub_must_be_the_credentials_own(issued, claims):
    refused(ours({**claims, "jti": claims["jti"].replace("-", "0", 1)}), "jti or sub")
    refused(ours({**claims, "sub": "urn:uuid:00000000-0000-0000-0000-000000000000"}), "jti or sub")


@pytest.mark.django_db
def test_a_credential_id_we_never_issued_is_refused(issued, claims):
    made_up = verification.credential_url_for("0f0e0d0c-0b0a-4908-8706-050403020100")
    claims["jti"] = claims["vc"]["id"] = made_up
    refused(ours(claims), "We have no record of issuing this credential")


@pytest.mark.django_db
def test_a_copy_signed_with_our_key_that_differs_from_ours_is_refused(issued, claims):
    # As if our key had leaked: the signature is good, but it is not what we issued.
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    refused(ours(claims), "differs from the credential we issued under this id")


@pytest.mark.django_db
def test_a_revoked_credential_is_refused_with_its_reason(world, issued):
    credentials.revoke(world.users["la_lead@own"], issued, "Issued to the wrong person.")
    verdict = refused(issued.token, "revoked on")
    assert "Issued to the wrong person." in verdict.reason
    assert verdict.revoked and verdict.shown.name == "Lead Own"


# --- keys: kept, rotated, published ------------------------------------------------------------


@pytest.mark.django_db
def test_after_a_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(world):
    first = complete(world, "own", "leading_teacher@own")
    old = credentials.issue(first.learner, first)
    old_kid = credential_keys.signing_key().kid
    new_key = credential_keys.rotate()
    assert credential_keys.signing_key().kid == new_key.kid != old_kid
    second = complete(world, "nation", "leading_teacher@own")
    new = credentials.issue(second.learner, second)
    assert unb64(new.token.split(".")[0])["kid"] == new.kid == new_key.kid
    assert verification.verify(old.token).valid and verification.verify(new.token).valid
    assert {k["kid"] for k in credential_keys.key_set()["keys"]} == {old_kid, new_key.kid}


@pytest.mark.django_db
def test_the_key_is_made_once_and_kept_private(settings):
    first = credential_keys.signing_key()
    assert credential_keys.signing_key().kid == first.kid
    (path,) = settings.CREDENTIAL_KEY_DIR.glob("*.json")
    assert path.stat().st_mode & 0o777 == 0o600
    published = credential_keys.key_set()["keys"]
    assert [set(k) for k in published] == [{"kty", "crv", "x", "y", "kid", "alg", "use"}]


@pytest.mark.django_db
def test_a_kid_is_never_made_into_a_path_outside_the_key_folder():
    assert credential_keys.public_key("../../secret_key") is None
    assert credential_keys.by_kid(credential_keys.key_url("x" * 43) + "/../..") is None
    assert credential_keys.by_kid(None) is None


@pytest.mark.django_db
def test_the_rotation_command_makes_a_new_key_and_keeps_the_old(issued, capsys):
    from django.core.management import call_command

    old = credential_keys.signing_key().kid
    call_command("rotate_credential_key")
    assert credential_keys.signing_key().kid != old
    assert "2 key(s) published" in capsys.readouterr().out
    assert verification.verify(issued.token).valid
