"""Sign-in throttling beyond django-axes' lock on one name from one address.

Axes locks a sign-in name after ``AXES_FAILURE_LIMIT`` failures from one address. That alone
lets one address try a few passwords against *every* pupil (their names are guessable) and lets
a changing address try one name forever. So two wider limits apply, counted from axes' own
records over the same cool-off window: failures against one name from anywhere, and failures
from one address against any name (set high: a whole school shares one address).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from risingtide.people.backends import PersonBackend


def client_ip(request) -> str | None:
    """The visitor's address; behind a proxy, the one the nearest trusted proxy saw."""
    if settings.BEHIND_PROXY:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= settings.PROXY_COUNT:
            return hops[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


def _failures(**lookup) -> int:
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(attempt_time__gte=since, **lookup).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def blocked(request, username: str | None) -> bool:
    if username and _failures(username=username) >= settings.LOGIN_ACCOUNT_LIMIT:
        return True
    ip = client_ip(request)
    return bool(ip) and _failures(ip_address=ip) >= settings.LOGIN_ADDRESS_LIMIT


class ThrottleBackend(PersonBackend):
    """First in AUTHENTICATION_BACKENDS: refuses every sign-in path (pages, admin) while a
    wider limit is reached, and otherwise leaves checking the password to the backends after
    it. It loads users like PersonBackend, for sessions made by ``force_login``."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and blocked(request, username):
            raise PermissionDenied
        return None
