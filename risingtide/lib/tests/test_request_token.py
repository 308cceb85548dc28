"""The request's masked CSRF token (``lib.kept``): Django's masking, with the mask drawn in one
read of the random source. Django itself must accept it, every token must differ, and every
character of the mask must be equally likely."""

from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory

from risingtide.lib.kept import masked, request_token


def test_a_masked_token_unmasks_to_its_secret_and_each_is_new():
    secret = _get_new_csrf_string()
    tokens = {masked(secret) for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret


def test_every_character_of_the_mask_is_equally_likely():
    """62 characters from bytes: taking every byte modulo 62 would make the first eight
    characters a fifth likelier than the rest (256 = 4 × 62 + 8); bytes from 248 up are
    drawn again instead."""
    secret = _get_new_csrf_string()
    counts = Counter("".join(masked(secret)[:32] for _ in range(3000)))
    first = sum(counts[c] for c in CSRF_ALLOWED_CHARS[:8]) / 8
    rest = sum(counts[c] for c in CSRF_ALLOWED_CHARS[8:]) / 54
    assert 0.93 < first / rest < 1.07


def test_the_cookie_is_renewed_and_a_request_without_one_gets_djangos_own():
    secret = _get_new_csrf_string()
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret
    token = request_token(request)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert request_token(request) == token  # one token a request
    fresh = RequestFactory().get("/")
    token = request_token(fresh)
    assert _unmask_cipher_token(token) == fresh.META["CSRF_COOKIE"]


@pytest.mark.django_db
def test_a_form_posted_with_the_pages_token_is_accepted_and_without_it_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("teacher@own"))
    response = client.get("/accounts/password/", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    # Over HTTPS Django also checks the referring page.
    posted = {"secure": True, "HTTP_REFERER": "https://testserver/accounts/password/"}
    assert client.post("/accounts/password/", data, **posted).status_code == 403
    answered = client.post("/accounts/password/", {**data, "csrfmiddlewaretoken": token}, **posted)
    assert answered.status_code == 200  # the form's own refusal, past the CSRF check
