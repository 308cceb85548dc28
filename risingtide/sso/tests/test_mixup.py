"""The IdP mix-up attack (RFC 9207 §1; OAuth 2.0 Security BCP §4.4): a provider another school
connected, controlled by an attacker, sends a victim who started a sign-in there on to an honest
provider, hoping the honest provider's code comes back to us under the attacker's connection's
state and is handed to the attacker's token endpoint. Each connection has its own return
address, a state counts only at the address of the connection it was started for, and the
``iss`` of the answer must name the connection's issuer."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from conftest import _https_client
from risingtide.audit.models import AuditEvent
from risingtide.sso import oidc as oidc_module
from risingtide.sso.models import IdentityProvider
from risingtide.sso.tests.helpers import begin, callback, connect, follow_back, sign_in

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example"


@pytest.fixture
def teacher(world):
    user = world.users["teacher@own"]
    user.email = "tom@own.example.sch.uk"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def honest(world, oidc, teacher):
    return connect(oidc, school=world.schools["own"])


@pytest.fixture
def evil(world, monkeypatch):
    """A coordinator's own connection at another school, to a provider they run: its token
    endpoint keeps whatever code it is sent (faked here; in life the attacker's server)."""
    provider = IdentityProvider.objects.create(
        school=world.schools["other"],
        kind=IdentityProvider.Kind.OIDC,
        name="Evil",
        slug="evil-oidc",
        discovery_url=f"{EVIL}/.well-known/openid-configuration",
        issuer=EVIL,
        client_id="evil",
        client_secret="x",
        match_on=IdentityProvider.MatchOn.EMAIL,
        email_domains=["evil.example"],
        enabled=True,
    )
    provider.stolen = []
    real_discover, real_finish = oidc_module.discover, oidc_module.finish

    def discover(url, *, fresh=False):
        if url == provider.discovery_url:
            return oidc_module.Discovery(EVIL, f"{EVIL}/authorize", f"{EVIL}/token", f"{EVIL}/jwks")
        return real_discover(url, fresh=fresh)

    def finish(discovery, **kw):
        if discovery.issuer == EVIL:
            provider.stolen.append(kw["code"])
            raise oidc_module.SignInRefused("code", "nope")
        return real_finish(discovery, **kw)

    monkeypatch.setattr(oidc_module, "discover", discover)
    monkeypatch.setattr(oidc_module, "finish", finish)
    return provider


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_code_from_the_honest_provider_never_reaches_another_connection(
    oidc, honest, evil, teacher
):
    attacker, victim = _https_client(), _https_client()
    # 1. The attacker starts a sign-in at the honest connection in their own browser.
    honest_url = begin(attacker, honest)
    # 2. The victim follows the attacker's school sign-in link, and is sent to "their" provider.
    victim_state = _query(begin(victim, evil))["state"]
    # 3. The evil provider sends the victim on to the honest one: the honest connection's client
    #    id, redirect URI, PKCE challenge and nonce (the attacker's), the victim's state.
    forged = dict(_query(honest_url), state=victim_state)
    parts = urlsplit(honest_url)
    answer = oidc.authorize(urlunsplit((*parts[:3], urlencode(forged), "")))
    # 4. The honest provider sends the victim back, with its code, to the address it was given.
    response = follow_back(victim, answer)
    # The victim's state is the evil connection's, not the honest one's: refused, and the code
    # goes to no token endpoint at all (neither the attacker's nor the honest provider's).
    assert response.status_code == 400
    assert evil.stolen == []
    assert oidc.token_requests() == []
    assert AuditEvent.objects.filter(action="sso.sign_in_refused", detail__reason="state").exists()
    # 5. So the attacker has no code to redeem in their own honest sign-in: nobody signed in.
    assert "_auth_user_id" not in victim.session
    assert "_auth_user_id" not in attacker.session


def test_a_state_counts_only_at_its_own_connections_address(client, world, oidc, honest):
    """Two connections to one provider: a state started at one is refused at the other's."""
    other = connect(oidc, school=world.schools["peer"], slug="test-peer")
    answer = oidc.authorize(begin(client, other))
    response = callback(client, honest, code=answer["code"], state=answer["state"], iss=oidc.base)
    assert response.status_code == 400
    assert oidc.token_requests() == []
    assert "_auth_user_id" not in client.session


def test_an_answer_naming_another_issuer_is_refused(client, oidc, honest):
    answer = oidc.authorize(begin(client, honest))
    response = follow_back(client, answer, iss=EVIL)
    assert response.status_code == 400
    assert "different provider" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="sso.sign_in_refused").detail == {"reason": "issuer"}
    assert oidc.token_requests() == []  # refused before the code was exchanged


def test_an_answer_without_the_iss_its_provider_promises_is_refused(client, oidc, honest):
    oidc.control(misbehave=["no_iss_param"])
    response = sign_in(client, oidc, honest)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="sso.sign_in_refused").detail == {"reason": "issuer"}


def test_a_provider_that_promises_no_iss_may_leave_it_out(client, oidc, honest, teacher):
    oidc.control(misbehave=["no_iss_support"])
    response = sign_in(client, oidc, honest)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)
