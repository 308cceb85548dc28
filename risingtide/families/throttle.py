"""Trying codes on the join page is throttled like signing in (``people.throttle``): each wrong
code counts as a failed sign-in from the visitor's address, kept in axes' own records under a
name no account can have (``families:join``: a sign-in name never holds a colon). So a few
wrong codes pause the join page for that address for the cool-off, and they count towards the
address's sign-in limit too; nothing a person typed (code, password) is kept."""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from risingtide.people import throttle

JOIN = "families:join"


def _attempts(request):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username=JOIN, ip_address=throttle.client_ip(request))


def blocked(request) -> bool:
    """Too many wrong codes from this address lately, or too many failed sign-ins."""
    if throttle.blocked(request, None):
        return True
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = _attempts(request).filter(attempt_time__gte=since).first()
    return recent is not None and recent.failures_since_start >= settings.AXES_FAILURE_LIMIT


def failed(request) -> None:
    """Count one wrong code from this address (the count starts again after the cool-off)."""
    from axes.models import AccessAttempt

    now = timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    attempts = _attempts(request)
    if attempts.filter(attempt_time__gte=since).update(
        failures_since_start=F("failures_since_start") + 1, attempt_time=now
    ):
        return
    if attempts.update(failures_since_start=1, attempt_time=now):
        return
    AccessAttempt.objects.create(
        username=JOIN,
        ip_address=throttle.client_ip(request),
        user_agent="",
        http_accept="",
        path_info=request.path[:255],
        get_data="",
        post_data="",
        failures_since_start=1,
    )
