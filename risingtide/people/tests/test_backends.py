"""The person backend loads the signed-in person as Django's ModelBackend does, with one plain
statement, and sessions signed in under Django's backend keep working."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.demo.testing import TinyWorld
from risingtide.people.backends import DJANGO_MODEL_BACKEND, PERSON_BACKEND, PersonBackend
from risingtide.people.models import User
from risingtide.people.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_person_is_loaded_as_modelbackend_loads_them(world):
    user = world.user("teacher@own")
    with CaptureQueriesContext(connection) as queries:
        ours = PersonBackend().get_user(user.pk)
    assert len(queries) == 1
    djangos = ModelBackend().get_user(user.pk)
    assert _fields(ours) == _fields(djangos)
    # Types too, not only values: booleans are booleans on SQLite as well.
    assert {k: type(v) for k, v in _fields(ours).items()} == {
        k: type(v) for k, v in _fields(djangos).items()
    }


def test_nobody_for_an_unknown_inactive_or_odd_id(world):
    user = world.user("teacher@own")
    backend = PersonBackend()
    assert backend.get_user(10**9) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(str(user.pk)) == user  # sessions keep the id as text
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_a_session_from_djangos_backend_is_read_as_ours(world, client):
    user = world.user("teacher@own")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = DJANGO_MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    assert SessionStore(store.session_key)[BACKEND_SESSION_KEY] == PERSON_BACKEND
    client.cookies["sessionid"] = store.session_key
    assert client.get("/").wsgi_request.user == user


def test_signing_in_through_the_form_records_our_backend(world, client):
    user = world.user("teacher@own")
    client.post("/accounts/login/", {"username": user.username, "password": TinyWorld.PASSWORD})
    assert client.session[BACKEND_SESSION_KEY] == PERSON_BACKEND
