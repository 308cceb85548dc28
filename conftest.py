"""Test-wide fixtures: no network beyond loopback, a fresh media folder, the tiny world."""

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address) -> bool:
    if isinstance(address, str | bytes):  # a Unix socket path
        return True
    host = address[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _guarded(real):
    def connect(self, address):
        if not _is_loopback(address):
            raise OSError(f"test tried to connect outside loopback: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_network_beyond_loopback():
    """Any attempt to reach beyond 127.0.0.0/8 or ::1 fails the test that made it."""
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Argon2 is deliberately slow; tests check it is production's hasher (test_settings.py)
    # and otherwise hash with a fast one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # Each test's database starts again (and SQLite hands out the same ids again), so nothing
    # cached under a person's id may outlive the test.
    from django.core.cache import cache

    cache.clear()


def _https_client():
    from django.test import Client

    class HttpsClient(Client):
        def generic(self, *args, secure=True, **kwargs):
            return super().generic(*args, secure=True, **kwargs)

    return HttpsClient()


@pytest.fixture
def client():
    """The test client over HTTPS: tests run with production's security settings."""
    return _https_client()


@pytest.fixture
def world(db):
    from risingtide.demo.testing import build_tiny_world

    return build_tiny_world()


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client of its own, signed in as that user (so a test can
    hold a teacher's and a pupil's side by side)."""

    def sign_in(user):
        client = _https_client()
        client.force_login(user)
        return client

    return sign_in
