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
from risingtide.register import queries, services
from risingtide.register.models import DataSharingAgreement
from risingtide.register.views.inputs import (
    field_errors,
    optional_date,
    page_number,
    required_date,
    whole_number,
)


@require_GET
@requires("register.audit", "pk")
def audit(request, school):
    context = queries.audit_page(request.user, school, page_number(request.GET.get("page")))
    return render(request, "register/audit.html", context)


@require_http_methods(["GET", "POST"])
@requires("register.share", "pk")
def sharing(request, school):
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("end"):
                agreement = DataSharingAgreement.objects.filter(
                    school=school, pk=whole_number(request.POST.get("end"), "end")
                ).first()
                if agreement is None:
                    raise ValidationError({"end": "No such agreement."})
                services.end_agreement(request.user, agreement)
                messages.success(request, "The agreement has ended.")
            else:
                services.record_agreement(
                    request.user,
                    school,
                    reference=request.POST.get("reference", ""),
                    starts_on=required_date(request.POST.get("starts_on", ""), "starts_on"),
                    ends_on=optional_date(request.POST.get("ends_on", ""), "ends_on"),
                )
                messages.success(request, "Agreement recorded.")
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            return redirect(reverse("register_sharing", args=[school.pk]))
    return render(
        request,
        "register/sharing.html",
        {
            "school": school,
            "agreements": list(school.sharing.all()),
            "today": timezone.localdate(),
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )
