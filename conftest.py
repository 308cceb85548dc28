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
    settings.CREDENTIAL_KEY_DIR = tmp_path / "credential-keys"
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


# --- The tiny world, built once ----------------------------------------------------------------
# Two thousand tests start from the tiny world, and building it (about 300 statements) was most
# of the suite's time, more so on PostgreSQL. So it is built once per run (per xdist worker) in
# a transaction left open, and each test that asks for it runs inside that one, as Django's own
# TestCase runs inside its class's: the test's changes are rolled back to the built world, and
# the test gets its own deep copy of the Python objects (as ``setUpTestData`` does) and its own
# copy of the world's files. Tests that use the database without the world, and transactional
# ones (which must commit), close that transaction first: they see an empty database, as before.
# Tests are ordered so that each group runs together (database without world, with world,
# transactional), so the world is built about once.


def _transactional(item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(
            marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        )
    )


def _uses_db(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "db" in names or _transactional(item) or item.get_closest_marker("django_db") is not None


def _wants_shared_world(item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not _transactional(item)


class SharedWorld:
    def __init__(self, blocker, media_root):
        self.blocker = blocker
        self.media_root = media_root
        self.atomic = None
        self.world = None
        self.builds = 0

    @property
    def open(self) -> bool:
        return self.atomic is not None

    def start(self) -> None:
        from django.core.cache import cache
        from django.db import transaction
        from django.test import override_settings

        from risingtide.demo.testing import build_tiny_world

        self.builds += 1
        media = self.media_root / str(self.builds)
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers):
                self.world = build_tiny_world()
        self.media = media
        cache.clear()

    def reset(self) -> None:
        """What a test may change of the open transaction itself and no savepoint undoes:
        PostgreSQL's ``SET CONSTRAINTS ALL IMMEDIATE`` (some code sets it before a TRUNCATE)
        would otherwise make the next test's foreign keys checked at once."""
        from django.db import connection

        if connection.vendor == "postgresql":
            with self.blocker.unblock(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def stop(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.world = None


_SHARED_WORLD = pytest.StashKey[SharedWorld]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """After pytest-django's order (database tests, then transactional, then the rest) and the
    browser tests' last place: the plain database tests without the world before those with it.
    A stable sort, so everything else keeps its place."""

    def rank(item) -> int:
        if not _uses_db(item) or _transactional(item):
            return 2
        return 1 if "world" in item.fixturenames else 0

    items.sort(key=rank)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before any of the test's fixtures (so before its own transaction begins): open the
    shared world's transaction for a test that wants it, close it for one that must not see it."""
    shared = item.config.stash.get(_SHARED_WORLD, None)
    if shared is None:
        return
    if _wants_shared_world(item):
        if not shared.open:
            shared.start()
        shared.reset()
    elif shared.open and _uses_db(item):
        shared.stop()


@pytest.fixture(scope="session")
def _shared_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    shared = SharedWorld(django_db_blocker, tmp_path_factory.mktemp("world-media"))
    request.config.stash[_SHARED_WORLD] = shared
    yield shared
    shared.stop()


@pytest.fixture
def world(request, _shared_world, db, settings):
    import copy
    import shutil

    from risingtide.demo.testing import build_tiny_world

    if not _shared_world.open:  # the first such test of the run, or a transactional one
        return build_tiny_world()
    if _shared_world.media.exists():
        shutil.copytree(_shared_world.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(_shared_world.world)


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client of its own, signed in as that user (so a test can
    hold a teacher's and a pupil's side by side)."""

    def sign_in(user):
        client = _https_client()
        client.force_login(user)
        return client

    return sign_in
