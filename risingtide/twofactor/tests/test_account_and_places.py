"""One's own devices (new recovery codes and removing a device ask for a fresh factor), each
place's requirement page, and a reset by the school's head, the LA lead or the site
administrator (audited), never by anyone else."""

import time

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from risingtide.audit.models import AuditEvent
from risingtide.twofactor import policy
from risingtide.twofactor.models import Requirement
from risingtide.twofactor.tests.factors import code, give_app, give_codes

ACCOUNT = reverse("twofactor:account")


def _signed_in_with_app(world, client_for, key="leading_teacher@own"):
    person = world.user(key)
    device = give_app(person)
    client = client_for(person)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 302
    return person, device, client


def test_the_account_page_lists_devices_without_secrets(world, client_for):
    person, device, client = _signed_in_with_app(world, client_for)
    codes = give_codes(person)
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert "Authenticator app" in page.text and "Recovery codes (10 left)" in page.text
    assert device.key not in page.text and codes[0] not in page.text
    assert 'id="otp_webauthn_config"' in page.text  # adding a passkey


def test_new_recovery_codes_ask_for_a_fresh_factor(world, client_for):
    person, device, client = _signed_in_with_app(world, client_for)
    old = give_codes(person)
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    url = reverse("twofactor:new_recovery_codes")
    assert client.post(url)["Location"].startswith(reverse("twofactor:confirm"))
    assert StaticToken.objects.filter(token=old[0]).exists()
    client.post(reverse("twofactor:confirm"), {"code": code(device, step=1)})
    made = client.post(url, {"next": ACCOUNT})
    assert made["Location"].startswith(reverse("twofactor:recovery_codes"))
    assert not StaticToken.objects.filter(token=old[0]).exists()
    assert StaticToken.objects.filter(device__user=person).count() == 10


def test_removing_a_device(world, client_for):
    _, device, client = _signed_in_with_app(world, client_for)
    other = world.user("head@own")
    theirs = give_app(other)
    refused = client.post(reverse("twofactor:remove"), {"device": theirs.persistent_id})
    assert refused.status_code == 302 and TOTPDevice.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("twofactor:remove"), {"device": device.persistent_id})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_head_sets_the_school_requirement(world, client_for):
    url = reverse("twofactor:school_requirement", args=[world.schools["own"].pk])
    client = client_for(world.user("head@own"))
    page = client.get(url)
    assert page.status_code == 200 and "Lead Own" in page.text
    client.post(url, {"required": "on", "include_teachers": "on"})
    found = Requirement.objects.get(school=world.schools["own"])
    assert found.include_teachers and found.set_by == world.user("head@own")
    assert AuditEvent.objects.filter(action="twofactor.requirement").exists()
    client.post(url, {})
    assert not Requirement.objects.exists()
    assert client_for(world.user("leading_teacher@own")).get(url).status_code == 200
    assert client_for(world.user("teacher@own")).get(url).status_code == 403
    assert client_for(world.user("head@other")).get(url).status_code == 404


def test_the_la_and_the_site_set_theirs(world, client_for):
    la_url = reverse("twofactor:la_requirement", args=[world.las["own"].pk])
    client_for(world.user("la_lead@own")).post(la_url, {"required": "on"})
    assert Requirement.objects.filter(local_authority=world.las["own"]).exists()
    assert client_for(world.user("la_lead@other")).get(la_url).status_code == 404
    site_url = reverse("twofactor:site_requirement")
    client_for(world.user("site_admin@site")).post(site_url, {"required": "on"})
    assert Requirement.objects.filter(site=True).exists()
    # Required now of the head: the step first, then the pages.
    _, _, head = _signed_in_with_app(world, client_for, "head@own")
    assert head.get(site_url).status_code == 403
    # The school's page says what is required above it.
    page = head.get(reverse("twofactor:school_requirement", args=[world.schools["own"].pk]))
    assert "Already required everywhere" in page.text and "Own LA" in page.text


