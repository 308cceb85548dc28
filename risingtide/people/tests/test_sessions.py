"""The session store reads with plain SQL what Django's database store reads: a live session's
data, nothing for an expired or unknown key (which then gets a new key when saved)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from risingtide.people.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_back():
    store = SessionStore()
    store["colour"] = "amber"
    store.save()
    again = SessionStore(store.session_key)
    assert again["colour"] == "amber"
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_as_empty():
    store = SessionStore()
    store["colour"] = "amber"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert "colour" not in expired
    assert expired.session_key is None
    assert dict(SessionStore("x" * 32).items()) == {}


def test_signing_in_and_out_through_the_pages(world, client):
    """The real sign-in keeps the person signed in from page to page, and signing out ends it."""
    user = world.user("teacher@own")
    client.force_login(user)
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_the_password_page_shows_the_rules_and_still_changes_the_password(world, client):
    user = world.user("teacher@own")
    client.force_login(user)
    page = client.get("/accounts/password/").content.decode()
    assert "at least 8 characters" in page and "entirely numeric" in page
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": world.PASSWORD,
            "new_password1": "Bee-hotels-in-May",
            "new_password2": "Bee-hotels-in-May",
        },
    )
    user.refresh_from_db()
    assert changed.status_code == 302 and user.check_password("Bee-hotels-in-May")
