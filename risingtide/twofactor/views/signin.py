"""The second-factor step after sign-in, setting one up, and the recovery codes shown once."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from risingtide.access.core import requires
from risingtide.lib.forms import posted
from risingtide.twofactor import policy, queries, services
from risingtide.twofactor.forms import AppCodeForm, CodeForm, PasswordForm
from risingtide.twofactor.views.common import (
    NEW_CODES,
    PENDING_APP,
    added,
    check_before_adding,
    next_url,
    verified,
)
from risingtide.twofactor.views.passkeys import has_passkey, passkey_config


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def wrong_code(form, checked: services.Checked) -> None:
    if checked.wait_seconds > 1:
        form.add_error(
            "code",
            f"That code did not work, and after a wrong code you must wait: try again in "
            f"{checked.wait_seconds} seconds. Each wrong code doubles the wait.",
        )
    else:
        form.add_error(
            "code",
            "That code did not work. Check you typed the code the app shows for Rising Tide "
            "now, and that the time on your phone is right.",
        )


def check_page(request, *, fresh: bool):
    """A code (or a passkey) proves who the person is; without any device, for a fresh check
    only, their password does."""
    user = request.user
    rows = queries.device_rows(user)
    if not rows:
        if not fresh or policy.required(user):
            return redirect(_with_next("twofactor:setup", request))
        form = PasswordForm(**posted(request), user=user, request=request)
    else:
        form = CodeForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        if isinstance(form, PasswordForm):
            verified(request)
            return redirect(next_url(request))
        checked = services.check_code(user, form.cleaned_data["code"])
        if checked.device is not None:
            verified(request, checked.device)
            if isinstance(checked.device, StaticDevice):
                left = checked.device.token_set.count()
                messages.warning(
                    request,
                    f"You used a recovery code: it will not work again. {left} left. "
                    "Make new ones on your two-factor page if you are running out.",
                )
            return redirect(next_url(request))
        wrong_code(form, checked)
    return render(
        request,
        "twofactor/check.html",
        {
            "form": form,
            "fresh": fresh,
            "next": next_url(request),
            "has_app": any(r.kind == "Authenticator app" for r in rows),
            "passkey": passkey_config(request) if has_passkey(rows) else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
@requires("twofactor.own")
def verify(request):
    if request.user.is_verified():
        return redirect(next_url(request))
    if not services.devices(request.user) and policy.decide(request.session, request.user) == (
        policy.CLEAR
    ):
        # Their devices were removed (by them, or reset) and none is required: nothing is owed.
        return redirect(next_url(request))
    return check_page(request, fresh=False)


@never_cache
@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
@requires("twofactor.own")
def confirm(request):
    """Asked again before a sensitive act (``requires`` sends here for a fresh capability)."""
    return check_page(request, fresh=True)


@never_cache
@require_GET
@requires("twofactor.own")
def setup(request):
    step = check_before_adding(request)
    if step:
        return redirect(_with_next(step, request))
    return render(
        request,
        "twofactor/setup.html",
        {
            "next": next_url(request),
            "required": policy.required(request.user),
            "passkey": passkey_config(request),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@requires("twofactor.own")
def setup_app(request):
    """The QR code and the secret as text; the first code from the app confirms it."""
    step = check_before_adding(request)
    if step:
        return redirect(_with_next(step, request))
    user = request.user
    first = not services.devices(user)
    device = services.pending_app(user, request.session.get(PENDING_APP))
    if device is None:
        device = services.start_app(user)
        request.session[PENDING_APP] = device.pk
    form = AppCodeForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        checked = services.confirm_app(user, device, form.cleaned_data["code"])
        if checked.device is not None:
            request.session.pop(PENDING_APP, None)
            added(request, checked.device, first=first)
            messages.success(request, "Your authenticator app is set up.")
            if not first:  # their recovery codes stay as they were
                return redirect(next_url(request, "twofactor:account"))
            request.session[NEW_CODES] = services.new_recovery_codes(user)
            return redirect(_with_next("twofactor:recovery_codes", request))
        wrong_code(form, checked)
    return render(
        request,
        "twofactor/setup_app.html",
        {
            "form": form,
            "next": next_url(request),
            "picture": queries.app_picture(device),
            "secret": queries.app_secret(device),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires("twofactor.own")
def recovery_codes(request):
    """New recovery codes, shown this once: download or print them, then carry on."""
    codes = request.session.get(NEW_CODES)
    if request.method == "POST" or not codes:
        request.session.pop(NEW_CODES, None)
        return redirect(next_url(request, "twofactor:account"))
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": codes, "next": next_url(request, "twofactor:account")},
    )


@never_cache
@require_GET
@requires("twofactor.own")
def recovery_codes_download(request):
    codes = request.session.get(NEW_CODES)
    if not codes:
        return redirect("twofactor:account")
    text = (
        "Rising Tide recovery codes for "
        + request.user.get_username()
        + "\nEach works once, instead of a code from your app.\n\n"
        + "\n".join(codes)
        + "\n"
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rising-tide-recovery-codes.txt"'
    return response


@require_POST
@requires("twofactor.change_own")
def new_recovery_codes(request):
    request.session[NEW_CODES] = services.new_recovery_codes(request.user)
    return redirect(_with_next("twofactor:recovery_codes", request))


@require_GET
@requires("twofactor.own")
def lost(request):
    return render(request, "twofactor/lost.html", {"ask": queries.who_to_ask(request.user)})
