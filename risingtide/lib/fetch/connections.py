"""Reaching a vetted host: resolving it, refusing it if any address is not public, and
connecting to a vetted address itself (pinned) under the one deadline of the whole fetch.

Kept apart from the rules in :mod:`.addresses` and from the request loop in :mod:`.client`
because this is where DNS rebinding and slow servers are beaten: what is checked is exactly
what is connected to, and nothing outlives the deadline.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import socket
import ssl
import threading
import time

import certifi
from urllib3.connection import HTTPConnection, HTTPSConnection

from risingtide.lib.fetch.addresses import (
    Address,
    FetchRefused,
    _address_reason,
    _Target,
    address_refusal,
)

logger = logging.getLogger(__name__)

# --- The deadline -----------------------------------------------------------------------------


class _Deadline:
    """One clock for the whole fetch. When it runs out, every socket it watches is shut down,
    which wakes a read blocked on a server that answers a byte at a time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self._ends - time.monotonic()
        if left <= 0 or self.expired:
            raise self.refusal()
        return left

    def refusal(self) -> FetchRefused:
        return FetchRefused(f"the site took longer than {self.seconds:g} s")

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor survives the TLS wrapper taking the original over, and
        # shutting it down ends the connection for both.
        with self._lock:
            self._watched.append(sock.dup())
            if self.expired:
                self._shut_all()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut_all()

    def _shut_all(self) -> None:
        for sock in self._watched:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _resolve(host: str, port: int, deadline: _Deadline) -> list[Address]:
    """All addresses of ``host``, within the deadline (the resolver's own retries can take
    longer than the whole fetch is allowed)."""
    answer: dict[str, object] = {}

    def lookup() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc

    worker = threading.Thread(target=lookup, name="fetch-resolve", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.refusal()
    infos = answer.get("infos")
    if not isinstance(infos, list) or not infos:
        raise FetchRefused("the site could not be found")
    addresses: list[Address] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0])
        if isinstance(ip, ipaddress.IPv6Address) and len(sockaddr) > 3 and sockaddr[3]:
            ip = ipaddress.IPv6Address(f"{ip}%{sockaddr[3]}")
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchRefused("the site could not be found")
    return addresses


def _vetted_addresses(target: _Target, deadline: _Deadline, redirected: bool) -> list[Address]:
    if target.literal is not None:
        return [target.literal]
    addresses = _resolve(target.host, target.port, deadline)
    if not target.allowed:
        for ip in addresses:
            # One bad address is enough: which one the connection would use is not ours to pick.
            if where := address_refusal(ip):
                logger.warning(
                    "Refused to fetch %s: %s resolves to %s", target.url, target.host, ip
                )
                raise FetchRefused(_address_reason(where, redirected), target.url)
    return addresses


# --- Connections pinned to vetted addresses ------------------------------------------------------


class _Pinned:
    """Connects to the vetted addresses instead of resolving ``host`` again; ``host`` itself
    still names the site in the Host header, in SNI and in the certificate check."""

    addresses: list[Address]
    deadline: _Deadline
    port: int
    timeout: float

    def _new_conn(self) -> socket.socket:
        error: OSError | None = None
        for ip in self.addresses:
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                self.deadline.watch(sock)
                sock.connect((str(ip), self.port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
                if self.deadline.expired:
                    break
        raise error or OSError("no address to connect to")


class _PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


@functools.cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
