"""Asked again before sensitive acts: the access engine's fresh capabilities (register exports,
a leaver's CTF, data-sharing agreements, adding pupils) send a person whose last check is older
than the set time to confirm, then back; the API refuses with a clear message."""

import time

import pytest
from django.urls import reverse
from ninja.errors import HttpError

from risingtide.access.policy import capability
from risingtide.twofactor import policy
from risingtide.twofactor.freshness import fresh_or_confirm
from risingtide.twofactor.tests.factors import code, give_app

CONFIRM = reverse("twofactor:confirm")


def _stale(client, minutes=16):
    session = client.session
    session[policy.CHECKED_AT] = time.time() - minutes * 60
    session.save()


def _export(world):
    return reverse("register:register_export", args=[world.schools["own"].pk])


@pytest.mark.parametrize(
    "name",
    ["register.export", "pupil_record.export", "register.share", "teaching_group.manage_pupils"],
)
def test_the_sensitive_acts_are_declared_fresh(name):
    assert capability(name).fresh


def test_an_export_waits_for_a_fresh_second_factor(world, client_for):
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 302
    url = _export(world)
    assert client.get(url).status_code == 200  # just checked at sign-in
    _stale(client)
    refused = client.post(url, {"what": "csv", "why": "review"})
    assert refused.status_code == 302
    assert refused["Location"] == f"{CONFIRM}?next={url.replace('/', '%2F')}"
    page = client.get(refused["Location"])
    assert page.status_code == 200 and "Confirm it is you" in page.text
    back = client.post(CONFIRM, {"code": code(device, step=1), "next": url})
    assert back["Location"] == url
    done = client.post(url, {"what": "csv", "why": "review"})
    assert done.status_code == 200 and done["Content-Type"].startswith("text/csv")


def test_without_a_device_the_password_confirms(world, client_for, settings):
    settings.TWO_FACTOR_FRESH_MINUTES = 15
    client = client_for(world.user("head@own"))
    url = reverse("register:register_sharing", args=[world.schools["own"].pk])
    assert client.get(url).status_code == 200
    _stale(client)
    assert client.get(url)["Location"].startswith(CONFIRM)
    wrong = client.post(CONFIRM, {"password": "nope", "next": url})
    assert wrong.status_code == 400 and "not your password" in wrong.text
    right = client.post(CONFIRM, {"password": world.PASSWORD, "next": url})
    assert right["Location"] == url
    assert client.get(url).status_code == 200


def test_the_set_time_is_a_setting(world, client_for, settings):
    settings.TWO_FACTOR_FRESH_MINUTES = 60
    client = client_for(world.user("head@own"))
    _stale(client, minutes=30)
    url = reverse("register:register_sharing", args=[world.schools["own"].pk])
    assert client.get(url).status_code == 200


def test_a_teacher_without_a_device_is_not_asked_again(world, client_for):
    client = client_for(world.user("teacher@own"))
    _stale(client, minutes=600)
    url = reverse("people:add_pupils", args=[world.groups["own"].pk])
    assert client.get(url).status_code == 200


def test_a_refusal_comes_after_the_grant(world, client_for):
    """Someone who may not export at all gets the usual 404, not a hint to confirm."""
    client = client_for(world.user("teacher@own"))
    _stale(client)
    assert client.get(_export(world)).status_code == 404


def test_the_api_refuses_with_a_clear_message(world, rf):
    request = rf.get("/api/v1/anything")
    request.user = world.user("head@own")
    request.user.is_verified = lambda: False
    request.session = {}
    with pytest.raises(HttpError) as refused:
        fresh_or_confirm(request, capability("register.share"), api=True)
    assert refused.value.status_code == 403 and "/two-factor/confirm/" in str(refused.value)


def test_signing_in_again_is_no_second_factor(world, client_for):
    """An SSO callback or an LTI launch signs the same person in again (Django keeps the
    session): the device given before and the last check are dropped, the factor is owed."""
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    client.post(reverse("twofactor:verify"), {"code": code(device), "next": "/"})
    _stale(client)
    client.force_login(lead)
    assert "otp_device_id" not in client.session
    assert policy.CHECKED_AT not in client.session
    assert client.get(_export(world))["Location"].startswith(reverse("twofactor:verify"))
    assert client.get(reverse("home:home"))["Location"].startswith(reverse("twofactor:verify"))


def test_signing_in_counts_as_a_check_only_without_a_device(world, client_for):
    head = world.user("head@own")
    assert policy.is_fresh(client_for(head).session)
    give_app(head)
    assert not policy.is_fresh(client_for(head).session)


def test_a_token_call_to_a_fresh_operation_is_refused_not_crashed(world, rf, monkeypatch):
    """A personal token (a plain user, no session): a clear 403, whoever holds it."""
    from django.http import HttpResponse

    from risingtide.access.core import requires
    from risingtide.access.policy import CAPABILITIES, SIGNED_IN, Capability, Reach
    from risingtide.api.api import TokenAuth
    from risingtide.api.models import ApiToken

    cap = Capability("test.fresh_api", None, "a test action", {SIGNED_IN: Reach.ANY}, fresh=True)
    monkeypatch.setitem(CAPABILITIES, cap.name, cap)
    view = requires(cap.name, api=True)(lambda request: HttpResponse("done"))
    for key, with_device in (("head@own", True), ("teacher@own", False)):
        person = world.user(key)
        if with_device:
            give_app(person)
        _, token = ApiToken.issue(person, "script")
        request = rf.get("/api/v1/anything", headers={"Authorization": f"Bearer {token}"})
        assert TokenAuth()(request) == person
        with pytest.raises(HttpError) as refused:
            view(request)
        assert refused.value.status_code == 403, key
        assert "do it on the site" in str(refused.value)
        assert not hasattr(request, "session")
