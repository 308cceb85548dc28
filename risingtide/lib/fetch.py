"""The one way Rising Tide reaches out to the web: fetching the page a pupil clipped.

Server-side fetching of a URL someone typed is a classic way into a school's private network
(server-side request forgery), so every hop is checked before any connection is made:

* only ``http``/``https`` on their usual ports, no ``user:password@`` and no host written in an
  unusual numeric form (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``): those are
  refused outright because resolvers and browsers disagree about what they mean;
* the host is resolved here, once, and refused if *any* address it resolves to is not a public
  unicast address (:func:`address_refusal`), IPv4 or IPv6, including IPv6 forms that embed an
  IPv4 address;
* the connection is then made to the vetted address itself (pinned), so a second, different DNS
  answer (rebinding) cannot send it elsewhere; the request still carries the real ``Host``
  header, and TLS still sends the host name (SNI) and checks the certificate against it;
* redirects are followed here, one hop at a time, and every hop is checked the same way;
* one deadline covers the whole fetch, resolution and redirects included: a watchdog shuts the
  socket at the deadline, so a server that drips one byte a second cannot hold it open;
* the body is streamed and abandoned past the size limit (after decompression), and a
  ``Content-Length`` over the limit is refused before reading.

``requests-hardened`` was read and not used. It does pin (the first address DNS returns, checked
again on every redirect), but its loopback switch opens all of loopback rather than one test
server, its timeouts are per socket operation (a server dripping a byte at a time is never cut
off), and the size limit would still be ours to write. The pinned connection here is a small
subclass of urllib3's, which unlike requests never reads proxy settings from the environment.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import quote, urljoin, urlsplit

import certifi
import idna
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

logger = logging.getLogger(__name__)

USER_AGENT = "RisingTideClipper/1.0 (+https://github.com/risingtide; school portfolio clippings)"
PAGE_TYPES = ("text/html", "application/xhtml+xml")
# No SVG: it is a document that can carry script, not a picture.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif")
_ACCEPT_HEADER = {
    PAGE_TYPES: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    IMAGE_TYPES: "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9",
}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_MiB = 1024 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """The page was not fetched; ``reason`` says why in words a pupil can read."""

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content_type: str  # the media type alone, lower case: "text/html"
    charset: str | None  # from the Content-Type header, if it named one
    body: bytes
    redirects: tuple[str, ...] = field(default=())  # each address redirected to, in order


# --- Addresses ------------------------------------------------------------------------------

PRIVATE = "on a private network"
THIS_SERVER = "on this server, not the public web"
NOT_PUBLIC = "not a public website"

# Ranges that some Python releases still call global (cpython #113171 and friends), or that are
# public space but reach a cloud host's own services.
_PRIVATE_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT; 100.100.100.200 is Alibaba Cloud's metadata
        "169.254.0.0/16",  # link-local; 169.254.169.254 is the usual cloud metadata service
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments; 192.0.0.192 is Oracle Cloud's metadata
        "192.168.0.0/16",
        "198.18.0.0/15",
        "168.63.129.16/32",  # Azure's host services, although it is public address space
        "fc00::/7",  # unique local; fd00:ec2::254 is AWS's metadata over IPv6
        "fe80::/10",
        "fec0::/10",  # the old site-local range
    )
]
_NOT_PUBLIC_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "192.0.2.0/24",
        "192.88.99.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "::/96",  # IPv4-compatible IPv6 (deprecated), also :: itself
        "100::/64",
        "2001::/23",  # IETF special purpose, Teredo included
        "2001:db8::/32",
        "2002::/16",  # 6to4: an IPv4 address in disguise
        "3fff::/20",
        "5f00::/16",
        "64:ff9b:1::/48",
    )
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def address_refusal(ip: Address) -> str | None:
    """Why Rising Tide will not connect to ``ip`` (a phrase like "on a private network"), or
    None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return NOT_PUBLIC
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _IPV4_COMPATIBLE and int(ip) > 1:
            embedded = ipaddress.IPv4Address(int(ip))
        if ip in _NAT64:
            # DNS64 on an IPv6-only network: fine when the IPv4 address inside is public.
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return address_refusal(embedded)
        if embedded is not None:
            return address_refusal(embedded) or NOT_PUBLIC
    if ip.is_loopback or ip.is_unspecified:
        return THIS_SERVER
    if ip.is_link_local or any(ip in net for net in _PRIVATE_NETWORKS):
        return PRIVATE
    if ip.is_multicast or ip.is_reserved or any(ip in net for net in _NOT_PUBLIC_NETWORKS):
        return NOT_PUBLIC
    if ip.is_private or not ip.is_global:
        return PRIVATE
    return None


