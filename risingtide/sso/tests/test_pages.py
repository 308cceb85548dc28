"""A coordinator connects, tests, changes and switches a school's provider; the secret is never
shown back or audited; the sign-in page leads to a school's sign-in."""

import pytest
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.demo.testing import TinyWorld
from risingtide.sso.models import ENTRA_DISCOVERY, GOOGLE_DISCOVERY, IdentityProvider
from risingtide.sso.tests.helpers import connect

pytestmark = pytest.mark.django_db
TENANT = "4f1c2a3b-0000-4000-8000-123456789abc"


@pytest.fixture
def lead(client, world):
    client.force_login(world.users["leading_teacher@own"])
    return world.users["leading_teacher@own"]


def _form(**fields):
    return {
        "kind": "oidc",
        "name": "Own School accounts",
        "discovery_url": "",
        "tenant": "",
        "client_id": "rising-tide-test",
        "client_secret": "",
        "match_on": "email",
        "email_domains": "own.example.sch.uk",
        "mis_id_claim": "",
        "password_sign_in": "on",
        **fields,
    }


def test_a_coordinator_connects_the_local_provider_and_switches_it_on(client, world, lead, oidc):
    url = reverse("sso:add_for_school", args=[world.schools["own"].pk])
    response = client.post(
        url,
        _form(discovery_url=oidc.discovery_url, client_secret="typed-secret-123", enabled="on"),
    )
    provider = IdentityProvider.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sso:connection", args=[provider.pk])
    assert provider.enabled and provider.issuer == oidc.base
    assert provider.school == world.schools["own"] and provider.slug == "own-school-oidc"
    page = client.get(response["Location"]).content.decode()
    assert "typed-secret-123" not in page
    assert "Client secret: set" in page
    assert "/sso/own-school-oidc/" in page
    # Its own redirect URI, to register with the provider.
    assert "https://testserver/sso/own-school-oidc/callback/" in page
    event = AuditEvent.objects.get(action="sso.provider_added")
    assert "typed-secret-123" not in repr(event.detail)
    assert "client_secret" in event.detail["fields"]  # named as changed, never its value


def test_switching_on_refuses_a_discovery_url_on_this_servers_network(client, world, lead, oidc):
    """The provider runs on 127.0.0.1: without the test allow-list it is a private address."""
    from django.conf import settings

    settings.FETCH_ALLOW_HOSTS = []
    url = reverse("sso:add_for_school", args=[world.schools["own"].pk])
    private = f"https://{oidc.host}/.well-known/openid-configuration"
    response = client.post(url, _form(discovery_url=private, client_secret="x", enabled="on"))
    assert response.status_code == 400
    assert "cannot be switched on yet" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_google_and_entra_fill_in_their_discovery_url(client, world, lead):
    url = reverse("sso:add_for_school", args=[world.schools["own"].pk])
    assert client.post(url, _form(kind="google", client_secret="x")).status_code == 302
    assert IdentityProvider.objects.get(kind="google").discovery_url == GOOGLE_DISCOVERY
    refused = client.post(url, _form(kind="microsoft", client_secret="x", tenant="contoso"))
    assert refused.status_code == 400
    assert "tenant" in refused.content.decode()
    assert (
        client.post(url, _form(kind="microsoft", client_secret="x", tenant=TENANT)).status_code
        == 302
    )
    entra = IdentityProvider.objects.get(kind="microsoft")
    assert entra.discovery_url == ENTRA_DISCOVERY.format(tenant=TENANT)


def test_a_generic_provider_needs_an_https_discovery_url(client, world, lead):
    url = reverse("sso:add_for_school", args=[world.schools["own"].pk])
    plain = "http://id.example/.well-known/openid-configuration"
    response = client.post(url, _form(discovery_url=plain, client_secret="x"))
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()


def test_an_empty_secret_keeps_the_saved_one_and_a_typed_one_replaces_it(client, world, lead, oidc):
    provider = connect(oidc, school=world.schools["own"])
    url = reverse("sso:connection", args=[provider.pk])
    fields = _form(discovery_url=oidc.discovery_url, enabled="on")
    assert client.post(url, fields).status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == "s3cret-never-shown"
    assert client.post(url, {**fields, "client_secret": "new-one"}).status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == "new-one"
    assert "new-one" not in client.get(url).content.decode()


