"""Nothing a pupil writes is lost: a note autosaved through the real server is still there after
the server is killed (SIGKILL, no clean shutdown) and started again. SQLite, as the demo runs."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from risingtide.lib.testing import migrated_data_dir
from tests.test_demo_command import free_port


def risingtide(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "risingtide.cli", *args], env=env, check=True, **kwargs
    )


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def post(self, path, data, headers=None):
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True
        ).encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Referer": self.base + path, "X-CSRFToken": self.csrf(), **(headers or {})},
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()


def serve(env, port):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "risingtide.cli",
            "serve",
            "--dev",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-collectstatic",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_up(base):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not start")


def test_autosaved_note_survives_a_killed_server(tmp_path):
    env = {
        **os.environ,
        "RISINGTIDE_DATA_DIR": str(tmp_path),
        "RISINGTIDE_DATABASE_URL": "",
        "RISINGTIDE_SECRET_KEY": "durability-test-" + "k" * 50,
        "RISINGTIDE_HTTPS": "0",
    }
    migrated_data_dir(tmp_path, env, demo=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port)
    try:
        wait_up(base)
        pupil = Browser(base)
        pupil.get("/accounts/login/")
        pupil.post("/accounts/login/", {"username": "pupil", "password": "rising-tide-demo"})
        _, home = pupil.get("/")
        project = re.search(r'href="(/projects/\d+/)"', home).group(1)
        portfolio_url, _ = pupil.get(project + "my-portfolio/")
        portfolio = urllib.parse.urlparse(portfolio_url).path
        item_url, _ = pupil.post(portfolio + "notes/", {"stage": "gather", "title": "Bees"})
        item = urllib.parse.urlparse(item_url).path
        pupil.post(
            item + "save/", {"body": "Leafcutter bees cut circles from roses", "version": "1"}
        )
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    server = serve(env, port)
    try:
        wait_up(base)
        _, page = pupil.get(item)
        assert "Leafcutter bees cut circles from roses" in page
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
