"""Data protection pages: the log of who viewed or exported the school's pupil-level data, and
the data-sharing agreements that let its LA see it.

Its own module because these pages are about access to the data rather than the data itself,
for the head and the coordinator.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from risingtide.access.core import requires
from risingtide.lib.forms import show_refusal
from risingtide.lib.paging import page_number
from risingtide.register import queries, services
from risingtide.register.forms import AgreementForm, EndAgreementForm


@require_GET
@requires("register.audit", "pk")
def audit(request, school):
    context = queries.audit_page(request.user, school, page_number(request.GET.get("page")))
    return render(request, "register/audit.html", context)


@require_http_methods(["GET", "POST"])
@requires("register.share", "pk")
def sharing(request, school):
    """The agreements, a form to record one, and a button beside each to end it (``end``)."""
    form, end_form = AgreementForm(), EndAgreementForm(school=school)
    if request.method == "POST" and "end" in request.POST:
        end_form = EndAgreementForm(request.POST, school=school)
        if end_form.is_valid():
            services.end_agreement(request.user, end_form.cleaned_data["end"])
            messages.success(request, "The agreement has ended.")
            return redirect(reverse("register:register_sharing", args=[school.pk]))
    elif request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                services.record_agreement(request.user, school, **form.cleaned_data)
            except ValidationError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "Agreement recorded.")
                return redirect(reverse("register:register_sharing", args=[school.pk]))
    return render(
        request,
        "register/sharing.html",
        {
            "school": school,
            "agreements": list(school.sharing.all()),
            "today": timezone.localdate(),
            "form": form,
            "end_form": end_form,
        },
        status=400 if request.method == "POST" else 200,
    )
