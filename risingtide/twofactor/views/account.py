"""One's own second factor: the devices, adding a passkey, new recovery codes, removing one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import requires
from risingtide.twofactor import policy, queries, services
from risingtide.twofactor.forms import RemoveForm
from risingtide.twofactor.views.passkeys import passkey_config


@never_cache
@require_GET
@requires("twofactor.own")
def account(request):
    rows = queries.device_rows(request.user)
    return render(
        request,
        "twofactor/account.html",
        {
            "rows": rows,
            "has_app": any(r.kind == "Authenticator app" for r in rows),
            "has_codes": any(r.kind == "Recovery codes" for r in rows),
            "required": policy.required(request.user),
            "passkey": passkey_config(request),
        },
    )


@require_POST
@requires("twofactor.change_own")
def remove(request):
    form = RemoveForm(request.POST)
    found = None
    if form.is_valid():
        wanted = form.cleaned_data["device"]
        found = next((d for d in services.devices(request.user) if d.persistent_id == wanted), None)
    if found is None:
        messages.error(request, "That device is not one of yours, or it was already removed.")
        return redirect("twofactor:account")
    services.remove_device(request.user, found)
    left = services.devices(request.user)
    request.session[policy.HAS_DEVICE] = bool(left)
    messages.success(request, f"Removed: {found.name}.")
    if not left and policy.required(request.user):
        messages.warning(request, "A second factor is required of you: set one up now.")
        return redirect("twofactor:setup")
    return redirect("twofactor:account")