def test_a_head_resets_a_lost_second_factor_audited(world, client_for):
    lead = world.user("leading_teacher@own")
    give_app(lead)
    give_codes(lead)
    url = reverse("twofactor:reset", args=[lead.pk])
    for key, status in [("teacher@own", 404), ("head@other", 404)]:
        assert client_for(world.user(key)).post(url, {"confirm": "on"}).status_code == status, key
    # The person themself (who owes their own step first) may not either.
    own = client_for(lead)
    assert own.post(url, {"confirm": "on"})["Location"].startswith(reverse("twofactor:verify"))
    own.post(reverse("twofactor:verify"), {"code": code(TOTPDevice.objects.get(user=lead))})
    assert own.post(url, {"confirm": "on"}).status_code == 404
    head = client_for(world.user("head@own"))
    assert head.post(url, {}).status_code == 400
    done = head.post(url, {"confirm": "on", "next": "/"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=lead).exists()
    event = AuditEvent.objects.get(action="twofactor.reset")
    assert event.target_id == str(lead.pk) and event.detail == {"devices": 2}
    # The LA lead and the site administrator may too.
    give_app(lead)
    assert client_for(world.user("la_lead@own")).post(url, {"confirm": "on"}).status_code == 302
    give_app(lead)
    assert client_for(world.user("site_admin@site")).post(url, {"confirm": "on"}).status_code == 302


def test_a_head_cannot_reset_someone_with_a_role_beyond_the_school(world, client_for):
    """An LA lead, a national officer or the site administrator who also teaches at the school
    is beyond the head's reach; so is a teacher who also teaches at another school."""
    from risingtide.people.models import Membership, Role

    school = world.schools["own"]
    head = client_for(world.user("head@own"))
    lead = client_for(world.user("la_lead@own"))  # signed in before they had a device
    for key in ("site_admin@site", "la_lead@own", "teacher@other"):
        person = world.user(key)
        Membership.objects.create(user=person, role=Role.TEACHER, school=school)
        give_app(person)
        answer = head.post(reverse("twofactor:reset", args=[person.pk]), {"confirm": "on"})
        assert answer.status_code == 404, key
        assert TOTPDevice.objects.filter(user=person).exists(), key
    # Nor does the LA lead reach the site administrator; a teacher of the school alone is reached.
    admin = world.user("site_admin@site")
    assert (
        lead.post(reverse("twofactor:reset", args=[admin.pk]), {"confirm": "on"}).status_code == 404
    )
    teacher = world.user("teacher@own")
    give_app(teacher)
    assert (
        head.post(reverse("twofactor:reset", args=[teacher.pk]), {"confirm": "on"}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=teacher).exists()


def test_the_django_admin_shows_no_secret_key_nor_recovery_codes(world, client_for):
    from django.contrib.auth import get_user_model

    person = world.user("leading_teacher@own")
    device = give_app(person)
    codes = give_codes(person)
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "x-Boss-123456")
    admin = client_for(boss)
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.text
    static = StaticToken.objects.filter(device__user=person).first().device
    assert admin.get(f"/admin/otp_static/staticdevice/{static.pk}/change/").status_code == 404
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404
    assert codes[0] not in admin.get("/admin/").text


def test_a_post_only_act_comes_back_to_the_page_it_was_sent_from(world, client_for):
    """Removing a device answers posts only: after the fresh check the person comes back to
    their account page, not to a GET of the removal (a 405)."""
    _, device, client = _signed_in_with_app(world, client_for)
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    refused = client.post(
        reverse("twofactor:remove"),
        {"device": device.persistent_id},
        headers={"referer": f"https://testserver{ACCOUNT}"},
    )
    assert (
        refused["Location"] == f"{reverse('twofactor:confirm')}?next={ACCOUNT.replace('/', '%2F')}"
    )
    back = client.post(refused["Location"], {"code": code(device, step=1), "next": ACCOUNT})
    assert back["Location"] == ACCOUNT and client.get(ACCOUNT).status_code == 200
    # From another site: back to the act's own address, never elsewhere.
    session = client.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    away = client.post(
        reverse("twofactor:remove"), {"device": "x"}, headers={"referer": "https://evil.example/"}
    )
    assert "evil" not in away["Location"]
