"""Providers offer services and the contract manager reviews them: a provider's own page,
drafting and changing a service, adding sessions, submitting; approving, asking for changes
or withdrawing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from risingtide.access.core import requires, visible
from risingtide.lib.forms import refused, show_refusal
from risingtide.provision import queries, workflow
from risingtide.provision.forms import ReviewForm, ServiceForm, SessionForm, posted
from risingtide.provision.views.catalogue import service_page


@requires("service.offer", "pk")
def provider(request, provider):
    """A provider's own services in every state, and the bookings of their sessions."""
    services = visible(request.user, "service").filter(provider=provider).order_by("title", "pk")
    return render(
        request,
        "provision/provider.html",
        {
            "provider": provider,
            "services": services,
            "sessions": queries.provider_sessions(request.user, provider),
        },
    )


@requires("service.offer", "pk")
def new_service(request, provider):
    form = ServiceForm(posted(request))
    session_form = SessionForm(posted(request), prefix="session")
    if request.method == "POST" and form.is_valid() and session_form.is_valid():
        try:
            service = workflow.draft(request.user, provider, form.cleaned_data)
            workflow.add_session(request.user, service, **session_form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Draft saved. Submit it for approval when it is ready.")
            return redirect("provision:service", service.pk)
    return render(
        request,
        "provision/service_form.html",
        {"form": form, "session_form": session_form, "provider": provider},
        status=400 if form.errors or session_form.errors else 200,
    )


@requires("service.edit", "pk")
def edit_service(request, service):
    form = ServiceForm(posted(request), instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.change(request.user, service, form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("provision:service", service.pk)
    return render(
        request,
        "provision/service_form.html",
        {"form": form, "service": service, "provider": service.provider},
        status=400 if form.errors else 200,
    )


@require_POST
@requires("service.edit", "pk")
def add_session(request, service):
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            workflow.add_session(request.user, service, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Session added.")
            return redirect("provision:service", service.pk)
    return service_page(request, service, session_form=form, status=400)


@require_POST
@requires("service.edit", "pk")
def submit(request, service):
    try:
        workflow.submit(request.user, service)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Submitted for approval.")
    return redirect("provision:service", service.pk)


@require_POST
@requires("service.approve", "pk")
def review(request, service):
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            workflow.review(
                request.user, service, form.cleaned_data["decision"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{service.title}: {service.get_status_display()}.")
            return redirect("provision:service", service.pk)
    return service_page(request, service, review_form=form, status=400)