# --- Addresses as written in a URL -------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII, lower case, no trailing dot, IPv6 without brackets
    port: int
    path: str
    literal: Address | None
    allowed: bool  # on the test-only allow-list


_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f\\]")


def _target(url: str, allow: frozenset[str], redirected: bool) -> _Target:
    def refuse(reason: str) -> FetchRefused:
        return FetchRefused(reason, url)

    url = url.strip()
    if _UNSAFE_IN_URL.search(url.replace(" ", "%20")):
        raise refuse("that web address is not valid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refuse("that web address is not valid") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise refuse("only http and https links can be clipped")
    if "@" in parts.netloc:
        raise refuse("links with a user name or password in them cannot be clipped")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise refuse("that web address has no site name in it")
    port = port if port is not None else _DEFAULT_PORTS[scheme]

    literal: Address | None = None
    if parts.netloc.startswith("["):
        try:
            literal = ipaddress.IPv6Address(raw_host)
        except ValueError as exc:
            raise refuse("that web address is not valid") from exc
        if literal.scope_id:  # "%eth0": a network interface of this server
            raise refuse("that web address is not valid")
        host = str(literal)
    else:
        host = raw_host
        if not host.isascii():
            # UTS 46 maps look-alikes too: full-width "１２７。０。０。１" becomes 127.0.0.1.
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except idna.IDNAError as exc:
                raise refuse("that web address is not valid") from exc
        host = host.lower()
        host = host[:-1] if host.endswith(".") else host
        if not host or not _HOST_CHARS.match(host) or "" in host.split("."):
            raise refuse("that web address is not valid")
        if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
            try:
                literal = ipaddress.IPv4Address(host)
            except ValueError as exc:
                raise refuse(
                    "that address is a number written in an unusual way, so it cannot be checked"
                ) from exc

    key = f"[{host}]:{port}" if isinstance(literal, ipaddress.IPv6Address) else f"{host}:{port}"
    allowed = key in allow
    if not allowed:
        where = None
        if literal is not None:
            where = address_refusal(literal)
        elif host == "localhost" or host.endswith(".localhost"):
            where = THIS_SERVER
        elif "." not in host:  # would be completed from the server's own search domains
            where = NOT_PUBLIC
        if where:
            raise refuse(_address_reason(where, redirected))
        if port != _DEFAULT_PORTS[scheme]:
            raise refuse("only links to the usual web ports can be clipped")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(url, scheme, host, port, path, literal, allowed)


def _address_reason(where: str, redirected: bool) -> str:
    if redirected:
        return f"the page sends you on to an address that is {where}"
    return f"that address is {where}"


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


def _open(target: _Target, addresses: list[Address], deadline: _Deadline, accept: tuple):
    timeout = deadline.remaining()
    conn: HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPSConnection(
            target.host, target.port, timeout=timeout, ssl_context=_tls_context()
        )
    else:
        conn = _PinnedHTTPConnection(target.host, target.port, timeout=timeout)
    conn.addresses = addresses  # type: ignore[attr-defined]
    conn.deadline = deadline  # type: ignore[attr-defined]
    try:
        conn.connect()
        conn.request(
            "GET",
            target.path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": _ACCEPT_HEADER.get(accept, "*/*"),
                "Accept-Language": "en-GB,en;q=0.8",
                "Accept-Encoding": "gzip, deflate",
            },
            preload_content=False,
            decode_content=True,
        )
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


# --- Fetching ---------------------------------------------------------------------------------


def _size(n: int) -> str:
    if n >= _MiB:
        return f"{n / _MiB:.1f}".removesuffix(".0") + " MB"
    return f"{max(n // 1024, 1)} KB"


def _media_type(value: str) -> tuple[str, str | None]:
    mime, _, params = value.partition(";")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", params)
    return mime.strip().lower(), match.group(1).lower() if match else None


def _status_refusal(status: int) -> str:
    if status in (404, 410):
        return f"the site says that page does not exist (error {status})"
    if status in (401, 403, 451):
        return f"the site would not show us that page (error {status})"
    if status == 429:
        return "the site is busy and asked us to come back later (error 429)"
    if status >= 500:
        return f"the site had a problem showing that page (error {status})"
    return f"the site gave an answer we cannot use (error {status})"


def _accepted(mime: str, accept: tuple[str, ...]) -> bool:
    return any(mime.startswith(a) if a.endswith("/") else mime == a for a in accept)


def _read_body(response, max_bytes: int, deadline: _Deadline) -> bytes:
    declared = response.headers.get("Content-Length", "").strip()
    too_big = FetchRefused(f"the page is larger than {_size(max_bytes)}")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    total = 0
    for chunk in response.stream(_CHUNK, decode_content=True):
        total += len(chunk)
        if total > max_bytes:
            raise too_big
        chunks.append(chunk)
    if deadline.expired:  # the watchdog's shutdown looks like an ordinary end of the body
        raise deadline.refusal()
    return b"".join(chunks)


def _translate(exc: BaseException, deadline: _Deadline) -> FetchRefused:
    if deadline.expired or isinstance(exc, TimeoutError | ReadTimeoutError):
        return deadline.refusal()
    if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return FetchRefused("the site's security certificate is not valid")
    if isinstance(exc, ssl.SSLError):
        return FetchRefused("a secure connection to the site could not be made")
    if isinstance(exc, ConnectionRefusedError):
        return FetchRefused("the site refused the connection")
    if isinstance(exc, HTTPException | Urllib3Error):
        return FetchRefused("the site sent a reply we could not understand")
    return FetchRefused("the site could not be reached")


def fetch(url: str, *, accept: tuple[str, ...] = PAGE_TYPES) -> FetchResult:
    """GET ``url`` as a clipping: vetted, pinned, time- and size-limited, following redirects.

    ``accept`` lists the media types wanted (``PAGE_TYPES`` or ``IMAGE_TYPES``; an entry ending
    in "/" matches a prefix). Raises :class:`FetchRefused` with a pupil-readable reason, and
    never connects anywhere it has not checked first.
    """
    allow = frozenset(h.strip().lower() for h in settings.FETCH_ALLOW_HOSTS)
    max_bytes = settings.FETCH_MAX_BYTES
    max_redirects = settings.FETCH_MAX_REDIRECTS
    deadline = _Deadline(float(settings.FETCH_TIMEOUT_SECONDS))
    redirects: list[str] = []
    current = url
    try:
        while True:
            target = _target(current, allow, redirected=bool(redirects))
            if target.allowed:
                logger.info("Fetching %s through the test-only allow-list", current)
            addresses = _vetted_addresses(target, deadline, redirected=bool(redirects))
            try:
                conn, response = _open(target, addresses, deadline, accept)
            except FetchRefused:
                raise
            except (OSError, ValueError, HTTPException, Urllib3Error) as exc:
                raise _translate(exc, deadline) from exc
            try:
                # The watchdog's shutdown can look like the end of the headers.
                if deadline.expired:
                    raise deadline.refusal()
                status = response.status
                if status in _REDIRECTS:
                    location = response.headers.get("Location", "").strip()
                    if not location:
                        raise FetchRefused("the site sent us on without saying where to")
                    if len(redirects) >= max_redirects:
                        raise FetchRefused("the link goes through too many redirects")
                    current = urljoin(current, location)
                    redirects.append(current)
                    continue
                if status >= 300 or status < 200:
                    raise FetchRefused(_status_refusal(status))
                mime, charset = _media_type(response.headers.get("Content-Type", ""))
                if not _accepted(mime, accept):
                    what = "an image" if accept == IMAGE_TYPES else "a web page"
                    raise FetchRefused(f"that link is not {what} ({mime or 'unknown type'})")
                body = _read_body(response, max_bytes, deadline)
                return FetchResult(url, current, status, mime, charset, body, tuple(redirects))
            except FetchRefused:
                raise
            except (OSError, HTTPException, Urllib3Error) as exc:
                raise _translate(exc, deadline) from exc
            finally:
                response.close()
                conn.close()
    except FetchRefused as refused:
        refused.url = refused.url or current
        raise
    finally:
        deadline.close()
