"""A school's (or an LA's) single sign-on connections: list, connect, change, test, switch on
or off. Thin views over ``queries`` and ``services``; the secret never reaches a template."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.sso import queries, services
from risingtide.sso.forms import EnableForm, ProviderForm
from risingtide.sso.models import IdentityProvider
from risingtide.sso.views import signin


def _list_page(request, owner, connections, add_url):
    return render(
        request,
        "sso/connections.html",
        {
            "owner": owner,
            "connections": connections,
            "add_url": add_url,
        },
    )


@require_GET
@requires("school.sign_in", "school_id")
def school_connections(request, school):
    return _list_page(
        request,
        school,
        queries.connections(request.user, school=school),
        reverse("sso:add_for_school", args=[school.pk]),
    )


@require_GET
@requires("local_authority.sign_in", "la_id")
def la_connections(request, la):
    return _list_page(
        request,
        la,
        queries.connections(request.user, local_authority=la),
        reverse("sso:add_for_la", args=[la.pk]),
    )


def _form_page(request, provider, back_url, title):
    form = ProviderForm(**posted(request), instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_provider(request.user, form.save(commit=False), form.changed_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("sso:connection", provider_id=saved.pk)
    return render(
        request,
        "sso/connection_form.html",
        {
            "form": form,
            "provider": provider,
            "back_url": back_url,
            "title": title,
            # Each connection has its own; a connection not yet saved has no address yet.
            "redirect_uri": signin.redirect_uri(request, provider) if provider.pk else "",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@sensitive_post_parameters("client_secret")
@require_http_methods(["GET", "POST"])
@requires("school.sign_in", "school_id")
def add_for_school(request, school):
    back = reverse("sso:school_connections", args=[school.pk])
    return _form_page(
        request, IdentityProvider(school=school), back, f"Connect a sign-in provider for {school}"
    )


@never_cache
@sensitive_post_parameters("client_secret")
@require_http_methods(["GET", "POST"])
@requires("local_authority.sign_in", "la_id")
def add_for_la(request, la):
    back = reverse("sso:la_connections", args=[la.pk])
    return _form_page(
        request,
        IdentityProvider(local_authority=la),
        back,
        f"Connect a sign-in provider for every school in {la.name}",
    )


def _back_url(provider: IdentityProvider) -> str:
    if provider.school_id:
        return reverse("sso:school_connections", args=[provider.school_id])
    return reverse("sso:la_connections", args=[provider.local_authority_id])


@never_cache
@sensitive_post_parameters("client_secret")
@require_http_methods(["GET", "POST"])
@requires("identity_provider.change", "provider_id")
def connection(request, provider):
    """A connection's settings: its sign-in address to share, and the form to change it."""
    return _form_page(request, provider, _back_url(provider), f"Sign-in with {provider.name}")


@require_POST
@requires("identity_provider.change", "provider_id")
def check(request, provider):
    """Read the discovery document now, and say what was found."""
    ok, words = services.check_discovery(request.user, provider)
    (messages.success if ok else messages.error)(request, words)
    return redirect("sso:connection", provider_id=provider.pk)


@require_POST
@requires("identity_provider.change", "provider_id")
def switch(request, provider):
    form = EnableForm(request.POST)
    form.is_valid()  # a box left unticked is "off": the form cannot be invalid
    enabled = form.cleaned_data.get("enabled", False)
    try:
        services.set_enabled(request.user, provider, enabled)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request, f"{provider.name} is switched {'on' if enabled else 'off'} for signing in."
        )
    return redirect("sso:connection", provider_id=provider.pk)
