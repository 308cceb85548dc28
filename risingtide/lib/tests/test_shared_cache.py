"""The shared Redis cache (lib/shared_cache.py): Redis gone is a miss, logged once; a key
written while it was gone is deleted before Redis is used again (a sign-out during an outage
holds); ``clear()`` takes only this site's keys."""

import logging
import time

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

from risingtide.lib import shared_cache
from risingtide.lib.shared_cache import SharedRedisCache
from risingtide.lib.tests.redis_testing import (
    TEST_REDIS_URL,
    closed_port,
    drop_prefix,
    needs_redis,
    unique_prefix,
)


def cache_at(url, prefix="rt-test"):
    return SharedRedisCache(url, {"KEY_PREFIX": prefix})


@pytest.fixture(autouse=True)
def _no_outage_from_another_test():
    shared_cache._OUTAGES.clear()
    yield
    shared_cache._OUTAGES.clear()


def test_an_unreachable_redis_is_a_miss_logged_once_and_costs_no_wait(caplog):
    cache = cache_at(f"redis://127.0.0.1:{closed_port()}/5")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="risingtide.lib.shared_cache"):
        for _ in range(50):
            cache.set("menu", "kept", 60)
            assert cache.get("menu") is None
            assert cache.get("menu", "fallback") == "fallback"
            assert cache.get_many(["a", "b"]) == {}
            assert cache.add("lock", 1) is False
            cache.delete("menu")
            cache.set_many({"a": 1})
            cache.delete_many(["a"])
            assert cache.has_key("a") is False
            with pytest.raises(ValueError):
                cache.incr("count")
        cache.clear()
    assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_a_pause_after_a_failure_skips_redis_then_it_is_tried_again(monkeypatch):
    cache = cache_at(f"redis://127.0.0.1:{closed_port()}/5")
    calls = []
    real = RedisCacheClient.get

    def counted(self, key, default):
        calls.append(key)
        return real(self, key, default)

    monkeypatch.setattr(RedisCacheClient, "get", counted)
    cache.get("a")
    cache.get("b")  # within the pause: not tried
    assert calls == [cache.make_key("a")]
    monkeypatch.setattr(shared_cache.time, "monotonic", lambda: time.time() + 10**6)
    cache.get("c")
    assert calls[-1] == cache.make_key("c")


@pytest.fixture
def live_cache():
    needs_redis()
    prefix = unique_prefix()
    yield cache_at(TEST_REDIS_URL, prefix)
    drop_prefix(prefix)


def test_a_key_deleted_while_redis_was_away_is_gone_when_it_returns(live_cache, monkeypatch):
    """A session flushed at sign-out during an outage must not come back from Redis after it,
    whichever of the process's threads (each has its own cache object) reads it next."""
    live_cache.set("session", "signed in", 60)
    assert live_cache.get("session") == "signed in"

    def unreachable(self, key=None, *, write=False):
        raise RedisConnectionError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(RedisCacheClient, "get_client", unreachable)
        live_cache.delete("session")  # the sign-out: the database row goes, Redis cannot hear
        live_cache.set("changed", "new data", 60)
        assert live_cache.get("session") is None
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0)
    live_cache._cache.outage.down_until = 0
    # Redis is back: the pending deletes run before the first read, on another thread's cache.
    other_thread = cache_at(TEST_REDIS_URL, live_cache.key_prefix)
    assert other_thread.get("session") is None
    assert live_cache.get("changed") is None
    live_cache.set("session", "new", 60)
    assert live_cache.get("session") == "new"


def test_clear_takes_only_this_sites_keys(live_cache):
    import redis

    neighbour = redis.Redis.from_url(TEST_REDIS_URL)
    other = unique_prefix()
    try:
        neighbour.set(f"{other}:1:theirs", b"x", ex=60)
        live_cache.set("ours", 1, 60)
        live_cache.clear()
        assert live_cache.get("ours") is None
        assert neighbour.get(f"{other}:1:theirs") == b"x"
    finally:
        drop_prefix(other)
        neighbour.close()
