"""The catalogue: published services for every signed-in member of staff, filtered and
searched; a service's page with its sessions, places left, price, eligibility and consent."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import can, requires, visible
from risingtide.provision import contracts, opportunities, queries
from risingtide.provision.eligibility import years_label
from risingtide.provision.forms import CatalogueForm, ReviewForm, SessionForm
from risingtide.schools.models import Provider

PER_PAGE = 20


@require_GET
@requires("service.browse")
def catalogue(request):
    form = CatalogueForm(request.GET or None)
    wanted = queries.wanted_by(request.user)
    if form.is_valid():
        data = form.cleaned_data
        wanted = queries.wanted_by(
            request.user,
            text=data["q"],
            kind=data["kind"],
            audience=data["audience"],
            year=data["year"],
            format=data["format"],
            price_up_to=data["price_up_to"],
            status=data["status"],
        )
    # Each service marked contracted or listed (its provider under a contract today, or not).
    services = contracts.with_standing(queries.catalogue(request.user, wanted), path="provider")
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "provision/catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "every_state": queries.sees_every_state(request.user),
            "toggle": opportunities.quick_toggle(request.user, page.object_list),
        },
    )


def service_page(request, service, *, review_form=None, session_form=None, status=200):
    user = request.user
    school = visible(user, "school", "places.book").order_by("pk").first()
    return render(
        request,
        "provision/service.html",
        {
            "service": service,
            "years": years_label(service),
            "sessions": queries.sessions_of(service),
            "school": school,
            "can_edit": can(user, "service.edit", service),
            "contracted": contracts.with_standing(Provider.objects.filter(pk=service.provider_id))
            .values_list("contracted", flat=True)
            .get(),
            "sees_profile": can(user, "provider_profile.view", service.provider),
            "can_review": can(user, "service.approve", service),
            "review_form": review_form or ReviewForm(),
            "pupil_choices": opportunities.schools_choosing(user, service),
            "session_form": session_form or SessionForm(),
        },
        status=status,
    )


@require_GET
@requires("service.view", "pk")
def service(request, service):
    return service_page(request, service)
