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


def test_a_row_is_decoded_as_django_decodes_it_and_checked_once(monkeypatch):
    """The same data as Django's own decode, each read a fresh copy; a row's signature is
    checked once (the hash runs for the first read only)."""
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.core import signing

    from risingtide.people import sessions

    store = SessionStore()
    row = store.encode({"colour": "amber", "seen": [1, 2]})
    assert store.decode(row) == DjangoStore().decode(row) == {"colour": "amber", "seen": [1, 2]}
    store.decode(row)["seen"].append(3)  # a change to one read is not in the next
    checks = []
    real = signing.Signer.unsign
    monkeypatch.setattr(signing.Signer, "unsign", lambda *a, **k: checks.append(1) or real(*a, **k))
    sessions._CHECKED.clear()
    assert store.decode(row)["seen"] == [1, 2]
    assert store.decode(row)["seen"] == [1, 2]
    assert len(checks) == 1


def test_a_tampered_or_foreign_row_is_an_empty_session_every_time(caplog, settings):
    store = SessionStore()
    row = store.encode({"_auth_user_id": "1"})
    assert store.decode(row) == {"_auth_user_id": "1"}
    payload, signature = row.rsplit(":", 1)
    tampered = f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    for _ in range(2):  # refused again: a bad row is never remembered as good
        assert store.decode(tampered) == {}
    assert "Session data corrupted" in caplog.text
    # A row checked under one key is not good under another.
    settings.SECRET_KEY = "another-key-" * 5
    assert store.decode(row) == {}
    assert SessionStore().decode("not a row at all") == {}


def test_a_long_row_is_checked_every_time_and_never_remembered(monkeypatch):
    """A row anyone can make long (a sign-in flow's return address) is not kept in memory."""
    import secrets

    from django.core import signing

    from risingtide.people import sessions

    store = SessionStore()
    away = "/" + secrets.token_hex(2000)  # random: the row's compression cannot shorten it
    row = store.encode({"next": away})
    assert len(row) > sessions._CHECKED_LONGEST
    checks = []
    real = signing.Signer.unsign
    monkeypatch.setattr(signing.Signer, "unsign", lambda *a, **k: checks.append(1) or real(*a, **k))
    sessions._CHECKED.clear()
    for _ in range(3):
        assert store.decode(row) == {"next": away}
    assert len(checks) == 3 and not sessions._CHECKED


def test_a_row_good_only_under_a_fallback_key_is_refused_once_that_key_is_gone(settings):
    old_key = "the-old-key-" * 5
    settings.SECRET_KEY = old_key
    row = SessionStore().encode({"_auth_user_id": "1"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-key-" * 5, [old_key]
    assert SessionStore().decode(row) == {"_auth_user_id": "1"}
    settings.SECRET_KEY_FALLBACKS = []
    assert SessionStore().decode(row) == {}
