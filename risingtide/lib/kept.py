"""Rendered HTML kept in the cache and handed out again with this request's CSRF token.

A kept part is rendered with ``TOKEN`` where ``{% csrf_token %}`` puts the token, so that no
viewer is ever given another session's token (a masked token only works with the session
that made it); ``with_token`` puts the request's own in. What keys a part is the caller's
business: everything it shows must be decided by its key (decision 0015).
"""

from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString

# Where the request's token goes; it cannot occur in rendered HTML otherwise.
TOKEN = "\x1bcsrf\x1b"  # noqa: S105 - a placeholder, not a secret
# A safety net, not the invalidation: the keys' versions move on with every change.
KEEP_SECONDS = 600


def request_token(request) -> str:
    """The request's one masked CSRF token, shared by the kept parts and the page around them.
    Each ``get_token`` masks afresh with 32 characters drawn from the system's random source,
    which cost a tenth of a light page's CPU when the header and the layout each drew one."""
    token = getattr(request, "_kept_csrf_token", None)
    if token is None:
        token = request._kept_csrf_token = get_token(request)
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
