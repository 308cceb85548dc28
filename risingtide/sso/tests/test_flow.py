"""Signing in through the test provider, a real OpenID provider process on 127.0.0.1: the whole
redirect flow through the test client, and each protocol check refusing what it must. Every
refusal test fails if its check were removed: the provider's answer is otherwise good, so
without the check the person would be signed in."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.sso.tests.helpers import SECRET, begin, callback, connect, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(world):
    user = world.users["teacher@own"]
    user.email = "tom@own.example.sch.uk"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def provider(world, oidc, teacher):
    return connect(oidc, school=world.schools["own"])


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_teacher_signs_in_and_lands_on_their_home_page(client, oidc, provider, teacher):
    location = begin(client, provider)
    sent = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert location.startswith(f"{oidc.base}/authorize?")
    assert sent["code_challenge_method"] == "S256"
    assert sent["scope"] == "openid email profile"
    assert sent["redirect_uri"] == f"https://testserver/sso/{provider.slug}/callback/"
    assert len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32
    answer = oidc.authorize(location)
    assert answer["iss"] == oidc.base  # RFC 9207: the test provider names itself
    response = callback(
        client, provider, code=answer["code"], state=answer["state"], iss=answer["iss"]
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert _signed_in_as(client) == str(teacher.pk)
    assert client.get(reverse("home:home")).status_code == 200
    # The code was exchanged with the PKCE verifier.
    assert oidc.token_requests() == [{"has_verifier": True, "grant_type": "authorization_code"}]
    event = AuditEvent.objects.get(action="sso.signed_in")
    assert event.actor == teacher and event.school == provider.school


def test_a_second_sign_in_matches_on_the_remembered_subject(client, oidc, provider, teacher):
    assert sign_in(client, oidc, provider).status_code == 302
    client.logout()
    # The address changed at the provider; the subject did not.
    oidc.control(
        claims={"sub": "subject-1", "email": "t.new@other.example", "email_verified": True}
    )
    assert sign_in(client, oidc, provider).status_code == 302
    assert _signed_in_as(client) == str(teacher.pk)
    assert provider.links.get().user == teacher


def test_the_state_works_once(client, oidc, provider):
    """A replayed callback (the same state and code again) is refused by our side even when a
    provider would accept the code a second time."""
    oidc.control(misbehave=["reuse_codes"])
    answer = oidc.authorize(begin(client, provider))
    assert callback(client, provider, **answer_of(answer)).status_code == 302
    # The same browser (signing out would empty its session, hiding whether the state went).
    replay = callback(client, provider, **answer_of(answer))
    assert replay.status_code == 400
    assert "was not started here, was used already" in replay.content.decode()
    assert len(oidc.token_requests()) == 1  # the replay never reached the provider


def test_a_state_not_started_in_this_browser_is_refused(client, oidc, provider):
    """Login CSRF: an attacker's own code and state, delivered to another person's browser."""
    attacker = type(client)()
    answer = oidc.authorize(begin(attacker, provider))
    response = callback(client, provider, **answer_of(answer))
    assert response.status_code == 400
    assert _signed_in_as(client) is None
    assert AuditEvent.objects.filter(action="sso.sign_in_refused", detail__reason="state").exists()


def test_a_replayed_code_is_refused_by_the_provider(client, oidc, provider):
    first = oidc.authorize(begin(client, provider))
    assert callback(client, provider, **answer_of(first)).status_code == 302
    client.logout()
    # A fresh state of this browser, carrying the code used already.
    second = oidc.authorize(begin(client, provider))
    response = callback(client, provider, code=first["code"], state=second["state"], iss=oidc.base)
    assert response.status_code == 400
    assert "may have been used already" in response.content.decode()
    assert _signed_in_as(client) is None


def test_pkce_a_code_from_another_sign_in_is_refused(client, oidc, provider):
    """An intercepted code injected into this browser's sign-in: its verifier is not the one
    the code was issued for, so the provider refuses it."""
    theirs = oidc.authorize(begin(type(client)(), provider))
    ours = oidc.authorize(begin(client, provider))
    response = callback(client, provider, code=theirs["code"], state=ours["state"], iss=oidc.base)
    assert response.status_code == 400
    assert _signed_in_as(client) is None


@pytest.mark.parametrize(
    ("misbehaviour", "reason", "words"),
    [
        ("wrong_aud", "audience", "meant for another service"),
        ("wrong_iss", "issuer", "different provider"),
        ("expired", "expired", "already expired"),
        ("wrong_nonce", "nonce", "does not belong to this sign-in"),
        ("no_nonce", "nonce", "does not belong to this sign-in"),
        ("bad_signature", "signature", "signature is not valid"),
        ("no_id_token", "token", "did not send an identity token"),
    ],
)
def test_an_id_token_that_fails_a_check_is_refused(
    client, oidc, provider, misbehaviour, reason, words
):
    oidc.control(misbehave=[misbehaviour])
    response = sign_in(client, oidc, provider)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert _signed_in_as(client) is None
    assert AuditEvent.objects.get(action="sso.sign_in_refused").detail == {"reason": reason}


def test_a_wrong_client_secret_is_refused(client, oidc, provider):
    oidc.control(client_secret="changed-at-the-provider")
    response = sign_in(client, oidc, provider)
    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_the_provider_cancelling_is_a_clear_page(client, oidc, provider):
    location = begin(client, provider)
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = callback(client, provider, state=state, error="access_denied")
    assert response.status_code == 400
    assert "did not sign you in" in response.content.decode()


def test_a_switched_off_connection_signs_nobody_in(client, oidc, provider):
    location = begin(client, provider)
    answer = oidc.authorize(location)
    provider.enabled = False
    provider.save()
    response = callback(client, provider, **answer_of(answer))
    assert response.status_code == 400
    assert _signed_in_as(client) is None
    assert client.get(reverse("sso:start", args=[provider.slug])).status_code == 404


def test_an_unknown_identity_gets_the_clear_page(client, oidc, provider):
    oidc.control(
        claims={"sub": "s-9", "email": "nobody@own.example.sch.uk", "email_verified": True}
    )
    response = sign_in(client, oidc, provider)
    assert response.status_code == 403
    page = response.content.decode()
    assert "We couldn" in page and "find your Rising Tide account" in page
    assert "G&amp;T coordinator" in page
    assert _signed_in_as(client) is None


def test_the_next_address_is_kept_only_when_it_is_ours(client, oidc, provider):
    start = reverse("sso:start", args=[provider.slug])
    answer = oidc.authorize(client.get(start + "?next=/projects/")["Location"])
    assert callback(client, provider, **answer_of(answer))["Location"] == "/projects/"
    client.logout()
    answer = oidc.authorize(client.get(start + "?next=https://evil.example/")["Location"])
    assert callback(client, provider, **answer_of(answer))["Location"] == reverse("home:home")


def answer_of(answer: dict) -> dict:
    """What the provider sent back: the code, the state and (RFC 9207) its issuer."""
    return {"code": answer["code"], "state": answer["state"], "iss": answer["iss"]}


def test_no_secret_code_or_token_is_logged_shown_or_audited(client, oidc, provider, caplog):
    caplog.set_level("DEBUG")
    answer = oidc.authorize(begin(client, provider))
    response = callback(client, provider, **answer_of(answer))
    home = client.get(response["Location"])
    client.logout()
    oidc.control(misbehave=["wrong_aud"])
    refused_answer = oidc.authorize(begin(client, provider))
    refused = callback(client, provider, **answer_of(refused_answer))
    secrets = [SECRET, answer["code"], answer["state"], refused_answer["code"]]
    logged = caplog.text
    audited = repr(list(AuditEvent.objects.values()))
    for secret in secrets:
        assert secret not in logged
        assert secret not in audited
        assert secret not in home.content.decode()
        assert secret not in refused.content.decode()


def test_an_error_report_never_shows_the_secret_the_code_or_the_verifier(
    client, oidc, provider, monkeypatch
):
    """Django's error report (mailed to the admins, or shown when debugging) lists each frame's
    variables: those of the code exchange are marked sensitive, so it shows stars instead."""
    import sys

    from authlib.oidc.core.claims import CodeIDToken
    from django.views.debug import ExceptionReporter

    from risingtide.sso import services

    answer = oidc.authorize(begin(client, provider))
    verifier = client.session["sso_flows"][answer["state"]]["verifier"]

    def broken(claims, leeway=0):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(CodeIDToken, "validate", broken)
    with pytest.raises(RuntimeError):
        try:
            services.complete(
                provider,
                redirect_uri=f"https://testserver/sso/{provider.slug}/callback/",
                code=answer["code"],
                code_verifier=verifier,
                nonce="a-nonce",
                response_iss=answer["iss"],
            )
        except RuntimeError:
            frames = ExceptionReporter(None, *sys.exc_info()).get_traceback_frames()
            raise
    # Our own frames (the test's own variables hold the code, of course), with their other
    # variables still shown.
    ours = [f for f in frames if "/sso/" in f["filename"] and "/tests/" not in f["filename"]]
    assert {"complete", "finish"} <= {f["function"] for f in ours}
    report = repr([f["vars"] for f in ours])
    assert f"/sso/{provider.slug}/callback/" in report and "code_verifier" in report
    for secret in (SECRET, answer["code"], verifier):
        assert secret not in report
