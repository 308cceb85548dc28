"""The entitlement pages: a school's pupils against its entitlement in a term (who is short,
by class and by learning guide, and why), its settings, the school's equity of provision,
and the LA's and the nation's as suppressed aggregates. Thin views over
``entitlement_queries`` (the API reads the same functions)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from risingtide.access.core import can, requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.opportunities import entitlement, entitlement_queries
from risingtide.opportunities.entitlement_forms import EntitlementForm, TermForm
from risingtide.opportunities.entitlement_services import set_entitlement


def pupil_page(record_id: int) -> str:
    """Where a short pupil's name leads: their opportunities page, or their register record
    while that page is not there."""
    try:
        return reverse("opportunities:pupil_opportunities", kwargs={"record_id": record_id})
    except NoReverseMatch:
        return reverse("register:register_pupil", args=[record_id])


def _term(request):
    """The term asked for (the current one for none, or one not offered), and the chooser
    showing it."""
    code = TermForm(request.GET).code
    return TermForm({"term": code}), entitlement.chosen_term(code)


@require_GET
@requires("entitlement.view", "school_id")
def page(request, school):
    form, term = _term(request)
    found = entitlement_queries.school_entitlement(request.user, school, term)
    links = {p.pupil.pk: pupil_page(p.pupil.pk) for p in found.short}
    return render(
        request,
        "opportunities/entitlement/school.html",
        {
            "found": found,
            "school": school,
            "term_form": form,
            "short": [(p, links[p.pupil.pk]) for p in found.short],
            "may_set": can(request.user, "entitlement.set", school),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("entitlement.set", "school_id")
def settings(request, school):
    rule = entitlement.rule_for(school)
    form = EntitlementForm.for_rule(rule, **posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            set_entitlement(request.user, school, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            saved = entitlement.rule_for(school)
            messages.success(
                request, f"Entitlement saved: every pupil on the register takes {saved.words}."
            )
            return redirect(reverse("opportunities:entitlement", args=[school.pk]) + "#headline")
    return render(
        request,
        "opportunities/entitlement/settings.html",
        {"form": form, "school": school, "rule": rule},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@requires("entitlement.equity", "school_id")
def school_equity(request, school):
    form, term = _term(request)
    found = entitlement_queries.school_equity(school, term)
    return render(
        request,
        "opportunities/entitlement/equity.html",
        {"equity": found, "term_form": form, "school": school, "back": school},
    )


@require_GET
@requires("entitlement.la", "la_id")
def la(request, la):
    form, term = _term(request)
    found = entitlement_queries.la_equity(la, term)
    return render(
        request,
        "opportunities/entitlement/equity.html",
        {"equity": found, "term_form": form, "la": la},
    )


@require_GET
@requires("entitlement.nation", "nation_id")
def nation(request, nation):
    form, term = _term(request)
    found = entitlement_queries.nation_equity(nation, term)
    return render(
        request,
        "opportunities/entitlement/equity.html",
        {"equity": found, "term_form": form, "nation": nation},
    )
