"""SCORM modules in the browser. An LA lead uploads a package (and a hostile one is refused
with its reason); a leading teacher plays it part-way, signs out, and after a server restart
finds it where they left it, then plays it to the end, and the programme counts it.

The package plays from the player's own origin (the other loopback name: the page is on
``localhost``, the player on ``127.0.0.1``), so from inside it the platform's cookies cannot be
read and its API gives no authenticated answer; both are checked from within the package.

"Server restart": when the tests run on PostgreSQL, the second half is served by a new server
process (``manage runserver``) on the same database; otherwise by a fresh server thread with
the cache emptied. Either way nothing but the database carries the learner's place across,
and the rows are checked directly too. A SCORM 2004 package resumes and completes as well."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from risingtide.demo.testing import TinyWorld
from risingtide.people.models import User
from risingtide.training.models import Progress, ScormState
from risingtide.training.scorm import packages
from risingtide.training.tests import scorm_packages as make
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.conftest import CSP_LISTENER
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in_and_land_home,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def _sco(page: Page):
    """The package's own frame, inside the player's frame."""
    return page.frame_locator("#scorm-frame").frame_locator("#sco")


def _sco_frame(page: Page):
    return next(f for f in page.frames if f.url.endswith("/files/index.html"))


def _upload(page: Page, data: bytes, name: str) -> None:
    page.get_by_label("SCORM package (.zip)").set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": data}
    )
    page.get_by_role("button", name="Check and publish the package").click()


@contextmanager
def _restarted_server(port_dir, scorm_dir):
    """A new server on the same database: a new process on PostgreSQL; on SQLite (whose test
    database lives in this process's memory) a new server thread, the cache emptied."""
    cache.clear()
    if connection.vendor != "postgresql":
        server = LiveServer("localhost")
        try:
            yield server.url
        finally:
            server.stop()
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        RISINGTIDE_DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        RISINGTIDE_HTTPS="0",
        RISINGTIDE_DEBUG="0",
        RISINGTIDE_ALLOWED_HOSTS="localhost,127.0.0.1",
        RISINGTIDE_TRAINING_PLAYER_ORIGIN=f"http://127.0.0.1:{port}",
        RISINGTIDE_TRAINING_SCORM_DIR=str(scorm_dir),
        RISINGTIDE_LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "risingtide.cli",
            "manage",
            "runserver",
            "--noreload",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(port_dir / "server.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://localhost:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(
                        "the restarted server did not start:\n"
                        + (port_dir / "server.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_leading_teacher_plays_a_scorm_module_that_survives_sign_out_and_restart(
    page: Page, browser: Browser, server, tiny_world, settings, tmp_path, browser_log
):
    port = server.thread.port
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    settings.TRAINING_PLAYER_ORIGIN = f"http://127.0.0.1:{port}"
    world = add_training(tiny_world)
    programme = world.programmes["own"]

    # --- The LA lead adds the package to their LA's programme. ---
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/training/programmes/{programme.pk}/")
    page.get_by_role("link", name="SCORM packages").click()
    slip = make.build({**make.files(), "../../outside.html": "<p>escaped</p>"})
    _upload(page, slip, "hostile.zip")
    expect(page.get_by_text("has a path that leaves its folder")).to_be_visible()
    assert not (tmp_path / "scorm").exists() or not any((tmp_path / "scorm").rglob("*.*"))
    assert_accessible(page)
    screenshot(page, "training-scorm-refused-1280")
    _upload(page, make.package("1.2", title="Spotting the more able"), "spotting.zip")
    expect(page.get_by_role("status")).to_contain_text("Published “Spotting the more able”")
    expect(page.get_by_role("cell", name="SCORM 1.2")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-scorm-upload-1280")
    on_a_phone(page, "training-scorm-upload")
    sign_out(page)

    # --- A leading teacher plays it part-way. ---
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Own LA essentials").click()
    page.get_by_role("link", name="Spotting the more able").click()
    expect(page).to_have_url(re.compile(r"/training/modules/\d+/play/$"))
    expect(_sco(page).locator("#out")).to_have_text("First visit")
    _sco(page).get_by_role("button", name="Go to page 2").click()
    expect(page.locator("#scorm-status")).to_contain_text("Your place was saved")
    state = ScormState.objects.get()
    assert (state.suspend_data, state.location, state.exit) == ("seen=1,2", "page-2", "suspend")
    assert_accessible(page, frames=False)
    screenshot(page, "training-scorm-playing-1280")
    on_a_phone(page, "training-scorm-playing")

    # --- From inside the package: no platform cookie, no platform API. ---
    names = {c["name"] for c in page.context.cookies(f"http://localhost:{port}")}
    assert {"sessionid", "csrftoken"} & names, "the platform page itself is signed in"
    # The session and CSRF cookies are HttpOnly anyway: a readable cookie of the platform's
    # shows the package's frame is in another cookie jar, not merely kept from HttpOnly ones.
    page.context.add_cookies([{"name": "probe", "value": "platform", "url": page.url}])
    assert "probe=platform" in page.evaluate("document.cookie")
    sco = _sco_frame(page)
    assert sco.evaluate("document.cookie") == ""
    assert (
        sco.evaluate(
            "() => { try { return window.top.document.cookie; } catch (e) { return e.name; } }"
        )
        == "SecurityError"
    )
    platform_api = sco.evaluate(
        """url => fetch(url, {credentials: "include"})
            .then(r => r.status).catch(e => "refused: " + e.name)""",
        f"http://localhost:{port}/api/v1/me",
    )
    assert platform_api == "refused: TypeError"  # cross-origin, no CORS: no answer to read
    own_origin_api = sco.evaluate(
        """() => fetch("/api/v1/me", {credentials: "include"})
            .then(r => r.status + " " + r.headers.get("content-type"))""",
    )
    assert own_origin_api.startswith("404 text/plain")  # the player's origin has no API at all
    # Those two refusals were the point: they are not faults of the page.
    browser_log.csp_violations[:] = [v for v in browser_log.csp_violations if "/api/v1/me" not in v]
    browser_log.missing_files = {
        u: why for u, why in browser_log.missing_files.items() if "/api/v1/me" not in u
    }
    sign_out(page)

    # --- Another day: a new browser, a restarted server. ---
    # The tests' fast password hasher is the tests' own: hash as production does, which the
    # restarted server (production settings) can check.
    User.objects.filter(username="lead.own").update(
        password=make_password(TinyWorld.PASSWORD, hasher="argon2")
    )
    with _restarted_server(tmp_path, tmp_path / "scorm") as url:
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
        context.expose_function("reportCspViolation", browser_log.on_csp_event)
        context.add_init_script(CSP_LISTENER)
        again = context.new_page()
        again.on("pageerror", browser_log.on_page_error)
        try:
            sign_in_and_land_home(again, "lead.own", TinyWorld.PASSWORD)
            again.goto(f"/training/programmes/{programme.pk}/")
            expect(again.get_by_text("In progress")).to_be_visible()
            again.get_by_role("link", name="Spotting the more able").click()
            expect(_sco(again).locator("#out")).to_have_text("Resumed at page-2 with seen=1,2")
            expect(again.locator("#scorm-status")).to_contain_text("Welcome back")
            _sco(again).get_by_role("button", name="Finish").click()
            expect(again.locator("#scorm-status")).to_have_text(
                "Module complete: your result is saved."
            )
            again.get_by_role("link", name="Back to Own LA essentials").click()
            expect(again.locator(".training-modules").get_by_text("Done")).to_have_count(1)
            assert_accessible(again)
            screenshot(again, "training-scorm-done-1280")
        finally:
            context.close()
    state = ScormState.objects.get()
    assert (state.completion_status, state.score_raw, state.session) == ("passed", 90, 2)
    assert state.total_centiseconds == 12_000  # the first session's two minutes
    assert Progress.objects.get(module__title="Spotting the more able").completed_at


def test_a_scorm_2004_module_resumes_and_completes(
    page: Page, server, tiny_world, settings, tmp_path
):
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    settings.TRAINING_PLAYER_ORIGIN = f"http://127.0.0.1:{server.thread.port}"
    world = add_training(tiny_world)
    module = packages.publish_package(
        world.users["la_lead@own"],
        world.programmes["own"],
        SimpleUploadedFile("p.zip", make.package("2004", title="Using the IQS")),
    ).module
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/training/modules/{module.pk}/play/")
    expect(_sco(page).locator("#out")).to_have_text("First visit")
    _sco(page).get_by_role("button", name="Go to page 2").click()
    expect(page.locator("#scorm-status")).to_contain_text("Your place was saved")
    page.reload()  # a new launch: the runtime is given what was kept
    expect(_sco(page).locator("#out")).to_have_text("Resumed at page-2 with seen=1,2")
    _sco(page).get_by_role("button", name="Finish").click()
    expect(page.locator("#scorm-status")).to_have_text("Module complete: your result is saved.")
    state = ScormState.objects.get()
    assert (state.completion_status, state.success_status, state.score_scaled) == (
        "completed",
        "passed",
        0.9,
    )
    assert state.total_centiseconds == 12_000  # the first launch's PT2M
    assert_accessible(page, frames=False)
