"""A place's requirement (school, LA, site) and resetting a person's second factor."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from risingtide.access.core import can, requires
from risingtide.lib.forms import posted
from risingtide.twofactor import queries, services
from risingtide.twofactor.forms import RequirementForm, ResetForm
from risingtide.twofactor.views.common import next_url


def _requirement_page(request, *, school=None, la=None, title: str, here: str):
    current = services.requirement_at(school=school, la=la)
    initial = {
        "required": current is not None,
        "include_teachers": bool(current and current.include_teachers),
    }
    form = RequirementForm(**posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_requirement(request.user, school=school, la=la, **form.cleaned_data)
        messages.success(request, "Saved. It applies from each person's next sign-in.")
        return redirect(here)
    above = []
    if school is not None:
        above = [
            r
            for r in (services.requirement_at(la=school.local_authority), services.requirement_at())
            if r
        ]
    elif la is not None:
        above = [r for r in (services.requirement_at(),) if r]
    staff = list(queries.staff_of(request.user, school=school, la=la)) if school or la else []
    return render(
        request,
        "twofactor/requirement.html",
        {
            "title": title,
            "form": form,
            "above": above,
            "staff": staff,
            "can_reset": bool(staff)
            and can(request.user, "staff_member.reset_two_factor", staff[0]),
            "here": here,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("school.require_two_factor", "pk")
def school_requirement(request, school):
    here = reverse("twofactor:school_requirement", args=[school.pk])
    return _requirement_page(
        request, school=school, title=f"Two-factor sign-in at {school.name}", here=here
    )


@require_http_methods(["GET", "POST"])
@requires("local_authority.require_two_factor", "pk")
def la_requirement(request, la):
    here = reverse("twofactor:la_requirement", args=[la.pk])
    return _requirement_page(request, la=la, title=f"Two-factor sign-in in {la.name}", here=here)


@require_http_methods(["GET", "POST"])
@requires("site.require_two_factor")
def site_requirement(request):
    return _requirement_page(
        request, title="Two-factor sign-in everywhere", here=reverse("twofactor:site_requirement")
    )


@require_http_methods(["GET", "POST"])
@requires("staff_member.reset_two_factor", "pk")
def reset(request, person):
    form = ResetForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        count = services.reset(request.user, person)
        messages.success(
            request,
            f"{person.get_full_name()}'s second factor is reset ({count} removed). At their next "
            "sign-in they set up a new one.",
        )
        return redirect(next_url(request, "home:home"))
    return render(
        request,
        "twofactor/reset.html",
        {
            "person": person,
            "form": form,
            "rows": queries.device_rows(person),
            "next": next_url(request, "home:home"),
        },
        status=400 if request.method == "POST" else 200,
    )
