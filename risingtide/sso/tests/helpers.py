"""Connecting the tiny world's schools to the test provider, and walking a sign-in through it."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.urls import reverse

from risingtide.sso.models import IdentityProvider

SECRET = "s3cret-never-shown"


def callback_uri(slug: str) -> str:
    """A connection's own redirect URI, as the test client's requests build it."""
    return f"https://testserver/sso/{slug}/callback/"


def connect(oidc, *, school=None, local_authority=None, **fields) -> IdentityProvider:
    """A switched-on connection to the test provider, registered there with its callback."""
    slug = fields.pop("slug", f"test-{school.pk if school else 'la-' + str(local_authority.pk)}")
    oidc.control(redirect_uris=[callback_uri(slug)], client_secret=SECRET)
    values = {
        "kind": IdentityProvider.Kind.OIDC,
        "name": "Test school accounts",
        "slug": slug,
        "discovery_url": oidc.discovery_url,
        "issuer": oidc.base,
        "client_id": "rising-tide-test",
        "client_secret": SECRET,
        "match_on": IdentityProvider.MatchOn.EMAIL,
        "email_domains": ["own.example.sch.uk"],
        "enabled": True,
        **fields,
    }
    return IdentityProvider.objects.create(school=school, local_authority=local_authority, **values)


def begin(client, provider) -> str:
    """Our start page's answer: the provider's authorization address."""
    response = client.get(reverse("sso:start", args=[provider.slug]))
    assert response.status_code == 302, response.content
    return response["Location"]


def callback(client, provider, **query):
    """Our callback for ``provider``'s connection, with the provider's answer in ``query``."""
    return client.get(reverse("sso:callback", args=[provider.slug]) + "?" + urlencode(query))


def follow_back(client, answer: dict, **query):
    """Go where the provider sent the browser back to (its ``location``), as a browser would;
    ``query`` replaces or (as None) leaves out parameters of the answer."""
    parts = urlsplit(answer["location"])
    sent = {k: v[0] for k, v in parse_qs(parts.query).items()}
    sent.update(query)
    kept = {k: v for k, v in sent.items() if v is not None}
    return client.get(parts.path + "?" + urlencode(kept))


def sign_in(client, oidc, provider):
    """The whole round: start, the provider's approval, our callback's answer."""
    answer = oidc.authorize(begin(client, provider))
    return follow_back(client, answer)
