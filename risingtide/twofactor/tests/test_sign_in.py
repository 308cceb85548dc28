"""The second step at sign-in: every page waits for it; a code or a recovery code (spent) lets
the person through; wrong codes lock the device for a stated time; set-up shows the secret and
the recovery codes once; pupils are never asked."""

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from risingtide.twofactor.models import Requirement
from risingtide.twofactor.tests.factors import code, give_app, give_codes

HOME = reverse("home:home")
VERIFY = reverse("twofactor:verify")


def test_every_page_waits_for_the_second_factor(world, client_for):
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    page = client.get(HOME)
    assert page.status_code == 302 and page["Location"] == f"{VERIFY}?next=%2F"
    school = reverse("register:register_export", args=[world.schools["own"].pk])
    assert client.get(school)["Location"].startswith(VERIFY)
    # A session owing a second factor cannot use the API with its cookie either.
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    # The step itself, sign-out and the public routes stay open.
    assert client.get(VERIFY).status_code == 200
    assert client.get("/healthz").status_code == 200
    answer = client.post(VERIFY, {"code": code(device), "next": "/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.get(HOME).status_code == 200


def test_nothing_changes_for_someone_without_a_device_when_nothing_is_required(world, client_for):
    assert client_for(world.user("leading_teacher@own")).get(HOME).status_code == 200


def test_required_without_a_device_sends_to_set_up(world, client_for):
    Requirement.objects.create(school=world.schools["own"])
    client = client_for(world.user("head@own"))
    page = client.get(HOME)
    assert page["Location"].startswith(reverse("twofactor:setup"))


def test_pupils_and_carers_are_never_asked(world, client_for):
    Requirement.objects.create(site=True, include_teachers=True)
    for key in ("pupil@own", "carer@own"):
        client = client_for(world.user(key))
        assert client.get(HOME).status_code == 200, key
        # Nor can they set one up: the pages are for staff.
        assert client.get(reverse("twofactor:setup")).status_code == 403, key


def test_wrong_codes_lock_the_device_and_say_how_long_to_wait(world, client_for, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    wrong = "000000" if code(device) != "000000" else "111111"
    first = client.post(VERIFY, {"code": wrong})
    assert first.status_code == 400 and "try again in 10 seconds" in first.text
    # Locked now: even the right code is not tried, and the wait is said again.
    locked = client.post(VERIFY, {"code": code(device)})
    assert locked.status_code == 400 and "seconds" in locked.text
    assert client.get(HOME)["Location"].startswith(VERIFY)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"code": code(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    codes = give_codes(lead)
    client = client_for(lead)
    used = client.post(VERIFY, {"code": codes[0].upper(), "next": "/"}, follow=True)
    assert used.status_code == 200 and "will not work again. 9 left" in used.text
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    again = client_for(lead)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_lost_everything_says_who_to_ask(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    page = client_for(lead).get(reverse("twofactor:lost"))
    assert page.status_code == 200
    assert "Head Own" in page.text and "LA Own" in page.text and "site administrator" in page.text


def test_setting_up_an_app_shows_the_secret_and_the_codes_once(world, client_for):
    Requirement.objects.create(school=world.schools["own"])
    head = world.user("head@own")
    client = client_for(head)
    url = reverse("twofactor:setup_app")
    page = client.get(url, {"next": "/"})
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in page.text
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    assert 'id="secret"' in page.text
    # The same secret on a reload, until it is confirmed.
    client.get(url)
    assert TOTPDevice.objects.filter(user=head).count() == 1
    assert client.post(url, {"code": "12345"}).status_code == 400
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(url, {"code": code(device), "next": "/"})
    assert done["Location"].startswith(reverse("twofactor:recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed
    codes = client.get(done["Location"])
    tokens = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(tokens) == 10 and all(t in codes.text for t in tokens)
    assert "no-cache" in codes["Cache-Control"] or "no-store" in codes["Cache-Control"]
    download = client.get(reverse("twofactor:recovery_codes_download"))
    assert download["Content-Disposition"].startswith("attachment") and tokens[0] in download.text
    client.post(done["Location"], {"next": "/"})
    assert tokens[0] not in client.get(reverse("twofactor:recovery_codes")).text
    assert client.get(HOME).status_code == 200


def test_a_second_device_needs_the_first_one_given(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    client = client_for(lead)
    assert client.get(reverse("twofactor:setup_app"))["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=lead, confirmed=False).exists()


def test_a_fragment_the_page_asks_for_gets_nothing_not_a_redirect(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    fragment = client_for(lead).get(HOME, headers={"HX-Request": "true"})
    assert fragment.status_code == 204 and not fragment.content


def test_after_a_reset_nothing_is_owed_unless_required(world, client_for):
    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    client = client_for(lead)
    device.delete()  # reset by their head while they were signed in
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert client.get(VERIFY, {"next": "/"})["Location"] == "/"
    assert client.get(HOME).status_code == 200


def test_a_session_owing_the_step_cannot_change_requirements_or_reset(world, client_for):
    """Only the step's own pages are open: not a place's requirement, nor resetting someone."""
    school = world.schools["own"]
    Requirement.objects.create(school=school)
    lead = world.user("leading_teacher@own")
    give_app(lead)
    client = client_for(world.user("head@own"))
    for url in (
        reverse("twofactor:school_requirement", args=[school.pk]),
        reverse("twofactor:reset", args=[lead.pk]),
        reverse("twofactor:account"),
    ):
        answer = client.post(url, {"confirm": "on"})
        assert answer["Location"].startswith(reverse("twofactor:setup")), url
    assert Requirement.objects.filter(school=school).exists()
    assert TOTPDevice.objects.filter(user=lead).exists()
    # The step's own pages stay open.
    assert client.get(reverse("twofactor:setup")).status_code == 200
    assert client.get(reverse("twofactor:lost")).status_code == 200


def test_requiring_a_second_factor_is_a_fresh_act():
    from risingtide.access.policy import capability

    for name in (
        "school.require_two_factor",
        "local_authority.require_two_factor",
        "site.require_two_factor",
    ):
        assert capability(name).fresh, name


def _app_code(device):
    device.refresh_from_db()
    return code(device)


def test_adding_an_app_to_an_existing_factor_needs_a_fresh_check(world, client_for):
    """A second device: a fresh check first; it is not itself a check; the recovery codes stay;
    the session key changes."""
    import time

    from risingtide.twofactor import policy

    lead = world.user("leading_teacher@own")
    device = give_app(lead)
    old = give_codes(lead)
    client = client_for(lead)
    client.post(VERIFY, {"code": code(device), "next": "/"})
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    url = reverse("twofactor:setup_app")
    for page in (reverse("twofactor:setup"), url):
        assert client.get(page)["Location"].startswith(reverse("twofactor:confirm")), page
    assert not TOTPDevice.objects.filter(user=lead, confirmed=False).exists()
    # After a fresh check, the app is added, but it does not refresh the check by itself.
    client.post(reverse("twofactor:confirm"), {"code": code(device, step=1)})
    client.get(url)
    pending = TOTPDevice.objects.get(user=lead, confirmed=False)
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 60
    session.save()
    key = client.session.session_key
    done = client.post(url, {"code": _app_code(pending), "next": "/"})
    assert done.status_code == 302 and not done["Location"].startswith(
        reverse("twofactor:recovery_codes")
    )
    pending.refresh_from_db()
    assert pending.confirmed
    assert client.session.session_key != key
    assert time.time() - client.session[policy.CHECKED_AT] >= 59
    assert StaticToken.objects.filter(token=old[0]).exists()
    assert StaticToken.objects.filter(device__user=lead).count() == 10
