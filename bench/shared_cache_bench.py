"""What the shared Redis cache holds per person, and what a Redis outage costs a page
(decision 29; docs/deploy.md sizes Redis from it).

    python bench/shared_cache_bench.py --data-dir DIR [--redis redis://127.0.0.1:6379/5]

``DIR`` holds a demo world (``RISINGTIDE_DATA_DIR=DIR risingtide manage migrate`` then
``load_demo``). Signs in as the demo's pupil, teacher and coordinator through the real form
(Django's test client over WSGI, production settings but plain HTTP), opens each one's home
page and their main page twice, then reads Redis's ``MEMORY USAGE`` for every key under a
prefix of its own (deleted at the end; nothing else in the Redis database is touched) and
prints the bytes per kind of key. Then the same pages with Redis pointed at a closed port:
milliseconds per request, cache shared against cache gone.
"""

import argparse
import os
import re
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"pupil": ["/"], "teacher": ["/"], "coordinator": ["/"]}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    prefix = f"rt-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        RISINGTIDE_DATA_DIR=args.data_dir,
        RISINGTIDE_DATABASE_URL="",
        RISINGTIDE_HTTPS="0",
        RISINGTIDE_ALLOWED_HOSTS="testserver",
        RISINGTIDE_REDIS_URL=args.redis,
        RISINGTIDE_REDIS_KEY_PREFIX=prefix,
        DJANGO_SETTINGS_MODULE="risingtide.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    from django.test import Client
    from django.test.signals import clear_cache_handlers  # noqa: F401 - on CACHES changes
    from django.test.utils import override_settings

    raw = redis.Redis.from_url(args.redis)
    try:
        clients = {}
        for name in PAGES:
            client = Client()
            answer = client.post(
                "/accounts/login/", {"username": name, "password": "rising-tide-demo"}
            )
            assert answer.status_code == 302, f"{name} could not sign in"
            clients[name] = client
            for _ in range(2):
                for path in PAGES[name]:
                    assert client.get(path).status_code == 200
        kinds: dict[str, list[int]] = {}
        for key in raw.scan_iter(match=f"{prefix}:*", count=1000):
            name = key.decode().split(":", 2)[2]
            kind = re.sub(r"[0-9a-f]{16,}|\d+", "N", name)[:60]
            if name.startswith("django.contrib.sessions.cached_db"):
                kind = "session (cached_db)"
            kinds.setdefault(kind, []).append(raw.memory_usage(key) or 0)
        print(f"{'key kind':62} {'keys':>5} {'bytes each (median)':>20}")
        for kind, sizes in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
            print(f"{kind:62} {len(sizes):5} {int(statistics.median(sizes)):20}")
        total = sum(sum(sizes) for sizes in kinds.values())
        print(f"all keys for {len(PAGES)} people: {total} bytes")

        def timed(client, path) -> float:
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                assert client.get(path).status_code == 200
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1000

        shared = {name: timed(clients[name], "/") for name in PAGES}
        gone = {
            "BACKEND": "risingtide.lib.shared_cache.SharedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/5",
            "KEY_PREFIX": prefix,
        }
        with override_settings(CACHES={"default": gone}):
            outage = {name: timed(clients[name], "/") for name in PAGES}
        print(f"{'home page':12} {'Redis ms':>9} {'no Redis ms':>12}")
        for name in PAGES:
            print(f"{name:12} {shared[name]:9.1f} {outage[name]:12.1f}")
    finally:
        keys = list(raw.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            raw.delete(*keys)


if __name__ == "__main__":
    main()
