"""How the API's tests call it as a script would: a client with a personal token, over HTTPS.
Shared by the API tests beside each app (``register/tests/test_api.py`` and the rest)."""

from django.test import Client

from risingtide.api.models import ApiToken


def as_user(user):
    _, token = ApiToken.issue(user, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.defaults["wsgi.url_scheme"] = "https"
    return client


def call(client, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", body, content_type="application/json", secure=True
    )
