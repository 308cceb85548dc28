"""Passkeys at view level: the ceremonies run under this app's URLs and the access engine; a
person who already has a factor must give it before adding a passkey (the package's check);
a passkey only ever verifies its own person's session, and marks it checked."""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_otp_webauthn import exceptions

from risingtide.twofactor import policy
from risingtide.twofactor.tests.factors import give_app
from risingtide.twofactor.views.passkeys import CompleteCheck

BEGIN = reverse("twofactor:passkey_add_begin")


def test_a_member_of_staff_begins_a_passkey(world, client_for, settings):
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    answer = client_for(world.user("head@own")).post(BEGIN, content_type="application/json")
    assert answer.status_code == 200
    options = answer.json()
    assert options["rp"]["id"] == "testserver" and options["challenge"]


def test_someone_with_a_factor_gives_it_before_adding_a_passkey(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    answer = client_for(lead).post(BEGIN, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "user_not_verified"


def test_pupils_have_no_passkey_pages(world, client_for):
    assert client_for(world.user("pupil@own")).post(BEGIN).status_code == 403


def test_the_pages_carry_the_package_script_and_no_inline_script(world, client_for):
    page = client_for(world.user("head@own")).get(reverse("twofactor:setup"))
    text = page.text
    assert "django_otp_webauthn/otp_webauthn_register.js" in text
    config = json.loads(
        text.split('id="otp_webauthn_config" type="application/json">')[1].split("<")[0]
    )
    assert config["beginRegistrationUrl"] == BEGIN
    for chunk in text.split("<script")[1:]:
        assert 'src="' in chunk.split(">")[0] or 'type="application/json"' in chunk.split(">")[0]


def _view_for(request):
    view = CompleteCheck()
    view.request = request
    return view


def test_a_passkey_verifies_only_its_own_person(world, client_for, rf):
    head = world.user("head@own")
    request = rf.post("/")
    request.user = head
    request.session = client_for(head).session
    stranger = SimpleNamespace(user_id=world.user("head@other").pk, persistent_id="x")
    with pytest.raises(exceptions.CredentialUserMismatch):
        _view_for(request).complete_auth(stranger)
    own = give_app(head)  # any device of theirs stands in for the credential here
    request.session.pop(policy.CHECKED_AT, None)
    _view_for(request).complete_auth(own)
    assert request.session[policy.HAS_DEVICE] is True
    assert policy.is_fresh(request.session)
    assert request.user.otp_device == own


def test_a_passkey_is_added_only_after_a_fresh_check(world, client_for, settings):
    import time

    from risingtide.twofactor.tests.factors import code

    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    client.post(reverse("twofactor:verify"), {"code": code(device)})
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    for url in (BEGIN, reverse("twofactor:passkey_add_complete")):
        answer = client.post(url, content_type="application/json")
        assert answer.status_code == 403 and answer.json()["code"] == "not_fresh", url
    client.post(reverse("twofactor:confirm"), {"code": code(device, step=1)})
    assert client.post(BEGIN, content_type="application/json").status_code == 200
