"""Coverage pages: an LA's schools and leading teachers (the action to take first), and the
nation's figures by LA, phase and month with a chart beside each table and a CSV. Thin views
over ``coverage`` (the API reads the same functions)."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import MAX_ID
from risingtide.training import coverage


class CoverageForm(forms.Form):
    """The programme to count against (else the newest national one), and for the CSV,
    which table: by LA and phase, or by month."""

    programme = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    by = forms.ChoiceField(choices=[("place", "LA and phase"), ("month", "Month")], required=False)

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


@require_GET
@requires("training.coverage_la", "la_id")
def la(request, la):
    form = CoverageForm(request.GET)
    found = coverage.la_coverage(la, form.value("programme"))
    return render(request, "training/coverage/la.html", {"coverage": found})


@require_GET
@requires("training.coverage_nation", "nation_id")
def nation(request, nation):
    form = CoverageForm(request.GET)
    found = coverage.national_coverage(nation, form.value("programme"))
    return render(request, "training/coverage/nation.html", {"coverage": found})


@require_GET
@requires("training.coverage_nation", "nation_id")
def nation_csv(request, nation):
    form = CoverageForm(request.GET)
    found = coverage.national_coverage(nation, form.value("programme"))
    if form.value("by") == "month":
        return csv_response("training-coverage-by-month.csv", coverage.month_rows(found))
    return csv_response("training-coverage.csv", coverage.place_rows(found))
