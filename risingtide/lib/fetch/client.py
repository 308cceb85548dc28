"""The request loop of a fetch: one hop at a time through redirects, each hop vetted and
pinned by :mod:`.connections`, then the answer's status, type and size checked.

Kept apart from addresses and connections because this is the HTTP conversation itself: what
is asked for, which answers are refused in words a pupil can read, and the limits on redirects
and size (after decompression).
"""

from __future__ import annotations

import logging
import re
import ssl
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urljoin

from django.conf import settings
from urllib3.connection import HTTPConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from risingtide.lib.fetch.addresses import Address, FetchRefused, _Target, _target
from risingtide.lib.fetch.connections import (
    _Deadline,
    _PinnedHTTPConnection,
    _PinnedHTTPSConnection,
    _tls_context,
    _vetted_addresses,
)

logger = logging.getLogger(__name__)

USER_AGENT = "RisingTideClipper/1.0 (+https://github.com/risingtide; school portfolio clippings)"
PAGE_TYPES = ("text/html", "application/xhtml+xml")
# No SVG: it is a document that can carry script, not a picture.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif")
# Protocol peers (an OpenID provider's discovery document and keys, an LTI platform's services)
# answer JSON; "+json" types such as application/jwk-set+json count too.
JSON_TYPES = ("application/json", "application/jwk-set+json", "application/jwt", "text/plain")
_ACCEPT_HEADER = {
    PAGE_TYPES: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    IMAGE_TYPES: "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9",
    JSON_TYPES: "application/json,application/jwk-set+json;q=0.9,*/*;q=0.1",
}
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content_type: str  # the media type alone, lower case: "text/html"
    charset: str | None  # from the Content-Type header, if it named one
    body: bytes
    redirects: tuple[str, ...] = field(default=())  # each address redirected to, in order
    # The final answer's headers, names in lower case (a protocol peer names its next page in
    # ``link``, for instance).
    headers: dict[str, str] = field(default_factory=dict)


def _open(
    target: _Target,
    addresses: list[Address],
    deadline: _Deadline,
    accept: tuple,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
):
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
            method,
            target.path,
            body=body,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": _ACCEPT_HEADER.get(accept, "*/*"),
                "Accept-Language": "en-GB,en;q=0.8",
                "Accept-Encoding": "gzip, deflate",
                **(headers or {}),
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
    if "application/json" in accept and mime.startswith("application/") and mime.endswith("+json"):
        return True
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


def _headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


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


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = PAGE_TYPES,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    follow_redirects: bool = True,
    refuse_errors: bool = True,
) -> FetchResult:
    """GET ``url`` as a clipping: vetted, pinned, time- and size-limited, following redirects.

    ``accept`` lists the media types wanted (``PAGE_TYPES``, ``IMAGE_TYPES`` or ``JSON_TYPES``;
    an entry ending in "/" matches a prefix). Raises :class:`FetchRefused` with a pupil-readable
    reason, and never connects anywhere it has not checked first.

    Protocol calls (a token endpoint, a gradebook) pass ``method``, ``body`` and ``headers``;
    they usually want ``follow_redirects=False`` (a redirect is then refused: a token endpoint
    that sends us elsewhere is misconfigured or hostile) and ``refuse_errors=False`` (a 4xx
    answer with its JSON error body is returned for the caller to read, not refused). A 303,
    or a 301/302 answering anything but GET, is followed as a GET without the body, as browsers
    do; 307 and 308 repeat the request as it was.
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
                conn, response = _open(target, addresses, deadline, accept, method, body, headers)
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
                    if not follow_redirects:
                        raise FetchRefused(f"the server sent us elsewhere (error {status})")
                    if not location:
                        raise FetchRefused("the site sent us on without saying where to")
                    if len(redirects) >= max_redirects:
                        raise FetchRefused("the link goes through too many redirects")
                    current = urljoin(current, location)
                    redirects.append(current)
                    if status == 303 or (status in (301, 302) and method != "GET"):
                        method, body = "GET", None
                    continue
                if not refuse_errors and status >= 400:
                    body_read = _read_body(response, max_bytes, deadline)
                    mime, charset = _media_type(response.headers.get("Content-Type", ""))
                    return FetchResult(
                        url,
                        current,
                        status,
                        mime,
                        charset,
                        body_read,
                        tuple(redirects),
                        _headers(response),
                    )
                if status >= 300 or status < 200:
                    raise FetchRefused(_status_refusal(status))
                mime, charset = _media_type(response.headers.get("Content-Type", ""))
                if not _accepted(mime, accept):
                    what = {IMAGE_TYPES: "an image", JSON_TYPES: "a JSON answer"}.get(
                        accept, "a web page"
                    )
                    raise FetchRefused(f"that link is not {what} ({mime or 'unknown type'})")
                content = _read_body(response, max_bytes, deadline)
                found = (url, current, status, mime, charset, content, tuple(redirects))
                return FetchResult(*found, headers=_headers(response))
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
