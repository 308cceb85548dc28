"""Helpers for tests that use the shared Redis (127.0.0.1:6379): one database number (5, or
``RISINGTIDE_TEST_REDIS_URL``'s) and a key prefix of the test's own, removed afterwards, so a
test never touches another user's keys (no FLUSHDB, ever)."""

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

TEST_REDIS_URL = os.environ.get("RISINGTIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_answers(url: str = TEST_REDIS_URL) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def needs_redis():
    if not redis_answers():
        pytest.skip(f"no Redis answering at {TEST_REDIS_URL} (set RISINGTIDE_TEST_REDIS_URL)")


def unique_prefix() -> str:
    return f"rt-test-{uuid.uuid4().hex[:12]}"


def drop_prefix(prefix: str, url: str = TEST_REDIS_URL) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
