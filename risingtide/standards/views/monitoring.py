"""Pages that read across schools: the LA lead's monitoring table (filtered to the schools that
need support) and the national indicator, each with its CSV.

Its own module because these pages are the LA's and the nation's, not a school's: thin views
over ``standards.monitoring`` and ``standards.national``.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.csvexport import csv_response
from risingtide.standards import exports, monitoring, national
from risingtide.standards.framework_models import Level


def _monitoring(request, la):
    f = monitoring.MonitoringFilter.from_page(request.GET)
    return monitoring.la_monitoring(request.user, la, f), f.element, f.level, f.flag


@require_GET
@requires("standards.monitor", "pk")
def local_authority(request, la):
    table, element, level, flag = _monitoring(request, la)
    return render(
        request,
        "standards/la.html",
        {
            "la": la,
            "monitoring": table,
            "element": element,
            "level": level,
            "flag": flag,
            "flags": monitoring.FLAGS.items(),
            "levels": list(Level),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@requires("standards.monitor", "pk")
def local_authority_csv(request, la):
    table, *_ = _monitoring(request, la)
    return csv_response(f"standards-{la.code}.csv", exports.monitoring_rows(table))


@require_GET
@requires("standards.indicator", "pk")
def nation(request, nation):
    return render(
        request,
        "standards/nation.html",
        {
            "nation": nation,
            "indicator": (indicator := national.indicator(nation)),
            "overall_groups": [indicator.overall],
            "element_groups": [
                national.LevelCounts(f"{e.number} {e.name}", c.counts, c.total)
                for e, c in indicator.elements
            ],
            "classroom_groups": [c for _, c in indicator.classroom],
            "levels": list(Level),
        },
    )


@require_GET
@requires("standards.indicator", "pk")
def nation_csv(request, nation):
    return csv_response(
        "standards-indicator.csv", exports.indicator_rows(national.indicator(nation))
    )
