"""What the two-factor views share: where to go next, and marking a session checked."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from risingtide.twofactor import policy, services

NEW_CODES = "twofactor_new_codes"  # recovery codes just made, shown once (popped when done)
PENDING_APP = "twofactor_pending_app"


def next_url(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """The page the person was on their way to, when it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(default)


def verified(request, device=None) -> None:
    """The person has just proved who they are (with ``device``, or their password)."""
    if device is not None:
        otp_login(request, device)
        request.session[policy.HAS_DEVICE] = True
    policy.record_check(request.session)
    # A new session key for the stronger session, as at sign-in.
    request.session.cycle_key()


def check_before_adding(request) -> str | None:
    """Someone who already has a device proves who they are, recently, before adding another
    (else whoever holds the session adds their own app and passes every check with it): the
    step to take first, or None."""
    if not services.devices(request.user):
        return None
    if not request.user.is_verified():
        return "twofactor:verify"
    if not policy.is_fresh(request.session):
        return "twofactor:confirm"
    return None


def added(request, device, *, first: bool) -> None:
    """A device was just added. Setting up a first one proves the person holds it, and counts
    as a check; a further one (added after a fresh check) counts as nothing more. Either way
    the session gets a new key."""
    request.session[policy.HAS_DEVICE] = True
    if first:
        verified(request, device)
    else:
        request.session.cycle_key()
