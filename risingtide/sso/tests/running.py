"""The test provider (``provider.py``) started as its own process, and how tests steer it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class RunningProvider:
    process: subprocess.Popen
    port: int
    opener: urllib.request.OpenerDirector = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def control(self, **update) -> None:
        request = urllib.request.Request(  # noqa: S310 - the test provider, http on loopback
            f"{self.base}/_control",
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with self.opener.open(request, timeout=5) as answer:
            answer.read()

    def token_requests(self) -> list[dict]:
        with self.opener.open(f"{self.base}/_control", timeout=5) as answer:
            return json.loads(answer.read())["token_requests"]

    def authorize(self, url: str) -> dict:
        """Follow our start's redirect to the provider as a browser would: its answer's
        ``code`` and ``state`` (the provider approves at once)."""
        try:
            self.opener.open(url, timeout=5)
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise
            location = redirect.headers["Location"]
        else:  # pragma: no cover - the provider always redirects or refuses
            raise AssertionError("the provider did not redirect back")
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        query["location"] = location
        return query

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_provider() -> RunningProvider:
    process = subprocess.Popen(
        [sys.executable, "-m", "risingtide.sso.tests.provider"],
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(process.stdout.readline())
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))
    return RunningProvider(process, port, opener)
