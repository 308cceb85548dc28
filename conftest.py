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


def _shared_wanted(item) -> str | None:
    """Which shared world the test runs inside: the tiny ``world``, the ``shared_demo``, or
    none (a transactional test must commit, so it never does)."""
    if _transactional(item):
        return None
    names = getattr(item, "fixturenames", ())
    if "world" in names:
        return "world"
    return "demo" if "shared_demo" in names else None


class SharedWorld:
    def __init__(self, blocker, media_root, build):
        self.blocker = blocker
        self.media_root = media_root
        self.build = build
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

        self.builds += 1
        media = self.media_root / str(self.builds)
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            keys = media / "credential-keys"
            with override_settings(
                MEDIA_ROOT=media / "media", CREDENTIAL_KEY_DIR=keys, PASSWORD_HASHERS=hashers
            ):
                self.world = self.build()
        self.media = media
        cache.clear()

    def copy_files(self, settings) -> None:
        """The files the build wrote, into the test's own folders (a test may change them)."""
        import shutil

        for name, target in (
            ("media", settings.MEDIA_ROOT),
            ("credential-keys", settings.CREDENTIAL_KEY_DIR),
        ):
            if (self.media / name).exists():
                shutil.copytree(self.media / name, target, dirs_exist_ok=True)

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


_SHARED_WORLDS = pytest.StashKey[dict]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """After pytest-django's order (database tests, then transactional, then the rest) and the
    browser tests' last place: the plain database tests first, then those inside the shared
    demo, then those inside the tiny world. A stable sort, so everything else keeps its place."""

    def rank(item) -> int:
        if not _uses_db(item) or _transactional(item):
            return 3
        return {None: 0, "demo": 1, "world": 2}[_shared_wanted(item)]

    items.sort(key=rank)


def pytest_itemcollected(item) -> None:
    """Before ``-m`` selects: a test that uses no test database answers alike on SQLite and on
    PostgreSQL, so CI runs it once, in its PostgreSQL pass (decision 30). One that reads
    which database is configured without using the test database says ``per_database``."""
    if not _uses_db(item) and item.get_closest_marker("per_database") is None:
        item.add_marker(pytest.mark.no_db)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before any of the test's fixtures (so before its own transaction begins): open the
    shared world's transaction for a test that wants it, close it for one that must not see it."""
    shared = item.config.stash.get(_SHARED_WORLDS, None)
    if shared is None:
        return
    wanted = _shared_wanted(item)
    for name, each in shared.items():  # close the others first: one transaction at a time
        if name != wanted and each.open and (wanted or _uses_db(item)):
            each.stop()
    if wanted:
        if not shared[wanted].open:
            shared[wanted].start()
        shared[wanted].reset()


def _load_demo():
    from risingtide.demo import world

    return world.load_demo()


def _build_tiny_world():
    from risingtide.demo.testing import build_tiny_world

    return build_tiny_world()


@pytest.fixture(scope="session")
def _shared_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    shared = {
        "world": SharedWorld(
            django_db_blocker, tmp_path_factory.mktemp("world-files"), _build_tiny_world
        ),
        "demo": SharedWorld(django_db_blocker, tmp_path_factory.mktemp("demo-files"), _load_demo),
    }
    request.config.stash[_SHARED_WORLDS] = shared
    yield shared
    for each in shared.values():
        each.stop()


@pytest.fixture
def world(request, _shared_world, db, settings):
    import copy

    shared = _shared_world["world"]
    if not shared.open:  # the run's first database test, or a transactional one
        return _build_tiny_world()
    shared.copy_files(settings)
    return copy.deepcopy(shared.world)


@pytest.fixture
def shared_demo(request, _shared_world, db, settings):
    """The demo world's nation, loaded once per run and shared as the tiny world is: each test
    runs inside the loaded demo and its changes are rolled back. For tests that read the demo;
    one that must load it itself (into an empty database) calls ``load_demo``."""
    from risingtide.schools.models import Nation

    shared = _shared_world["demo"]
    if not shared.open:  # the run's first database test: the hook had no worlds to open yet
        return _load_demo()
    shared.copy_files(settings)
    return Nation.objects.get(pk=shared.world.pk)


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client of its own, signed in as that user (so a test can
    hold a teacher's and a pupil's side by side)."""

    def sign_in(user):
        client = _https_client()
        client.force_login(user)
        return client

    return sign_in
