"""Faults in the middle of work, with real processes against PostgreSQL (decision 29,
docs/performance.md "Faults"):

- the task worker SIGKILLed part-way through writing a pupil-data import, and part-way through
  an LA's report run: nothing of either is kept (the import's rows were one uncommitted
  transaction; no school sees the run's reports), and the pages say it stopped;
- PostgreSQL "restarted" under a running app server (the proxy between them closed, then
  opened again): a 503 page that says to try again, no 500, no traceback, and service back
  on its own, with the same session;
- Redis stopped under it: pages still served, nobody signed out; a sign-out during the outage
  holds once Redis is back;
- the app server SIGKILLed part-way through a note save: all or nothing.

The shared PostgreSQL and Redis are never restarted: the app reaches them through a proxy on
loopback (tests/tcp_proxy.py) that the test closes and opens. PostgreSQL only.
"""

import contextlib
import copy
import threading
import urllib.error
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from risingtide.demo.testing import TinyWorld, build_tiny_world
from risingtide.lib.tests.redis_testing import TEST_REDIS_URL, needs_redis
from tests.processes import Site, wait_for, wait_up
from tests.tcp_proxy import Proxy
from tests.test_note_durability import Browser

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("fault tests run against PostgreSQL: set RISINGTIDE_DATABASE_URL")
    needs_redis()


@pytest.fixture
def world(postgres):
    from risingtide.people.models import User

    world = build_tiny_world()
    # The servers hash as production does (Argon2), not with the tests' fast hasher.
    User.objects.update(password=make_password(TinyWorld.PASSWORD, hasher="argon2"))
    return world


def paused_worker(site, tmp_path, point):
    """A worker that stops dead at ``point`` (lib/faults.py) and the file it touches there."""
    signal_file = tmp_path / f"paused-{point}"
    worker = site.start_worker(RISINGTIDE_PAUSE_AT=f"{point}:{signal_file}")
    return worker, signal_file


def test_a_worker_killed_mid_import_or_mid_report_run_keeps_nothing(
    world, tmp_path, client_for, settings
):
    from risingtide.home.queries import insight_schools
    from risingtide.insights.models import ReportRun, SchoolReportFile
    from risingtide.insights.tasks import make_school_reports
    from risingtide.register import import_steps
    from risingtide.register.import_batches import ImportBatch
    from risingtide.register.models import Pupil
    from risingtide.register.tasks import check_import
    from risingtide.register.tests import tabular_files

    settings.MEDIA_ROOT = tmp_path / "shared-media"
    site = Site(tmp_path)
    try:
        # A coordinator's import of 40 new pupils, checked and confirmed.
        school, lead = world.schools["own"], world.user("leading_teacher@own")
        coordinator = client_for(lead)
        coordinator.post(
            reverse("register:register_imports", args=[school.pk]),
            {
                "file": SimpleUploadedFile("pupils.csv", tabular_files.csv_bytes(40, "sims")),
                "format": "csv",
                "kind": "pupils",
            },
        )
        batch = ImportBatch.objects.get(file_name="pupils.csv")
        if batch.state == ImportBatch.State.MAPPING:
            form = {f"map_{k}": v for k, v in batch.mapping.items()}
            coordinator.post(reverse("register:register_import_mapping", args=[batch.pk]), form)
        assert check_import.call(batch.pk) == "checked"
        pupils = Pupil.objects.filter(school=school).count()
        import_steps.confirm_import(lead, ImportBatch.objects.get(pk=batch.pk))

        worker, paused = paused_worker(site, tmp_path, "import.rows_written")
        wait_for(paused.exists, seconds=60, what="the worker to be writing the import")
        site.kill(worker)
        assert Pupil.objects.filter(school=school).count() == pupils  # not one row kept
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.WRITING  # its task will never finish it
        settings.TASK_STALLED_MINUTES = 0  # (an hour, in production) the page says so
        page = coordinator.get(reverse("register:register_import", args=[batch.pk]))
        assert "The import stopped part-way" in page.content.decode()

        # An LA's report run, killed after the first school's PDF.
        la = world.las["own"]
        run = ReportRun.objects.create(local_authority=la, year=2025, total=3)
        make_school_reports.enqueue(run.pk)
        worker, paused = paused_worker(site, tmp_path, "reports.one_made")
        wait_for(paused.exists, seconds=60, what="the worker to have made one report")
        site.kill(worker)
        assert SchoolReportFile.objects.filter(run=run).count() == 1
        head = world.user("head@own")
        assert [s.report_id for s in insight_schools(head)] == [None]  # no school sees it
        la_lead = client_for(world.user("la_lead@own"))
        page = la_lead.get(reverse("insights:insights_run", args=[la.pk, run.pk]))
        assert "The reports stopped part-way" in page.content.decode()
    finally:
        site.stop()


