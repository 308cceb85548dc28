"""The site administrator's security overview: one page of every part's line (thin: the parts
are ``parts`` and whatever other apps contribute through ``lib.security_overview``)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.security_overview import overview as overview_parts


@require_GET
@never_cache
@requires("security.overview")
def overview(request):
    return render(request, "security/overview.html", {"parts": overview_parts()})
