"""Every check a launch makes, each with a test that fails when the check is removed: the
refusal page names what happened and what to tell the platform's administrator, and nobody is
signed in."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from risingtide.lti.models import Identity, LaunchState
from risingtide.lti.refusals import REASONS
from risingtide.lti.tests.conftest import PUPIL, TEACHER, begin, launch
from risingtide.people.models import Membership, Role

pytestmark = pytest.mark.django_db

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def refused(response, code: str) -> None:
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert escape(REASONS[code].title) in page, page[:2000]
    assert "What to tell your learning platform" in page
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not Identity.objects.exists()


def test_a_good_launch_signs_the_teacher_in(client, sim, platform):
    response = launch(client, sim, TEACHER)
    assert response.status_code == 302
    user = Identity.objects.get(platform=platform, sub=TEACHER.sub).user
    assert response.wsgi_request.session["_auth_user_id"] == str(user.pk)


def test_wrong_audience_is_refused(client, sim, platform):
    sim.misbehave.add("wrong_aud")
    refused(launch(client, sim, TEACHER), "wrong_audience")


def test_several_audiences_need_us_as_the_authorised_party(client, sim, platform):
    def two_audiences(claims):
        claims["aud"] = [sim.client_id, "another-tool"]
        claims["azp"] = "another-tool"

    refused(launch(client, sim, TEACHER, claims=two_audiences), "wrong_audience")


def test_several_audiences_with_us_as_the_authorised_party_pass(client, sim, platform):
    def two_audiences(claims):
        claims["aud"] = [sim.client_id, "another-tool"]
        claims["azp"] = sim.client_id

    assert launch(client, sim, TEACHER, claims=two_audiences).status_code == 302


def test_an_expired_token_is_refused(client, sim, platform):
    sim.misbehave.add("expired")
    refused(launch(client, sim, TEACHER), "expired")


def test_a_token_issued_long_ago_is_refused_even_if_not_expired(client, sim, platform):
    def old(claims):
        claims["iat"] -= 3600

    refused(launch(client, sim, TEACHER, claims=old), "expired")


def test_a_token_from_the_future_is_refused(client, sim, platform):
    def future(claims):
        claims["iat"] += 3600
        claims["exp"] += 3600

    refused(launch(client, sim, TEACHER, claims=future), "expired")


def test_an_unknown_deployment_is_refused(client, sim, platform):
    sim.misbehave.add("unknown_deployment")
    refused(launch(client, sim, TEACHER), "unknown_deployment")


def test_a_tampered_signature_is_refused(client, sim, platform):
    sim.misbehave.add("tampered")
    refused(launch(client, sim, TEACHER), "bad_signature")


def test_a_token_signed_by_another_key_is_refused(client, sim, platform):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    state, nonce = begin(client, sim, TEACHER)
    forged = jwt.encode(
        {"alg": "RS256", "kid": "sim-1"},
        sim.claims(TEACHER, nonce),
        RSAKey.generate_key(2048, private=True),
        algorithms=["RS256"],
    )
    refused(
        client.post(reverse("lti:launch"), {"id_token": forged, "state": state}), "bad_signature"
    )


def test_an_unsigned_token_is_refused(client, sim, platform):
    import base64
    import json

    state, nonce = begin(client, sim, TEACHER)
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    token = part({"alg": "none"}) + "." + part(sim.claims(TEACHER, nonce)) + "."
    refused(
        client.post(reverse("lti:launch"), {"id_token": token, "state": state}), "bad_signature"
    )


def test_an_unknown_issuer_is_refused_at_login(client, sim, platform):
    response = client.post(
        reverse("lti:login"),
        {
            "iss": "https://platform.invalid",
            "login_hint": "x",
            "target_link_uri": "https://testserver/lti/launch/",
        },
    )
    refused(response, "unknown_issuer")


def test_an_unknown_issuer_in_the_token_is_refused(client, sim, platform):
    sim.misbehave.add("other_issuer")
    refused(launch(client, sim, TEACHER), "unknown_issuer")


def test_a_reused_nonce_is_refused(client, sim, platform):
    assert launch(client, sim, TEACHER).status_code == 302
    client.logout()
    Identity.objects.all().delete()
    sim.misbehave.add("reuse_nonce")
    refused(launch(client, sim, TEACHER), "nonce_reused")


def test_a_nonce_of_no_launch_is_refused(client, sim, platform):
    def other_nonce(claims):
        claims["nonce"] = "not-the-nonce-we-sent"

    refused(launch(client, sim, TEACHER, claims=other_nonce), "nonce_mismatch")


def test_a_replayed_launch_post_is_refused(client, sim, platform):
    state, nonce = begin(client, sim, TEACHER)
    body = {"id_token": sim.sign(sim.claims(TEACHER, nonce)), "state": state}
    assert client.post(reverse("lti:launch"), body).status_code == 302
    client.logout()
    Identity.objects.all().delete()
    refused(client.post(reverse("lti:launch"), body), "no_state")


def test_a_state_begun_in_another_browser_is_refused(client, sim, platform):
    state, nonce = begin(client, sim, TEACHER)
    client.cookies.clear()  # another browser: no binding cookie
    token = sim.sign(sim.claims(TEACHER, nonce))
    refused(client.post(reverse("lti:launch"), {"id_token": token, "state": state}), "no_state")
    assert LaunchState.objects.get(state=state).used_at is None


def test_an_old_state_is_refused(client, sim, platform):
    from datetime import timedelta

    from django.utils import timezone

    state, nonce = begin(client, sim, TEACHER)
    LaunchState.objects.filter(state=state).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    token = sim.sign(sim.claims(TEACHER, nonce))
    refused(client.post(reverse("lti:launch"), {"id_token": token, "state": state}), "no_state")


def test_a_target_outside_the_site_is_refused_at_login(client, sim, platform):
    response = client.post(
        reverse("lti:login"),
        {
            "iss": sim.issuer,
            "login_hint": "x",
            "client_id": sim.client_id,
            "target_link_uri": "https://testserver.evil.example/lti/launch/",
        },
    )
    refused(response, "bad_target")


def test_a_message_of_another_type_is_refused(client, sim, platform):
    def other_type(claims):
        claims[LTI + "message_type"] = "LtiSubmissionReviewRequest"

    refused(launch(client, sim, TEACHER, claims=other_type), "wrong_message")


def test_another_lti_version_is_refused(client, sim, platform):
    def old_version(claims):
        claims[LTI + "version"] = "1.1"

    refused(launch(client, sim, TEACHER, claims=old_version), "wrong_version")


def test_a_launch_without_roles_is_refused(client, sim, platform):
    def no_roles(claims):
        del claims[LTI + "roles"]

    refused(launch(client, sim, TEACHER, claims=no_roles), "missing_claim")


def test_an_anonymous_launch_is_refused(client, sim, platform):
    def anonymous(claims):
        del claims["sub"]

    refused(launch(client, sim, TEACHER, claims=anonymous), "missing_claim")


def test_a_platform_administrator_gets_no_account(client, sim, platform):
    def admin(claims):
        claims[LTI + "roles"] = [
            "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
        ]

    refused(launch(client, sim, TEACHER, claims=admin), "role_not_supported")


def test_a_switched_off_platform_is_unknown(client, sim, platform):
    platform.active = False
    platform.save()
    response = client.post(
        reverse("lti:login"),
        {
            "iss": sim.issuer,
            "login_hint": "x",
            "client_id": sim.client_id,
            "target_link_uri": "https://testserver/lti/launch/",
        },
    )
    refused(response, "unknown_issuer")


def test_a_pupil_account_is_never_made_a_teacher(client, sim, platform):
    assert launch(client, sim, TEACHER).status_code == 302
    assert launch(client, sim, PUPIL).status_code == 302
    client.logout()
    response = launch(
        client,
        sim,
        PUPIL,
        claims=lambda c: c.update(
            {LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}
        ),
    )
    assert response.status_code == 400
    assert escape(REASONS["role_changed"].title) in response.content.decode()
    user = Identity.objects.get(sub=PUPIL.sub).user
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {Role.PUPIL}


def test_the_platform_key_set_is_kept_between_launches(client, sim, platform):
    assert launch(client, sim, TEACHER).status_code == 302
    platform.refresh_from_db()
    first = platform.key_set_fetched_at
    client.logout()
    assert launch(client, sim, TEACHER).status_code == 302
    platform.refresh_from_db()
    assert platform.key_set_fetched_at == first


def test_an_unreachable_key_set_is_refused(client, sim, platform):
    platform.key_set_url = sim.url + "/no-such-keys"
    platform.save()
    refused(launch(client, sim, TEACHER), "keys_unreachable")


def test_deep_linking_that_cannot_take_a_resource_link_is_refused(client, sim, platform):
    def files_only(claims):
        claims[DL + "deep_linking_settings"]["accept_types"] = ["file"]

    refused(
        launch(client, sim, TEACHER, message="LtiDeepLinkingRequest", claims=files_only),
        "wrong_message",
    )
