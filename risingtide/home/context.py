"""Role-aware navigation, from the memberships ``access`` has already read for this request."""

from django.urls import reverse

from risingtide.access.core import anchors as anchors_of
from risingtide.access.core import can, roles
from risingtide.people.models import Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    held = roles(user)
    anchors = anchors_of(user)
    nav = [("Home", reverse("home"), "")]
    staff_schools = set()
    for role in (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD):
        if role in anchors:
            staff_schools |= anchors[role].schools
    if len(staff_schools) == 1:
        nav.append(("My school", reverse("school", args=[next(iter(staff_schools))]), ""))
    coordinating = set()
    for role in (Role.LEADING_TEACHER, Role.HEAD):
        if role in anchors:
            coordinating |= anchors[role].schools
    if len(coordinating) == 1:
        nav.append(("G&T register", reverse("register", args=[next(iter(coordinating))]), ""))
    if len(staff_schools) == 1:
        school = next(iter(staff_schools))
        nav.append(("Insights", reverse("insights_school", args=[school]), ""))
        nav.append(("Quality standards", reverse("standards_school", args=[school]), ""))
    if Role.LA_LEAD in held and len(anchors[Role.LA_LEAD].las) == 1:
        la = next(iter(anchors[Role.LA_LEAD].las))
        nav.append(("My LA", reverse("local_authority", args=[la]), ""))
        nav.append(("LA insights", reverse("insights_la", args=[la]), ""))
        nav.append(("LA standards", reverse("standards_la", args=[la]), ""))
    if Role.NATIONAL_OFFICER in held and len(anchors[Role.NATIONAL_OFFICER].nations) == 1:
        nation = next(iter(anchors[Role.NATIONAL_OFFICER].nations))
        nav.append(("Nation", reverse("nation", args=[nation]), ""))
        nav.append(("National insights", reverse("insights_nation", args=[nation]), ""))
        nav.append(("Standards indicator", reverse("standards_nation", args=[nation]), ""))
    if can(user, "project.create"):
        nav.append(("Projects", reverse("projects"), ""))
    if can(user, "classroom.start"):
        nav.append(("My classroom (CQS)", reverse("classroom_list"), ""))
    if can(user, "framework.manage"):
        nav.append(("Frameworks", reverse("frameworks"), ""))
    if can(user, "library.browse"):
        nav.append(("Library", reverse("library:search"), ""))
    if can(user, "feedback.inbox"):
        # The count of what waits is loaded after the page (htmx), so no page waits for it.
        nav.append(("Feedback", reverse("feedback_inbox"), reverse("feedback_badge")))
    if can(user, "site.api_tokens"):
        nav.append(("API tokens", reverse("api_tokens"), ""))
    if can(user, "site.admin"):
        nav.append(("Admin", reverse("admin:index"), ""))
    return {"nav": nav, "held_roles": [Role(r).label for r in sorted(held)]}
