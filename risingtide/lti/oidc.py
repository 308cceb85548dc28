"""The two halves of an LTI 1.3 launch that are OpenID Connect: the platform's third-party
login initiation (we answer with an authentication request back to it), and the form POST of
the id_token that follows.

Where the state lives. The id_token arrives as a cross-site form POST from the platform, so our
session cookie (SameSite=Lax) is not sent with it, and a cookie cannot be relied on inside the
platform's iframe at all. The state and nonce are therefore kept server-side (``LaunchState``,
keyed by the state, single use, 10 minutes), and bound to the browser by a random value in a
short-lived cookie of its own, of which the record keeps only a hash. Over HTTPS that cookie is
``SameSite=None; Secure`` so the cross-site POST carries it; over plain HTTP (the demo, tests on
127.0.0.1, where the platform is same-site anyway) browsers refuse SameSite=None without
Secure, so it is Lax. A browser that blocks the cookie (an iframe with third-party cookies off)
gets the "open it in a new window" page rather than a launch it cannot prove it began.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from risingtide.lti import claims
from risingtide.lti.models import LaunchState
from risingtide.lti.refusals import Refused

STATE_LIFETIME = timedelta(minutes=10)
COOKIE_PREFIX = "rt-lti-"


def launch_url() -> str:
    return settings.PUBLIC_URL + reverse("lti:launch")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def begin(params, secure: bool) -> tuple[str, str, str, dict]:
    """From the platform's login initiation ``params``: the URL to send the browser to, and the
    cookie (name, value, options) that binds the state to this browser."""
    platform = claims.platform_of(params.get("iss"), params.get("client_id"))
    target = params.get("target_link_uri") or ""
    if not (target == settings.PUBLIC_URL or target.startswith(settings.PUBLIC_URL + "/")):
        raise Refused("bad_target")
    deployment = params.get("lti_deployment_id")
    if deployment and not platform.deployments.filter(deployment_id=deployment).exists():
        raise Refused("unknown_deployment")
    login_hint = params.get("login_hint")
    if not login_hint:
        raise Refused("missing_claim")
    state, nonce, binding = (secrets.token_urlsafe(32) for _ in range(3))
    LaunchState.objects.filter(created_at__lt=timezone.now() - STATE_LIFETIME).delete()
    LaunchState.objects.create(
        state=state, nonce=nonce, browser=_digest(binding), platform=platform
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url(),
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    options = {
        "max_age": int(STATE_LIFETIME.total_seconds()),
        "httponly": True,
        "path": reverse("lti:launch"),
        "secure": secure,
        "samesite": "None" if secure else "Lax",
    }
    joiner = "&" if "?" in platform.auth_login_url else "?"
    return (
        platform.auth_login_url + joiner + urlencode(query),
        COOKIE_PREFIX + state,
        binding,
        options,
    )


def take_state(state: str, cookies) -> LaunchState:
    """The login ``state`` began, used up now (once only), if this browser began it."""
    if not isinstance(state, str) or not 20 <= len(state) <= 64:
        raise Refused("no_state")
    record = LaunchState.objects.select_related("platform").filter(state=state).first()
    if record is None or record.created_at < timezone.now() - STATE_LIFETIME:
        raise Refused("no_state")
    binding = cookies.get(COOKIE_PREFIX + state, "")
    if not binding or not secrets.compare_digest(_digest(binding), record.browser):
        raise Refused("no_state")
    # Used up in one UPDATE: of two posts of the same state at once, one wins.
    if not LaunchState.objects.filter(pk=record.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise Refused("no_state")
    return record