def test_matching_on_email_needs_domains_and_on_mis_id_a_claim(client, world, lead):
    url = reverse("sso:add_for_school", args=[world.schools["own"].pk])
    response = client.post(url, _form(kind="google", client_secret="x", email_domains=""))
    assert "List the email domains" in response.content.decode()
    response = client.post(url, _form(kind="google", client_secret="x", match_on="mis_id"))
    assert "Name the claim" in response.content.decode()


def test_an_la_connection_cannot_match_on_the_mis_id(client, world):
    client.force_login(world.users["la_lead@own"])
    url = reverse("sso:add_for_la", args=[world.las["own"].pk])
    fields = _form(kind="google", client_secret="x", match_on="mis_id", mis_id_claim="upn")
    response = client.post(url, fields)
    assert response.status_code == 400
    assert "An LA-wide connection matches on email; MIS ids are unique only within one school." in (
        response.content.decode()
    )
    assert not IdentityProvider.objects.exists()
    assert client.post(url, {**fields, "match_on": "email"}).status_code == 302


def test_testing_the_discovery_url_says_what_was_found(client, world, lead, oidc):
    provider = connect(oidc, school=world.schools["own"])
    response = client.post(reverse("sso:check", args=[provider.pk]), follow=True)
    assert f"The provider answered. Its issuer is {oidc.base}." in response.content.decode()
    provider.discovery_url = "https://10.0.0.5/.well-known/openid-configuration"
    provider.save()
    response = client.post(reverse("sso:check", args=[provider.pk]), follow=True)
    assert "We could not read the provider" in response.content.decode()
    assert "private" in response.content.decode() or "not public" in response.content.decode()


def test_switching_off_and_on(client, world, lead, oidc):
    provider = connect(oidc, school=world.schools["own"])
    client.post(reverse("sso:switch", args=[provider.pk]), {})
    provider.refresh_from_db()
    assert not provider.enabled
    client.post(reverse("sso:switch", args=[provider.pk]), {"enabled": "on"})
    provider.refresh_from_db()
    assert provider.enabled
    actions = list(
        AuditEvent.objects.filter(action__startswith="sso.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["sso.provider_disabled", "sso.provider_enabled"]


def test_the_list_reads_a_constant_number_of_queries(
    client, world, lead, oidc, django_assert_max_num_queries
):
    url = reverse("sso:school_connections", args=[world.schools["own"].pk])
    connect(oidc, school=world.schools["own"])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in (2, 3):
        connect(oidc, school=world.schools["own"], slug=f"more-{n}")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count('id="connection-') == 3
    assert len(three) == len(one)


def test_the_sign_in_page_leads_to_the_schools_sign_in(client, world, oidc):
    provider = connect(oidc, school=world.schools["own"])
    assert 'action="/sso/"' in client.get(reverse("people:login")).content.decode()
    response = client.get(reverse("sso:find"), {"code": provider.slug})
    assert response["Location"] == reverse("sso:landing", args=[provider.slug])
    landing = client.get(response["Location"]).content.decode()
    assert f"Sign in with {provider.name}" in landing
    assert reverse("sso:start", args=[provider.slug]) in landing
    unknown = client.get(reverse("sso:find"), {"code": "no-such-school"})
    assert unknown.status_code == 400
    assert "No school signs in with that code" in unknown.content.decode()


def test_password_sign_in_still_works_beside_a_connection(client, world, oidc):
    connect(oidc, school=world.schools["own"])
    response = client.post(
        reverse("people:login"), {"username": "teacher.own", "password": TinyWorld.PASSWORD}
    )
    assert response.status_code == 302


def _password_sign_in(client, username):
    return client.post(
        reverse("people:login"), {"username": username, "password": TinyWorld.PASSWORD}
    )


def test_a_school_can_stop_password_sign_in_for_pupils_and_teachers(client, world, oidc):
    connect(oidc, school=world.schools["own"], password_sign_in=False)
    refused = _password_sign_in(client, "teacher.own")
    assert refused.status_code == 200
    assert "do not match an account" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The coordinator who manages the connection keeps their password; another school too.
    assert _password_sign_in(client, "lead.own").status_code == 302
    client.logout()
    assert _password_sign_in(client, "teacher.other").status_code == 302


def test_an_las_connection_stops_password_sign_in_in_all_its_schools(client, world, oidc):
    connect(oidc, local_authority=world.las["own"], password_sign_in=False)
    assert _password_sign_in(client, "pupil1.peer").status_code == 200
    connect(oidc, school=world.schools["other"], slug="other-open")  # password still allowed
    assert _password_sign_in(client, "pupil1.other").status_code == 302
