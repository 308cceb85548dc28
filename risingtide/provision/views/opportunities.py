"""Opportunities: a school's coordinators show published services to its pupils (from the
service page or the catalogue), and a pupil sees what their school shows them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import requires, visible
from risingtide.lib.forms import refusal_of, refused
from risingtide.provision import opportunities
from risingtide.provision.forms import ShowToPupilsForm


@require_GET
@requires("opportunities.view", "pk")
def opportunities_page(request, school):
    return render(
        request,
        "provision/opportunities.html",
        {"school": school, "rows": opportunities.for_pupil(request.user, school)},
    )


@require_POST
@requires("pupils.show", "pk")
def show_to_pupils(request, school, service_id):
    service = visible(request.user, "service").filter(pk=service_id).first()
    if service is None:
        raise Http404
    form = ShowToPupilsForm(request.POST)
    if not form.is_valid():
        refused(request, refusal_of(form))
    else:
        data = form.cleaned_data
        try:
            if data["action"] == "show":
                opportunities.show(request.user, school, service, data["note"])
                messages.success(request, f"{school.name}'s pupils can now see {service.title}.")
            else:
                opportunities.stop(request.user, school, service)
                messages.success(request, f"{school.name}'s pupils no longer see {service.title}.")
        except ValidationError as exc:
            refused(request, exc)
    if form.is_valid() and form.cleaned_data["back"] == "catalogue":
        query = QueryDict(form.cleaned_data["query"]).urlencode()
        where = reverse("provision:catalogue") + (f"?{query}" if query else "")
        return redirect(f"{where}#show-{service.pk}")
    return redirect(reverse("provision:service", args=[service.pk]) + f"#pupils-{school.pk}")
