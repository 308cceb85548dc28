"""With the shared Redis configured but unreachable, the site carries on from the database:
pages answer, nobody signed in is signed out, and signing in and out still work (cached_db
sessions over lib/shared_cache.py). Redis here is a loopback port nothing listens on."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from risingtide.lib.tests.redis_testing import closed_port


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "risingtide.lib.shared_cache.SharedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/5",
            "KEY_PREFIX": "rt-test",
        }
    }
    settings.SESSION_ENGINE = "risingtide.people.cached_sessions"


def test_a_signed_in_teacher_stays_signed_in_while_redis_is_down(world, client_for, redis_down):
    teacher = client_for(world.users["teacher@own"])
    for _ in range(2):
        response = teacher.get(reverse("home:home"))
        assert response.status_code == 200
        assert response.wsgi_request.user == world.users["teacher@own"]


def test_sign_in_and_out_work_while_redis_is_down(world, client, redis_down):
    from risingtide.demo.testing import TinyWorld

    pupil = world.users["pupil@own"]
    response = client.post(
        reverse("people:login"), {"username": pupil.username, "password": TinyWorld.PASSWORD}
    )
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()  # the database holds it
    assert client.get(reverse("home:home")).wsgi_request.user == pupil
    client.post(reverse("people:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, sent again, signs nobody in
    assert client.get(reverse("home:home")).status_code == 302
