"""Nothing but the second-factor step for a session that owes one.

After any sign-in (password, single sign-on, an LTI launch: each goes through Django's
``login``, whose signal ``policy.decide`` answers), a session marked ``ASK`` that no device has
verified yet sees only the two-factor pages, sign-out and the public routes; every other page
sends it to the step (to set-up when the person has no device yet), and an API call made with
the session answers 403. Reads the session only: no query on any page.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode

from risingtide.access.policy import PUBLIC_ROUTES
from risingtide.twofactor import policy

# The pages a session owing a second factor may still open (with the public routes): the step
# itself, setting up a first factor, the recovery codes just made, who to ask when all is lost,
# and the passkey ceremonies those pages use. Named one by one: the rest of this app (a place's
# requirement, resetting someone else's second factor, one's own devices) waits for the step
# as every other page does.
OPEN_ROUTES = frozenset(
    {
        "people:logout",
        "twofactor:verify",
        "twofactor:confirm",
        "twofactor:setup",
        "twofactor:setup_app",
        "twofactor:recovery_codes",
        "twofactor:recovery_codes_download",
        "twofactor:lost",
        "twofactor:passkey_add_begin",
        "twofactor:passkey_add_complete",
        "twofactor:passkey_check_begin",
        "twofactor:passkey_check_complete",
        "twofactor:passkey_words",
    }
)


def _loaded(user):
    """The person inside lazy wrappers already worked out (never works one out)."""
    while isinstance(user, LazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return user


def _exempt(view_name: str) -> bool:
    return view_name in PUBLIC_ROUTES or view_name in OPEN_ROUTES


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # The route first: a public one (health, sign-in) reads neither session nor user.
        match = request.resolver_match
        if match is None or _exempt(match.view_name):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        # Loaded now: the page and its templates read the person itself, not through the two
        # lazy wrappers (authentication's, then django-otp's) a lookup at a time.
        request.user = user = _loaded(user)
        session = request.session
        state = session.get(policy.STATE)
        if state is None:  # a session from before this app: decide once, as at sign-in
            state = policy.decide(session, user)
        if state != policy.ASK or user.is_verified():
            return None
        if request.headers.get("HX-Request") == "true":
            # A fragment the page asks for (a badge in the bar) is not a page to send anywhere:
            # nothing is given (204: htmx leaves the page as it is).
            return HttpResponse(status=204)
        if match.namespace.startswith("api-"):
            return JsonResponse(
                {"detail": "Give your second factor in the browser first (/two-factor/)."},
                status=403,
            )
        step = "twofactor:verify" if session.get(policy.HAS_DEVICE) else "twofactor:setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
