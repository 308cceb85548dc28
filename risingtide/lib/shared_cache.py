"""The cache several app servers share (Redis, ``RISINGTIDE_REDIS_URL``), which never takes the
site down with it.

Everything we keep in the cache can be made again from the database: sessions are
``cached_db`` (the database holds every one), menus and kept pages carry a version read from
the database (decision 15), and sign-in lock-outs and rate limits are axes' database rows.
So when Redis is unreachable the right answer is a miss, not a 500: Django's own Redis backend
has no such switch (django-redis's ``IGNORE_EXCEPTIONS``), hence this subclass.

Three things matter beyond catching the error (decision 29):

- **A failed write becomes a pending delete.** A session flushed at sign-out, or changed,
  while Redis was away would otherwise come back from Redis, stale, once it returns: someone
  signed out would be signed in again. Each process remembers the keys it failed to write and
  deletes them before anything else when Redis answers again.
- **A short pause after a failure.** For ``RETRY_SECONDS`` every call is a miss at once, so a
  hung or firewalled Redis costs one timeout per process every few seconds, not one a call.
- **One log line when Redis goes, one when it comes back**, not one per request.

``clear()`` removes only this site's keys (its ``KEY_PREFIX``), never the whole Redis database
as Django's does: the database may be shared.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# How long after a failure every call is a miss without trying Redis.
RETRY_SECONDS = 5.0
# At most this many keys are remembered for deletion (a long outage under load): beyond it the
# oldest are dropped, and the cache's own timeouts (sessions: SESSION_COOKIE_AGE) end them.
MAX_PENDING = 50_000
UNREACHABLE = (RedisError, OSError)


class _Outage:
    """Whether Redis is thought down, and what this process must delete when it is back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.down = False
        self.pending: dict[str, None] = {}  # insertion-ordered set

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.down_until

    def remember(self, keys) -> None:
        """Keys written while Redis was away: deleted first when it answers again."""
        with self.lock:
            for key in keys:
                self.pending[key] = None
            while len(self.pending) > MAX_PENDING:
                self.pending.pop(next(iter(self.pending)))

    def failed(self, error: BaseException, keys=()) -> None:
        self.remember(keys)
        with self.lock:
            self.down_until = time.monotonic() + RETRY_SECONDS
            if not self.down:
                self.down = True
                logger.warning(
                    "Redis unreachable (%s): the cache is a miss for now; the site carries on "
                    "from the database",
                    error,
                )

    def take_pending(self) -> list[str]:
        with self.lock:
            keys, self.pending = list(self.pending), {}
            return keys


_OUTAGES: dict[tuple, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()
_Base = RedisCacheClient


class ForgivingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, each call a miss (or a no-op) while Redis is unreachable."""

    def __init__(self, servers, **options):
        # No retries with back-off inside redis-py (by default up to seconds a call): one
        # attempt, a short timeout, and the pause above.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(servers, **options)
        # Django makes a cache object per thread: the outage (the pause, the pending deletes)
        # is the process's, or a sign-out on one thread would not hold on the next.
        with _OUTAGES_LOCK:
            self.outage = _OUTAGES.setdefault(tuple(self._servers), _Outage())

    def _attempt(self, call, miss, written=()):
        if self.outage.skipping():
            self.outage.remember(written)
            return miss
        try:
            self._settle_pending()
            answer = call()
        except UNREACHABLE as error:
            self.outage.failed(error, written)
            return miss
        if self.outage.down:
            self.outage.down = False
            logger.warning("Redis answers again: the cache is back in use")
        return answer

    def _settle_pending(self) -> None:
        keys = self.outage.take_pending()
        if not keys:
            return
        try:
            super().delete_many(keys)
        except UNREACHABLE:
            with self.outage.lock:  # put them back; the caller fails on the same error next
                self.outage.pending = {**dict.fromkeys(keys), **self.outage.pending}
            raise

    def add(self, key, value, timeout):
        return self._attempt(lambda: _Base.add(self, key, value, timeout), False, [key])

    def get(self, key, default):
        return self._attempt(lambda: _Base.get(self, key, default), default)

    def set(self, key, value, timeout):
        self._attempt(lambda: _Base.set(self, key, value, timeout), None, [key])

    def touch(self, key, timeout):
        return self._attempt(lambda: _Base.touch(self, key, timeout), False, [key])

    def delete(self, key):
        return self._attempt(lambda: _Base.delete(self, key), False, [key])

    def get_many(self, keys):
        keys = list(keys)
        return self._attempt(lambda: _Base.get_many(self, keys), {})

    def has_key(self, key):
        return self._attempt(lambda: _Base.has_key(self, key), False)

    def incr(self, key, delta):
        marker = object()
        answer = self._attempt(lambda: _Base.incr(self, key, delta), marker, [key])
        if answer is marker:  # what a missing key answers (BaseCache.incr)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return answer

    def set_many(self, data, timeout):
        self._attempt(lambda: _Base.set_many(self, data, timeout), None, list(data))

    def delete_many(self, keys):
        keys = list(keys)
        self._attempt(lambda: _Base.delete_many(self, keys), None, keys)

    def clear_prefix(self, pattern: str) -> bool:
        def clear() -> bool:
            client = self.get_client(None, write=True)
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
            return True

        return self._attempt(clear, False)


class SharedRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades to a miss (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient

    def clear(self):
        # Only this site's keys: Django's clear() empties the whole Redis database (FLUSHDB).
        return self._cache.clear_prefix(f"{self.key_prefix}:*")
