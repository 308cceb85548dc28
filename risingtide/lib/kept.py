"""Rendered HTML kept in the cache and handed out again with this request's CSRF token.

A kept part is rendered with ``TOKEN`` where ``{% csrf_token %}`` puts the token, so that no
viewer is ever given another session's token (a masked token only works with the session
that made it); ``with_token`` puts the request's own in. What keys a part is the caller's
business: everything it shows must be decided by its key (decision 0015).
"""

import os
from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString

# Where the request's token goes; it cannot occur in rendered HTML otherwise.
TOKEN = "\x1bcsrf\x1b"  # noqa: S105 - a placeholder, not a secret
# A safety net, not the invalidation: the keys' versions move on with every change.
KEEP_SECONDS = 600


_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes below this are taken (modulo the 62 characters, each equally likely); the rest
# are drawn again.
_FAIR_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def masked(secret: str) -> str:
    """What Django's ``csrf._mask_cipher_secret`` makes of the secret (a fresh random mask of
    its length, then the secret shifted by the mask, character by character), with the mask
    drawn in one read of the system's random source instead of one per character (a
    ``secrets.choice`` each: 35 µs a token, a fortieth of a light page)."""
    size = len(CSRF_ALLOWED_CHARS)
    shifts: list[int] = []
    while len(shifts) < len(secret):
        shifts += [b % size for b in os.urandom(len(secret) + 8) if b < _FAIR_BELOW]
    shifts = shifts[: len(secret)]
    mask = "".join(CSRF_ALLOWED_CHARS[s] for s in shifts)
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[c] + s) % size] for c, s in zip(secret, shifts, strict=True)
    )


def request_token(request) -> str:
    """The request's one masked CSRF token, shared by the kept parts and the page around them.
    Each ``get_token`` masks afresh, which cost a tenth of a light page's CPU when the header
    and the layout each drew one. With the cookie's secret already there (every signed-in
    page), this is ``get_token`` with a cheaper mask (``masked``); otherwise Django's own."""
    token = getattr(request, "_kept_csrf_token", None)
    if token is None:
        secret = request.META.get("CSRF_COOKIE")
        if secret and len(secret) == CSRF_SECRET_LENGTH and all(c in _INDEX for c in secret):
            # get_token's own step: the cookie is used, so it is sent again to renew it.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
            token = masked(secret)
        else:
            token = get_token(request)
        request._kept_csrf_token = token
    return token


def csrf(request) -> dict:
    """Django's ``csrf`` context processor, giving templates the request's one token."""
    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}


def with_token(html: str, request) -> SafeString:
    return SafeString(html.replace(TOKEN, request_token(request)) if TOKEN in html else html)


def kept(key: str, build: Callable[[], dict], seconds: int = KEEP_SECONDS) -> dict:
    """The parts kept under ``key``, or ``build()``'s, kept for next time."""
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found
