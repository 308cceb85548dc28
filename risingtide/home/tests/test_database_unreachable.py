"""The database out of reach (restarting, failing over) is a short 503 that says to try again,
for pages and the API, wherever in the request it happens: never a 500 or a traceback. Any
other failure is still the 500 page. (The real thing, a proxy to PostgreSQL killed and started
again under a running server, is tests/test_faults.py.)"""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from risingtide.people import sessions


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def broken(error):
    def load(self):
        raise error

    return load


def test_a_page_whose_session_cannot_be_read_answers_503_without_a_traceback(
    anonymous, monkeypatch
):
    monkeypatch.setattr(
        sessions.SessionStore, "load", broken(OperationalError("server closed the connection"))
    )
    anonymous.cookies["sessionid"] = "x" * 32
    response = anonymous.get(reverse("home:home"), secure=True)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_the_api_answers_503_as_json(anonymous, monkeypatch):
    monkeypatch.setattr(
        sessions.SessionStore, "load", broken(OperationalError("could not connect to server"))
    )
    anonymous.cookies["sessionid"] = "x" * 32
    response = anonymous.get("/api/v1/me", secure=True)
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is briefly unavailable. Try again in a few seconds."
    }


def test_any_other_failure_is_still_the_500_page(anonymous, monkeypatch):
    monkeypatch.setattr(sessions.SessionStore, "load", broken(ZeroDivisionError("a bug")))
    anonymous.cookies["sessionid"] = "x" * 32
    response = anonymous.get(reverse("home:home"), secure=True)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
