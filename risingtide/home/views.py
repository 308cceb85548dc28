from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import requires, roles
from risingtide.feedback.queries import pupil_inbox, teacher_inbox
from risingtide.home import queries
from risingtide.people.models import Role
from risingtide.tasc.queries import pupil_projects


@require_GET
@requires("site.home")
def home(request):
    """One page, one panel for each role the person holds, in a fixed order."""
    held = roles(request.user)
    user = request.user
    panels = []
    insights = None
    for role in queries.ROLE_ORDER:
        if role not in held:
            continue
        data = {}
        if role == Role.PUPIL:
            data["feedback"] = [c for c in pupil_inbox(user, limit=5) if c.unread or c.state]
            data["groups"] = queries.pupil_groups(user)
            data["projects"] = pupil_projects(user)
        elif role == Role.TEACHER:
            data["waiting"] = teacher_inbox(user, limit=5)
            data["groups"] = queries.teacher_groups(user)
        elif role in (Role.LEADING_TEACHER, Role.HEAD):
            data["schools"] = queries.led_schools(user, role)
        if role in (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD) and insights is None:
            # Shown once, in the first staff panel: the school's report and its newest PDF.
            insights = data["insights"] = queries.insight_schools(user)
        elif role == Role.LA_LEAD:
            data["authorities"] = queries.la_schools(user)
        elif role == Role.NATIONAL_OFFICER:
            data["authorities"] = queries.nation_authorities(user)
        elif role == Role.PROVIDER_STAFF:
            data["providers"] = queries.staff_providers(user)
        panels.append(
            {
                "role": role,
                "label": Role(role).label,
                "template": f"home/panels/{role}.html",
                **data,
            }
        )
    return render(request, "home/home.html", {"panels": panels})


@require_GET
def healthz(request):
    """Liveness for load balancers, and the bare reference view for benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may lie in them.
    from django.template.loader import get_template

    return HttpResponse(get_template("500.html").render(), status=500)