def test_database_and_redis_outages_and_a_server_killed_mid_save(world, tmp_path):
    from risingtide.portfolios.models import Item, NoteRevision

    db = connection.settings_dict
    database = Proxy(int(db["PORT"] or 5432), db["HOST"] or "127.0.0.1").start()
    redis_url = urlsplit(TEST_REDIS_URL)
    redis = Proxy(redis_url.port or 6379, redis_url.hostname).start()
    site = Site(
        tmp_path,
        db_port=database.port,
        redis_url=f"redis://127.0.0.1:{redis.port}{redis_url.path}",
    )
    try:
        # Two servers started at once: the second stops dead in a note save (lib/faults.py).
        paused = tmp_path / "paused-note"
        base = site.start_server()
        pausing = site.start_server(RISINGTIDE_PAUSE_AT=f"note.saved_not_kept:{paused}")
        pausing_server = site.processes[-1]
        wait_up(base, pausing)
        pupil = Browser(base)
        pupil.get("/accounts/login/")
        pupil.post(
            "/accounts/login/",
            {"username": world.users["pupil@own"].username, "password": TinyWorld.PASSWORD},
        )
        item = world.items["own"]
        board = f"/portfolios/{world.portfolios['own'].pk}/"
        assert pupil.get(board)[0].endswith(board)

        teacher = Browser(base)
        teacher.get("/accounts/login/")
        teacher.post(
            "/accounts/login/",
            {"username": world.users["teacher@own"].username, "password": TinyWorld.PASSWORD},
        )
        assert not teacher.get("/")[0].endswith("/accounts/login/")
        session = copy.copy(next(c for c in teacher.jar if c.name == "sessionid"))

        # Redis stops: the board is still served, to the same signed-in pupil; the teacher
        # signs out meanwhile.
        redis.stop()
        for _ in range(3):
            url, page = pupil.get(board)
            assert url.endswith(board) and "own note" in page
        teacher.post("/accounts/logout/", {})
        redis.start()
        # Redis is back with the teacher's session still in it: the old cookie, sent again,
        # signs nobody in (the server deleted it from Redis before using Redis again).
        teacher.jar.set_cookie(session)
        assert teacher.get("/")[0].endswith("/accounts/login/?next=/")
        assert pupil.get(board)[0].endswith(board)

        # PostgreSQL "restarts": a 503 page that says to try again, then service resumes.
        database.stop()
        try:
            pupil.get(board)
            raise AssertionError("a page was served without its database")
        except urllib.error.HTTPError as answer:
            assert answer.code == 503
            assert answer.headers["Retry-After"] == "10"
            text = answer.read().decode()
            assert "Back in a moment" in text and "Traceback" not in text
        database.start()
        url, page = pupil.get(board)
        assert url.endswith(board) and "own note" in page  # the same session, no restart

        # A server is killed in the middle of a note save: nothing of it is kept.
        pupil.base = pausing
        item.refresh_from_db()
        before = (item.version, item.body, NoteRevision.objects.filter(item=item).count())

        def save():
            with contextlib.suppress(OSError):  # the server dies under it, as intended
                pupil.post(
                    f"/items/{item.pk}/save/",
                    {"body": "Half a thought", "version": str(item.version)},
                )

        saving = threading.Thread(target=save)
        saving.start()
        wait_for(paused.exists, seconds=30, what="the save to be under way")
        site.kill(pausing_server)
        saving.join(timeout=15)
        item = Item.objects.get(pk=item.pk)
        after = (item.version, item.body, NoteRevision.objects.filter(item=item).count())
        assert after == before
    finally:
        site.stop()
        database.stop()
        redis.stop()
