"""The provision map's pages: the map (as year group × wave or component × term, filtered from
the query string), its CSV and XLSX, adding and changing an opportunity, withdrawing it, and
an opportunity's staff page. Thin views over ``map_queries`` and ``map_services``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.opportunities import map_export, map_grids, map_queries, map_services
from risingtide.opportunities.map_forms import MapFilterForm, OpportunityForm, initial_of
from risingtide.opportunities.map_queries import MapFilters
from risingtide.register.models import academic_year, year_label


def _filters(request, school) -> tuple[MapFilterForm, MapFilters]:
    this_year = academic_year()
    form = MapFilterForm(
        request.GET,
        years=map_queries.academic_years(request.user, school, this_year),
        default_year=this_year,
    )
    return form, form.filters()


@require_GET
@requires("provision_map.view", "school_id")
def provision_map(request, school):
    form, filters = _filters(request, school)
    view = form.chosen_view()
    found = map_queries.entries(request.user, school, filters)
    grid = (
        map_grids.years_grid(school, found, filters)
        if view == "years"
        else map_grids.components_grid(found, filters)
    )
    query = request.GET.urlencode()
    views = []
    for key, label in map_queries.VIEWS.items():
        asked = request.GET.copy()
        asked["view"] = key
        views.append((key, label, asked.urlencode()))
    return render(
        request,
        "opportunities/map/map.html",
        {
            "school": school,
            "form": form,
            "filters": filters,
            "year_label": year_label(filters.academic_year),
            "view": view,
            "views": views,
            "grid": grid,
            "entries": found,
            "summary": map_grids.summary(found),
            "can_edit": can(request.user, "provision_map.edit", school),
            "query": query,
            "filtered": any(
                getattr(filters, name) not in (None, False)
                for name in ("wave", "component", "domain", "term", "kind", "year", "source")
            )
            or filters.withdrawn,
        },
    )


@require_GET
@requires("provision_map.view", "school_id")
def map_csv(request, school):
    _, filters = _filters(request, school)
    return map_export.csv_download(
        school, filters, map_queries.entries(request.user, school, filters)
    )


@require_GET
@requires("provision_map.view", "school_id")
def map_xlsx(request, school):
    _, filters = _filters(request, school)
    return map_export.xlsx_download(
        school, filters, map_queries.entries(request.user, school, filters)
    )


def _form(request, school, *, initial: dict, year: int | None = None) -> OpportunityForm:
    """The opportunity form: last, this and next academic year to choose from (and the
    opportunity's own, when it is older)."""
    this_year = academic_year()
    years = {this_year - 1, this_year, this_year + 1} | ({year} if year else set())
    return OpportunityForm(
        **posted(request),
        initial=initial,
        staff=map_queries.staff_of(school),
        years=sorted(years),
    )


def _map_url(school, opportunity) -> str:
    return (
        reverse("opportunities:map", args=[school.pk])
        + f"?academic_year={opportunity.academic_year}#opportunity-{opportunity.pk}"
    )


@require_http_methods(["GET", "POST"])
@requires("provision_map.edit", "school_id")
def add_opportunity(request, school):
    this_year = academic_year()
    form = _form(request, school, initial={"academic_year": this_year, "on_menu": True})
    if request.method == "POST" and form.is_valid():
        try:
            made = map_services.create_opportunity(request.user, school, form.data_out())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Added “{made.title}” to the provision map: "
                f"{map_queries.years_words(made.year_from, made.year_to)}, "
                f"{made.get_wave_display().lower()}, {made.get_term_display().lower()}.",
            )
            return redirect(reverse("opportunities:opportunity", args=[made.pk]) + "#top")
    return render(
        request,
        "opportunities/map/form.html",
        {"school": school, "form": form, "opportunity": None},
        status=400 if form.errors else 200,
    )


@require_GET
@requires("opportunity.manage", "opportunity_id")
def opportunity(request, opportunity):
    return render(
        request,
        "opportunities/map/opportunity.html",
        {
            "page": map_queries.opportunity_page(request.user, opportunity),
            "school": opportunity.school,
            "can_edit": can(request.user, "opportunity.edit", opportunity),
            "map_url": _map_url(opportunity.school, opportunity),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("opportunity.edit", "opportunity_id")
def edit_opportunity(request, opportunity):
    school = opportunity.school
    if opportunity.withdrawn_at:
        messages.error(request, "This opportunity has been withdrawn: it can no longer be changed.")
        return redirect(reverse("opportunities:opportunity", args=[opportunity.pk]) + "#top")
    initial = initial_of(map_services.data_of(opportunity))
    form = _form(request, school, initial=initial, year=opportunity.academic_year)
    if request.method == "POST" and form.is_valid():
        try:
            map_services.update_opportunity(request.user, opportunity, form.data_out())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Saved the changes to “{form.cleaned_data['title']}”.")
            return redirect(reverse("opportunities:opportunity", args=[opportunity.pk]) + "#top")
    return render(
        request,
        "opportunities/map/form.html",
        {"school": school, "form": form, "opportunity": opportunity},
        status=400 if form.errors else 200,
    )


@require_POST
@requires("opportunity.edit", "opportunity_id")
def withdraw_opportunity(request, opportunity):
    try:
        map_services.withdraw_opportunity(request.user, opportunity)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            f"Withdrew “{opportunity.title}”: it is off the map and the pupils' menu; "
            "pupils who asked for it keep it in their record.",
        )
    return redirect(reverse("opportunities:opportunity", args=[opportunity.pk]) + "#top")
