"""Passkeys through django-otp-webauthn: its ceremony views under this app's URLs (so they go
through the access engine and the two-factor middleware lets them through), its own script
(a static file of the package: no CDN, no inline script), and, when a ceremony completes, the
session marked as checked as every other factor marks it."""

from functools import wraps

from django.http import JsonResponse
from django.middleware import csrf
from django.urls import reverse
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn
from django_otp_webauthn.models import WebAuthnCredential

from risingtide.access.core import requires
from risingtide.twofactor import services
from risingtide.twofactor.views.common import NEW_CODES, added, check_before_adding, verified


def has_passkey(rows) -> bool:
    return any(row.kind == "Passkey" for row in rows)


def passkey_config(request) -> dict:
    """What the package's script reads from the page (``json_script``)."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "#twofactor-next",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("twofactor:passkey_check_begin"),
        "completeAuthenticationUrl": reverse("twofactor:passkey_check_complete"),
        "beginRegistrationUrl": reverse("twofactor:passkey_add_begin"),
        "completeRegistrationUrl": reverse("twofactor:passkey_add_complete"),
    }


def checked_to_add(view):
    """A person who already has a device gives it, recently, before adding a passkey (the
    package asks only that the session be verified, however long ago)."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        step = check_before_adding(request)
        if step == "twofactor:verify":
            return JsonResponse(
                {"detail": "Give your second factor first.", "code": "user_not_verified"},
                status=403,
            )
        if step:
            return JsonResponse(
                {
                    "detail": "Confirm it is you first (your two-factor page asks), then add "
                    "the passkey.",
                    "code": "not_fresh",
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return gated


class CompleteAdd(webauthn.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.request.user
        first = not services.devices(user)
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = WebAuthnCredential.objects.filter(user=user).order_by("-pk").first()
            added(self.request, device, first=first)
            # A first device comes with recovery codes, as an app does (shown next, once); a
            # further one leaves them as they are.
            if first:
                self.request.session[NEW_CODES] = services.new_recovery_codes(user)
        return response


class CompleteCheck(webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        # Only ever a second factor for the person already signed in (passwordless sign-in is
        # off in settings): a passkey of anyone else's does not verify this session.
        if device.user_id != self.request.user.pk:
            raise exceptions.CredentialUserMismatch()
        verified(self.request, device)


add_begin = requires("twofactor.own")(
    checked_to_add(webauthn.BeginCredentialRegistrationView.as_view())
)
add_complete = requires("twofactor.own")(checked_to_add(CompleteAdd.as_view()))
check_begin = requires("twofactor.own")(webauthn.BeginCredentialAuthenticationView.as_view())
check_complete = requires("twofactor.own")(CompleteCheck.as_view())
# The script's words (its ``gettext``), from the package's translations.
i18n = requires("twofactor.own")(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]))
