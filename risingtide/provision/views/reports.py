"""The spend and uptake report pages (nation, LA, school) and their CSV: thin views over
``provision.reports``, scoped by the URL's place and the reader's capability on it."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.csvexport import csv_response
from risingtide.provision import reports
from risingtide.provision.report_csv import report_lines
from risingtide.provision.report_forms import ReportForm
from risingtide.provision.reports import Scope, scope_of


def _page(request, scope: Scope, csv_name: str, default_by: str):
    form = ReportForm(request.GET or None, default_by=default_by)
    invalid = form.is_bound and not form.is_valid()
    period, by, days = ReportForm(default_by=default_by).wanted() if invalid else form.wanted()
    found = reports.report(scope, period, by, days, limit=reports.ACCOUNTS_SHOWN)
    query = request.GET.urlencode()
    return render(
        request,
        "provision/report.html",
        {
            "form": form,
            "report": found,
            "threshold": settings.SUPPRESSION_THRESHOLD,
            "csv_url": reverse(csv_name, args=[scope.pk]) + (f"?{query}" if query else ""),
        },
        status=400 if invalid else 200,
    )


def _csv(request, scope: Scope, default_by: str):
    form = ReportForm(request.GET or None, default_by=default_by)
    period, by, days = form.wanted()
    found = reports.report(scope, period, by, days)
    name = f"marketplace-{scope.level}-{scope.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    return csv_response(name, report_lines(found))


@require_GET
@requires("spend.nation", "pk")
def nation(request, nation):
    return _page(
        request, scope_of(request.user, "nation", nation), "provision:report_nation_csv", "la"
    )


@require_GET
@requires("spend.nation", "pk")
def nation_csv(request, nation):
    return _csv(request, scope_of(request.user, "nation", nation), "la")


@require_GET
@requires("spend.la", "pk")
def local_authority(request, la):
    return _page(request, scope_of(request.user, "la", la), "provision:report_la_csv", "school")


@require_GET
@requires("spend.la", "pk")
def local_authority_csv(request, la):
    return _csv(request, scope_of(request.user, "la", la), "school")


@require_GET
@requires("spend.school", "pk")
def school(request, school):
    return _page(
        request, scope_of(request.user, "school", school), "provision:report_school_csv", "provider"
    )


@require_GET
@requires("spend.school", "pk")
def school_csv(request, school):
    return _csv(request, scope_of(request.user, "school", school), "provider")
