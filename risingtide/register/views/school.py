"""A school's register pages: the register, its pupil list, the screening list, the equity
check and the criteria behind both.

Its own module because these are the pages a coordinator works from, each over the school as a
whole; every showing of pupil-level data is audited.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from risingtide.access.core import requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.lib.paging import page_number
from risingtide.register import queries, services
from risingtide.register.equity import equity_chart, equity_check
from risingtide.register.forms import CriteriaForm
from risingtide.register.screening import screening_list


@require_GET
@requires("register.view", "pk")
def register(request, school):
    context = queries.register_page(request.user, school, request.GET)
    services.log_access(
        request.user,
        "register.viewed",
        school,
        why="Register page",
        what=f"{len(context['entries'])} entries",
    )
    return render(request, "register/register.html", context)


@require_GET
@requires("register.view", "pk")
def pupils(request, school):
    context = queries.pupils_page(
        request.user, school, request.GET, page_number(request.GET.get("page"))
    )
    services.log_access(
        request.user,
        "register.pupils_viewed",
        school,
        why="Pupil list",
        what=f"page {context['page'].number} of {context['page'].paginator.num_pages}",
    )
    return render(request, "register/pupils.html", context)


@require_GET
@requires("register.view", "pk")
def screening(request, school):
    criteria = services.criteria_for(school)
    screened = screening_list(school, criteria)
    services.log_access(
        request.user,
        "register.screening_viewed",
        school,
        why="Screening list",
        what=f"{len(screened)} pupils",
    )
    return render(
        request,
        "register/screening.html",
        {**queries.school_links(request.user, school), "criteria": criteria, "screened": screened},
    )


@require_GET
@requires("register.view", "pk")
def equity(request, school):
    criteria = services.criteria_for(school)
    report = equity_check(school, criteria)
    services.log_access(request.user, "register.equity_viewed", school, why="Equity check")
    return render(
        request,
        "register/equity.html",
        {
            **queries.school_links(request.user, school),
            "criteria": criteria,
            "equity": report,
            "chart": equity_chart(report),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("register.manage", "pk")
def criteria(request, school):
    form = CriteriaForm(**posted(request), instance=services.criteria_for(school))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criteria(request.user, school, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Criteria saved.")
            return redirect(reverse("register:register_screening", args=[school.pk]))
    return render(
        request,
        "register/criteria.html",
        {**queries.school_links(request.user, school), "form": form},
        status=400 if request.method == "POST" else 200,
    )
