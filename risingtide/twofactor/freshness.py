"""The two-factor answer to the access engine's ``fresh_check`` (connected in ``ready``): a page
under a fresh capability sends a person who was not checked recently to confirm who they are,
then back; an API operation answers 403 saying so.

API calls are never exempt, token or not: a script cannot give a second factor, so the
sensitive acts (exports of pupil data, role changes, data-sharing agreements) are done in the
browser. Today none of them has an API operation (docs/two-factor.md)."""

from urllib.parse import urlsplit

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from ninja.errors import HttpError

from risingtide.twofactor import policy

API_REFUSAL = (
    "This needs a recent check of who you are (a second factor, or your password). Confirm "
    "at /two-factor/confirm/ in the browser, then try again."
)


SCRIPT_REFUSAL = (
    "This needs a fresh check of who you are, which a token cannot give: do it on the site "
    "(signed in, in the browser)."
)


def _by_token(request) -> bool:
    """An API call authenticated by a personal token: no session, and a user django-otp's
    middleware never saw (no ``is_verified``)."""
    return "authorization" in request.headers or not hasattr(request.user, "is_verified")


def fresh_or_confirm(request, capability, *, api: bool = False):
    if api and _by_token(request):
        # A token is never a recent check; the session is not read (there is none).
        raise HttpError(403, SCRIPT_REFUSAL)
    if not policy.needs_fresh_check(request):
        return None
    if api:
        raise HttpError(403, API_REFUSAL)
    return redirect(f"{reverse('twofactor:confirm')}?{urlencode({'next': _back_to(request)})}")


def _back_to(request) -> str:
    """Where to come back after confirming: a GET of the same page (a form posted now is shown
    again, to send); for a post, the page it was sent from, since the address it was posted to
    may answer only posts (a GET there would be a 405)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def on_sign_in(sender, request, user, **kwargs):
    """Any sign-in (password, single sign-on, an LTI launch): decide again whether this
    session owes a second factor.

    Django's ``login`` keeps the session when the same person signs in again (an SSO callback,
    an LTI launch), with django-otp's record of the device given and the time of the last
    check: both are dropped, so a sign-in never carries a second factor over. The sign-in
    itself counts as a check only for someone without a device."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.pop(policy.CHECKED_AT, None)
    if getattr(user, "otp_device", None) is not None:
        user.otp_device = None
    policy.decide(session, user)
    if not session[policy.HAS_DEVICE]:
        policy.record_check(session)
