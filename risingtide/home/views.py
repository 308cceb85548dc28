from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from risingtide.access.core import anchors, can, requires, roles
from risingtide.families import queries as families
from risingtide.feedback.queries import pupil_inbox, waiting_counts
from risingtide.home import kept, next_steps, queries
from risingtide.lib import outage
from risingtide.lib.kept import TOKEN, with_token
from risingtide.lib.kept import kept as kept_part
from risingtide.people.models import Role
from risingtide.tasc.queries import pupil_projects


@require_GET
@requires("site.home")
def home(request):
    """One page: first what to do next, then one panel for each role the person holds, in a
    fixed order. A pupil's and a member of school or LA staff's are kept under the version of
    what they show (``home/kept.py``)."""
    held = roles(request.user)
    user = request.user
    if held == {Role.PUPIL} and not user.is_superuser:
        page = kept_part(kept.pupil_key(user), lambda: _built(request, held))
    elif held and held <= kept.STAFF_ROLES and not user.is_superuser:
        page = kept_part(kept.staff_key(user, held), lambda: _built(request, held))
    else:
        page = _built(request, held)
    panels = with_token(page["panels"], request)
    return render(request, "home/home.html", {"panels_html": panels, "next_steps": page["steps"]})


def _built(request, held: set[str]) -> dict:
    """The next steps and the panels' HTML, with the token left out (``TOKEN``)."""
    user = request.user
    places = anchors(user)
    panels = []
    steps = []
    insights = None
    for role in queries.ROLE_ORDER:
        if role not in held:
            continue
        data = {}
        if role == Role.PUPIL:
            data["feedback"] = [c for c in pupil_inbox(user, limit=5) if c.unread or c.state]
            data["groups"] = queries.pupil_groups(user)
            data["projects"] = pupil_projects(user)
            steps += next_steps.pupil(user)
        elif role == Role.TEACHER:
            data["waiting"] = waiting_counts(user)
            data["groups"] = queries.teacher_groups(user)
            steps += next_steps.teacher(user, data["waiting"], places[role].groups)
        elif role in (Role.LEADING_TEACHER, Role.HEAD):
            data["schools"] = queries.led_schools(user, role)
            if role == Role.LEADING_TEACHER or Role.LEADING_TEACHER not in held:  # once
                steps += next_steps.coordinator(user, next_steps.coordinated(places))
        if role in (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD) and insights is None:
            # Shown once, in the first staff panel: the school's report and its newest PDF.
            insights = data["insights"] = queries.insight_schools(user)
        elif role == Role.LA_LEAD:
            data["authorities"] = queries.la_schools(user)
            steps += next_steps.la_lead(user, places[role].las)
        elif role == Role.NATIONAL_OFFICER:
            data["authorities"] = queries.nation_authorities(user)
            steps += next_steps.national(user, places[role].nations)
        elif role == Role.PROVIDER_STAFF:
            data["providers"] = queries.staff_providers(user)
            steps += next_steps.provider(data["providers"])
        elif role == Role.CARER:
            data["children"] = list(families.children(user))
            steps += next_steps.carer(data["children"])
        panels.append(
            {
                "role": role,
                "label": "My children" if role == Role.CARER else Role(role).label,
                "template": f"home/panels/{role}.html",
                **data,
            }
        )
    if can(user, "rating.give"):  # a site capability: no query
        steps += next_steps.ratings(user, pupil_only=held == {Role.PUPIL})
    html = render_to_string("home/_panels.html", {"panels": panels, "csrf_token": TOKEN}, request)
    return {"steps": steps, "panels": str(html).strip()}


@require_GET
def healthz(request):
    """Liveness for load balancers, and the bare reference view for benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


# A call to the API that no URL takes (a stage the document calls a string, with characters no
# slug has: ``/api/v1/portfolios/1/tools/a%20b``) is still answered as the API answers: in JSON,
# in the shape its document gives every refusal, never with a page (found by tests/fuzz/).
API_PATH = "/api/"


def _for_api(request, status: int, detail: str):
    if request.path.startswith(API_PATH):
        return JsonResponse({"detail": detail}, status=status)
    return None


def bad_request(request, exception=None):
    return _for_api(request, 400, "Bad request.") or render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return _for_api(request, 403, "You may not do this.") or render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return _for_api(request, 404, "Not found.") or render(request, "404.html", status=404)


def server_error(request):
    if outage.database_unreachable():  # a restarting database is a 503, not a bug
        return outage.unavailable(request)  # (in JSON under the API)
    if api_answer := _for_api(request, 500, "Something went wrong on our side."):
        return api_answer
    # No context processors: the failure may lie in them.
    from django.template.loader import get_template

    return HttpResponse(get_template("500.html").render(), status=500)
