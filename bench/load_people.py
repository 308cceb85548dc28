"""The people of ``load_bench.py``: a pupil, a teacher and the coordinator at work, each a
thread with its own keep-alive connection, think times and tally of timings and errors."""

import contextlib
import http.client
import json
import re
import secrets
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import serve_bench

HOST = serve_bench.HOST
HEADERS = {**serve_bench.PROXY_HEADERS, "Accept": "text/html"}

STALE = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)

# What each kind of request must answer; anything else is an error.
EXPECTED = {
    "board (pupil)": 200,
    "autosave (pupil)": 200,
    "clipping (pupil)": 302,
    "progress grid (teacher)": 200,
    "import upload (coordinator)": 302,
    "import page (coordinator)": 200,
    "import progress (coordinator)": 200,
}


@dataclass
class Tally:
    """One person's timings and errors by kind of request (no sharing between threads)."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    examples: list[str] = field(default_factory=list)
    conflicts: int = 0  # 409s that follow a save the client gave up on (see ``request``)


class Person:
    def __init__(self, ports, cookie, deadline, measure_from, rng, tally):
        self.port = ports[rng.randrange(len(ports))]  # a browser keeps to one server
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        self.csrf = secrets.token_hex(16)
        self.cookie = f"sessionid={cookie}; csrftoken={self.csrf}"
        self.deadline = deadline
        self.measure_from = measure_from
        self.rng = rng
        self.tally = tally
        self.unanswered = False  # a request timed out since the last answer

    def request(self, kind, method, path, body=None, content_type=None) -> str:
        headers = {**HEADERS, "Cookie": self.cookie}
        if method == "POST":
            headers.update(
                {"X-CSRFToken": self.csrf, "Origin": f"https://{HOST}:{self.port}"},
            )
        if content_type:
            headers["Content-Type"] = content_type
        begun = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode(errors="replace")
                status = response.status
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                text, status = "", type(exc).__name__
                # The server closes a connection idle past its keep-alive time (a person
                # thinking); a browser then sends again on a new one, and so do we, once.
                if attempt == 2 or not isinstance(exc, STALE):
                    break
        elapsed = time.perf_counter() - begun
        if status == 409 and self.unanswered:
            # A save the client gave up on (timed out) was still made by the server, so the
            # next one is a version behind: the editor's conflict box, not a server fault.
            self.tally.conflicts += begun >= self.measure_from
            self.unanswered = False
            return text
        self.unanswered = self.unanswered or isinstance(status, str)
        if begun >= self.measure_from:
            if status == EXPECTED[kind]:
                self.tally.times[kind].append(elapsed)
            else:
                self.tally.errors[kind][str(status)] += 1
                if len(self.tally.examples) < 3:
                    self.tally.examples.append(f"{kind} {method} {path}: {status} {text[:300]}")
        return text

    def think(self, low: float, high: float) -> bool:
        """Wait like a person; False once the run is over."""
        pause = self.rng.uniform(low, high)
        if time.perf_counter() + pause >= self.deadline:
            return False
        time.sleep(pause)
        return True


def pupil(person: Person, plan: dict, clip_port: int) -> None:
    board = f"/portfolios/{plan['portfolio']}/?stage=gather"
    save = f"/items/{plan['note']}/save/"
    clip = f"/portfolios/{plan['portfolio']}/clippings/"
    version, words = 1, ["Bees nest in stems."]
    person.request("board (pupil)", "GET", board)
    # The editor saves a second after typing stops: a pupil at work, every 8 to 20 seconds.
    while person.think(8, 20):
        roll = person.rng.random()
        if roll < 0.75:
            words.append(
                person.rng.choice(["Mason bees", "need holes", "of 8 mm,", "facing south."])
            )
            form = urllib.parse.urlencode({"version": version, "body": " ".join(words)})
            text = person.request(
                "autosave (pupil)", "POST", save, form, "application/x-www-form-urlencoded"
            )
            # A 409 carries the current version, as the editor's conflict box does; the pupil
            # keeps their words and saves again on it.
            with contextlib.suppress(ValueError, KeyError):  # an error: counted already
                version = json.loads(text)["version"]
        elif roll < 0.85:
            url = f"http://{HOST}:{clip_port}/healthz?bee={uuid.uuid4().hex[:8]}"
            form = urllib.parse.urlencode({"stage": "gather", "url": url})
            person.request(
                "clipping (pupil)", "POST", clip, form, "application/x-www-form-urlencoded"
            )
        else:
            person.request("board (pupil)", "GET", board)


def teacher(person: Person, plan: dict) -> None:
    person.request("progress grid (teacher)", "GET", plan["progress"])
    while person.think(10, 20):
        person.request("progress grid (teacher)", "GET", plan["progress"])


def coordinator(person: Person, plan: dict) -> None:
    data = Path(plan["csv"]).read_bytes()
    while person.think(5, 15):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="pupils.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        person.request(
            "import upload (coordinator)",
            "POST",
            plan["imports"],
            body,
            f"multipart/form-data; boundary={boundary}",
        )
        # The redirect's target: the newest import of the school, from the imports page.
        page = person.request("import page (coordinator)", "GET", plan["imports"])
        found = re.search(r'href="(/register/imports/\d+/)"', page)
        if not found:
            continue
        person.request("import page (coordinator)", "GET", found[1])
        for _ in range(3):
            if not person.think(1, 2):
                return
            person.request("import progress (coordinator)", "GET", found[1] + "progress/")
