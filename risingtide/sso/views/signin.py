"""Signing in through a school's identity provider: the address a school shares, the start
(off to the provider), and the provider's return. All open to people signed out.

Each connection has its own callback address (``/sso/<slug>/callback/``), and the redirect URI
sent to a provider is its own connection's. The callback trusts nothing in its query string but
the ``state`` it can find in this browser's session (popped: it works once), and only when that
state was started for the connection whose address it came back to; then the ``code``, which
only our server exchanges, with the PKCE verifier and the client secret, for an id_token it
checks in full (``oidc``). So a code one provider issued is never handed to another
connection's token endpoint (the IdP mix-up attack): a browser sent from one connection's
sign-in to another provider comes back to that provider's own connection's address, where its
state is not one of that connection's. The RFC 9207 ``iss`` in the answer, when there is one
(or when the provider promises one), must name the connection's issuer too.
Nothing it receives is ever written to a log, an audit row or a page.

Failed sign-ins here do not count towards django-axes' lock-out: axes guards a password against
guessing, and there is nothing to guess here (a state and a code are single-use and
unguessable; the person's password is checked, and locked out, by their provider). Counting
them would only let anyone who can trigger a refusal lock a real person out of password
sign-in; each refusal is audited instead.
"""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from risingtide.audit.models import record
from risingtide.people.backends import PERSON_BACKEND
from risingtide.sso import flow, oidc, queries, services
from risingtide.sso.forms import FindForm
from risingtide.sso.matching import NoAccount
from risingtide.sso.models import IdentityProvider


def redirect_uri(request, provider: IdentityProvider) -> str:
    """The connection's own return address: what is registered with its provider."""
    return request.build_absolute_uri(reverse("sso:callback", args=[provider.slug]))


def _refused(request, message: str, provider=None, status: int = 400):
    return render(
        request, "sso/refused.html", {"message": message, "provider": provider}, status=status
    )


def _next(request) -> str:
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else ""


@require_GET
def find(request):
    """The school sign-in code typed on the sign-in page: off to that school's sign-in page."""
    form = FindForm(request.GET)
    if form.is_valid():
        provider = queries.for_sign_in(form.cleaned_data["code"])
        if provider is not None:
            return redirect("sso:landing", slug=provider.slug)
        form.add_error("code", "No school signs in with that code. Check it with your school.")
    return render(request, "sso/find.html", {"form": form}, status=400)


@require_GET
def landing(request, slug):
    """The address a school shares: one button, "Sign in with ..."."""
    provider = queries.for_sign_in(slug)
    if provider is None:
        return _refused(request, "This school sign-in address is not in use.", status=404)
    return render(request, "sso/landing.html", {"provider": provider, "next": _next(request)})


@never_cache
@require_GET
@sensitive_variables("started")
def start(request, slug):
    provider = queries.for_sign_in(slug)
    if provider is None:
        return _refused(request, "This school sign-in address is not in use.", status=404)
    try:
        started = services.begin(provider, redirect_uri(request, provider))
    except oidc.SignInRefused as exc:
        services.refuse(provider, exc.reason)
        return _refused(request, exc.message, provider, status=502)
    flow.remember(
        request.session,
        state=started.state,
        provider_id=provider.pk,
        nonce=started.nonce,
        verifier=started.code_verifier,
        next_url=_next(request),
    )
    return redirect(started.url)


@never_cache
@require_GET
@sensitive_variables("taken")
def callback(request, slug):
    taken = flow.take(request.session, request.GET.get("state", ""))
    provider = None
    if taken is not None:
        # The state must have been started for the connection whose address this is: a state
        # of another connection means the browser was sent to a provider that is not the one
        # its sign-in started at (a mix-up), and the code must go to no token endpoint at all.
        provider = (
            IdentityProvider.objects.filter(pk=taken["provider"], slug=slug)
            .select_related("school", "local_authority")
            .first()
        )
    if provider is None:
        record(None, "sso.sign_in_refused", reason="state")
        return _refused(
            request,
            "This sign-in was not started here, was used already or took too long. "
            "Start again from your school's sign-in page.",
        )
    if "error" in request.GET or not request.GET.get("code"):
        services.refuse(provider, "provider_error")
        return _refused(
            request, f"{provider.name} did not sign you in (it was cancelled or refused).", provider
        )
    try:
        user = services.complete(
            provider,
            redirect_uri=redirect_uri(request, provider),
            code=request.GET["code"],
            code_verifier=taken["verifier"],
            nonce=taken["nonce"],
            response_iss=request.GET.get("iss"),
        )
    except oidc.SignInRefused as exc:
        return _refused(request, exc.message, provider)
    except NoAccount:
        return render(request, "sso/unknown.html", {"provider": provider}, status=403)
    login(request, user, backend=PERSON_BACKEND)
    return redirect(taken["next"] or "home:home")
