"""The protocol client's own checks: every request goes through lib.fetch (so a private
address is refused before a connection is made), and a discovery document must name itself."""

import json

import pytest
import requests

from risingtide.lib.fetch.client import FetchResult
from risingtide.sso import oidc

WELL_KNOWN = "/.well-known/openid-configuration"


def test_a_discovery_url_on_this_servers_network_is_refused(provider_process, settings):
    settings.FETCH_ALLOW_HOSTS = []  # the provider is up, but 127.0.0.1 is not public
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.discover(provider_process.discovery_url, fresh=True)
    assert refused.value.reason == "unreachable"
    assert "not public" in refused.value.message or "this server" in refused.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3" + WELL_KNOWN,
        "https://localhost" + WELL_KNOWN,
        "https://[::1]" + WELL_KNOWN,
        "https://169.254.169.254" + WELL_KNOWN,  # a cloud's metadata service
    ],
)
def test_private_addresses_are_refused_before_connecting(url, settings):
    settings.FETCH_ALLOW_HOSTS = []
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.discover(url, fresh=True)
    assert refused.value.reason == "unreachable"


def _answer(document: dict):
    def fake_fetch(url, **kwargs):
        assert kwargs["follow_redirects"] is False and kwargs["refuse_errors"] is False
        body = json.dumps(document).encode()
        return FetchResult(url, url, 200, "application/json", None, body)

    return fake_fetch


def _document(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
    }


def test_a_document_speaking_for_another_issuer_is_refused(monkeypatch):
    monkeypatch.setattr(oidc, "fetch", _answer(_document("https://accounts.google.com")))
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.discover("https://id.example" + WELL_KNOWN, fresh=True)
    assert refused.value.reason == "discovery"


def test_an_endpoint_that_is_not_https_is_refused(monkeypatch):
    document = {**_document("https://id.example"), "token_endpoint": "http://id.example/token"}
    monkeypatch.setattr(oidc, "fetch", _answer(document))
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.discover("https://id.example" + WELL_KNOWN, fresh=True)
    assert "token_endpoint" in refused.value.message


def test_a_good_document_is_read_through_the_fetch_adapter(monkeypatch):
    monkeypatch.setattr(oidc, "fetch", _answer(_document("https://id.example")))
    found = oidc.discover("https://id.example" + WELL_KNOWN, fresh=True)
    assert found.token_endpoint == "https://id.example/token"


def test_the_adapter_hands_method_body_and_headers_to_fetch(monkeypatch):
    seen = {}

    def fake_fetch(url, **kwargs):
        seen.update(kwargs, url=url)
        return FetchResult(url, url, 400, "application/json", None, b'{"error": "invalid_grant"}')

    monkeypatch.setattr(oidc, "fetch", fake_fetch)
    session = requests.Session()
    session.mount("https://", oidc.FetchAdapter())
    answer = session.post(
        "https://id.example/token", data={"code": "c"}, headers={"Authorization": "Basic x"}
    )
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_grant"}
    assert seen["method"] == "POST" and seen["body"] == b"code=c"
    assert seen["headers"]["Authorization"] == "Basic x"
    assert "User-Agent" not in seen["headers"]  # lib.fetch's own
