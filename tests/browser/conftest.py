"""Fixtures for the browser tests: one Debian chromium for the run, a fresh context per test,
pytest-django's live server speaking plain HTTP, and a log of what the browser complained about.

The tests read like the journeys people take through the site; ``steps.py`` holds the steps
they share and ``axe.py`` the accessibility check.
"""

import http.client
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Tests never touch the network: every name but the live server's fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# Reports each ``securitypolicyviolation`` event to Python. It runs through the DevTools
# protocol, so the page's own policy (no inline script) does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` on ${event.documentURI} (${event.sourceFile || "page"}:${event.lineNumber})`
  );
}, true);
"""

# Generous: CI runs the browser journeys on two busy cores, where a nested player frame has
# taken over 5 s to load. A wait that is met returns at once, so passing runs are no slower.
expect.set_options(timeout=15_000)


@dataclass
class BrowserLog:
    """What the browser said while a test ran: CSP violations, uncaught script errors, and
    stylesheets, scripts or images the page asked for and did not get."""

    csp_violations: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    missing_files: dict[str, str] = field(default_factory=dict)  # URL -> what went wrong

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(f"{message.location.get('url')}: {message.text}")

    def on_csp_event(self, description: str) -> None:
        self.csp_violations.append(description)

    def on_page_error(self, error: Error) -> None:
        self.script_errors.append(f"{error.name}: {error.message}")

    def on_response(self, response: Response) -> None:
        # A page itself may answer 400 or 403 on purpose; what it loads never should fail.
        # A note's autosave answers 409 on purpose when another copy saved first.
        if response.request.resource_type in ("fetch", "xhr") and response.status == 409:
            return
        if response.request.resource_type != "document" and response.status >= 400:
            self.missing_files[response.url] = f"HTTP {response.status}"

    def on_request_failed(self, request: Request) -> None:
        # ERR_ABORTED is the browser dropping a request because the page moved on (or because it
        # failed with an HTTP status, which on_response has already noted).
        if request.resource_type != "document" and request.failure != "net::ERR_ABORTED":
            self.missing_files.setdefault(request.url, str(request.failure))

    def assert_no_csp_violations(self) -> None:
        if self.csp_violations:
            raise AssertionError(
                "Content-Security-Policy violations:\n"
                + "\n".join(f"- {v}" for v in self.csp_violations)
            )

    def assert_clean(self) -> None:
        self.assert_no_csp_violations()
        if self.script_errors:
            raise AssertionError(
                "Uncaught script errors:\n" + "\n".join(f"- {e}" for e in self.script_errors)
            )
        if self.missing_files:
            raise AssertionError(
                "Pages asked for files the server did not give:\n"
                + "\n".join(f"- {url}: {why}" for url, why in self.missing_files.items())
            )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run after all the others (in their usual order otherwise): once Playwright
    has started, the rest of the session runs beside its event loop (see ``browser``)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run.

    Playwright's sync API keeps its event loop marked as running in this thread, so Django
    refuses ORM calls here (SynchronousOnlyOperation) unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
    It is set only while Playwright runs, so subprocesses other tests start (such as
    ``check --deploy``, which rejects it) never inherit it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _assert_plain_http(url: str) -> None:
    parts = urlsplit(url)
    # 30 s: the first page (templates compiled, apps warmed) took over 5 s on a busy machine.
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", "/accounts/login/")
        response = connection.getresponse()
        assert response.status == 200, (
            f"the live server answered {response.status} {response.getheader('Location')} "
            "for the sign-in page over HTTP: it was started with SECURE_SSL_REDIRECT on"
        )
    finally:
        connection.close()


_checked_servers: set[str] = set()


@pytest.fixture
def server(request, transactional_db, settings):
    """pytest-django's session-wide live server, serving plain HTTP.

    SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread builds its
    handler, so the server is started (on first use) inside the override; the cookie flags are
    read on every response, so they are overridden for each test.
    """
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        live_server = request.getfixturevalue("live_server")
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, live_server.thread.host]
    if live_server.url not in _checked_servers:
        _assert_plain_http(live_server.url)
        _checked_servers.add(live_server.url)
    return live_server


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser: Browser, server, browser_log: BrowserLog) -> Iterator[Page]:
    """A new browser context (no cookies, no storage) on the live server, for one test."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    context.expose_function("reportCspViolation", browser_log.on_csp_event)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", browser_log.on_console)
    page.on("pageerror", browser_log.on_page_error)
    page.on("response", browser_log.on_response)
    page.on("requestfailed", browser_log.on_request_failed)
    yield page
    context.close()
    # Every page any test visits is held to the policy, whether or not the test checks it.
    browser_log.assert_clean()


class _DemoSnapshot:
    """The demo world as first loaded in this run: the database (an in-memory SQLite copy) and
    the files it wrote. Loading the demo takes seconds of processor time and thirty browser
    tests ask for it; copying it back with SQLite's backup API takes milliseconds."""

    database = None  # sqlite3.Connection
    files: Path | None = None


def _copy_tree(source: Path, target: Path) -> None:
    if source.exists():
        shutil.copytree(source, target, dirs_exist_ok=True)


@pytest.fixture
def demo(transactional_db, settings, tmp_path_factory):
    """The demo world: one sign-in per role, all with ``world.DEMO_PASSWORD``.

    On SQLite it is loaded once per run and copied in for each later test (database, uploads
    and the signing keys it made), so every test still starts from the whole, untouched demo
    (the test's own changes are flushed afterwards as before). On PostgreSQL it is loaded each
    time."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from risingtide.demo import world
    from risingtide.schools.models import Nation

    if connection.vendor != "sqlite":
        return world.load_demo()
    connection.ensure_connection()
    folders = {"media": Path(settings.MEDIA_ROOT), "keys": Path(settings.CREDENTIAL_KEY_DIR)}
    if _DemoSnapshot.database is None:
        nation = world.load_demo()
        _DemoSnapshot.database = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_DemoSnapshot.database)
        _DemoSnapshot.files = tmp_path_factory.mktemp("demo-snapshot")
        for name, folder in folders.items():
            _copy_tree(folder, _DemoSnapshot.files / name)
        return nation
    _DemoSnapshot.database.backup(connection.connection)
    for name, folder in folders.items():
        _copy_tree(_DemoSnapshot.files / name, folder)
    ContentType.objects.clear_cache()  # the copy's content types replace the flushed ones
    return Nation.objects.get(name=world.DEMO_NATION)


@pytest.fixture
def tiny_world(transactional_db):
    from risingtide.demo.testing import build_tiny_world

    return build_tiny_world()


# A web page to clip, served on loopback and reached only through the test allow-list.
PAGE = b"""<!doctype html><html lang="en"><head><title>Bee hotels</title>
<meta property="og:site_name" content="Garden Wildlife"><meta name="description"
content="How to help solitary bees."><script>window.stolen = document.cookie</script></head>
<body><article><p>Solitary bees nest in hollow stems and holes in wood.</p>
<p onmouseover="alert(1)">A bee hotel gives them somewhere to lay eggs.</p></article>
</body></html>"""


@pytest.fixture
def page_server(settings):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{httpd.server_address[1]}"]
    yield f"http://127.0.0.1:{httpd.server_address[1]}/bee-hotels"
    httpd.shutdown()
