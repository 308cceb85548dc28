"""Two app servers and two task workers on loopback against one PostgreSQL database and one
Redis, as several machines would run them (decision 29, docs/deploy.md):

- a sign-in lock-out earned on one server holds on the other (axes' records are rows);
- a note saved through one server is read through the other, and the other's kept board,
  shared in Redis, shows it at once (the cache invalidation holds across servers);
- forty tasks enqueued while both workers run are each run exactly once, by one of them.

PostgreSQL only (CI's PostgreSQL pass runs it); SQLite is one machine's database.
"""

import urllib.error
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django_tasks_db.models import DBTaskResult

from risingtide.demo.testing import TinyWorld, build_tiny_world
from risingtide.lib.tests.redis_testing import needs_redis
from tests.processes import Site, wait_for, wait_up
from tests.scaleout_tasks import note_run
from tests.test_note_durability import Browser

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]

TASKS = 40


@pytest.fixture
def site(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL: set RISINGTIDE_DATABASE_URL")
    needs_redis()
    site = Site(tmp_path, RISINGTIDE_LOGIN_FAILURE_LIMIT="2")
    yield site
    site.stop()


def signed_in(base, username):
    browser = Browser(base)
    browser.get("/accounts/login/")
    url, _ = browser.post(
        "/accounts/login/", {"username": username, "password": TinyWorld.PASSWORD}
    )
    assert not url.endswith("/accounts/login/"), f"{username} could not sign in at {base}"
    return browser


def refused(browser, path, data):
    try:
        _, page = browser.post(path, data)
    except urllib.error.HTTPError as answer:
        page = answer.read().decode()
    return page


def test_two_servers_and_two_workers_share_one_site(site, tmp_path):
    world = build_tiny_world()
    # The servers hash as production does (Argon2), not with the tests' fast hasher.
    from risingtide.people.models import User

    User.objects.update(password=make_password(TinyWorld.PASSWORD, hasher="argon2"))
    first, second = site.start_server(), site.start_server()
    workers = [site.start_worker(), site.start_worker()]
    runs = tmp_path / "runs"
    runs.mkdir()
    for number in range(TASKS):  # enqueued while the processes start, as on a busy site
        note_run.enqueue(number, str(runs))
    wait_up(first, second)

    # A lock-out earned on the first server holds on the second.
    teacher = world.users["teacher@own"].username
    stranger = Browser(first)
    stranger.get("/accounts/login/")
    for _ in range(2):
        refused(stranger, "/accounts/login/", {"username": teacher, "password": "wrong"})
    elsewhere = Browser(second)
    elsewhere.get("/accounts/login/")
    page = refused(
        elsewhere, "/accounts/login/", {"username": teacher, "password": TinyWorld.PASSWORD}
    )
    assert "Too many tries" in page

    # A note saved through one server is read through the other, board and all.
    pupil = world.users["pupil@own"].username
    item, portfolio = world.items["own"], world.portfolios["own"]
    on_first, on_second = signed_in(first, pupil), Browser(second)
    # The same browser (its cookies), sent to either server by the proxy.
    on_second.jar, on_second.opener = on_first.jar, on_first.opener
    _, board = on_second.get(f"/portfolios/{portfolio.pk}/")
    assert "Mason bees nest in hollow stems" not in board
    item.refresh_from_db()
    on_first.post(
        f"/items/{item.pk}/save/",
        {"body": "Mason bees nest in hollow stems", "version": str(item.version)},
    )
    _, page = on_second.get(f"/items/{item.pk}/")
    assert "Mason bees nest in hollow stems" in page
    _, board = on_second.get(f"/portfolios/{portfolio.pk}/")
    assert "Mason bees nest in hollow stems" in board

    # Each task ran exactly once, and both workers took part.
    def all_ran():
        return len(list(runs.iterdir())) >= TASKS and not DBTaskResult.objects.exclude(
            status="SUCCESSFUL"
        ).filter(task_path__endswith="note_run")

    wait_for(all_ran, seconds=30, what="every task to run")
    for worker in workers:
        site.kill(worker)
    ran = [Path(name).name.split("-") for name in runs.iterdir()]
    assert sorted(int(number) for number, _, _ in ran) == list(range(TASKS))
    assert len({pid for _, pid, _ in ran}) == 2, "one worker took every task"
    results = DBTaskResult.objects.filter(task_path__endswith="note_run")
    assert results.count() == TASKS
    assert all(len(result.worker_ids) == 1 for result in results)
