"""Group work: choosing a group, a group's discussion thread, the members' ratings of each
other's contributions, and the teacher's page for forming and changing groups.

Kept together because they are the views over portfolios.groups (a group *is* a portfolio with
several members).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused
from risingtide.portfolios import groups, queries


@require_POST
@requires("project.work", "pk")
def choose_group(request, project):
    raw = request.POST.get("group", "")
    try:
        group = groups.choose_group(
            request.user, project, int(raw) if raw.isascii() and raw.isdigit() else None
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect("portfolios:my_portfolio", project.pk)
    messages.success(request, f"You are in {group.name}.")
    return redirect("portfolios:portfolio", group.pk)


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def discussion(request, portfolio):
    """A group's discussion thread: members and their teachers."""
    if request.method == "POST":
        try:
            groups.post_message(request.user, portfolio, request.POST.get("body", ""))
        except ValidationError as exc:
            refused(request, exc)
        return redirect(reverse("portfolios:discussion", args=[portfolio.pk]) + "#latest")
    context = queries.discussion_page(portfolio)
    context["can_post"] = can(request.user, "portfolio.edit", portfolio) or can(
        request.user, "portfolio.comment", portfolio
    )
    return render(request, "portfolios/discussion.html", context)


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def contributions(request, portfolio):
    """Each member's view of who gave how much; the teacher sees them all."""
    staff = can(request.user, "portfolio.comment", portfolio)
    if request.method == "POST":
        shares = {}
        for key, value in request.POST.items():
            digits = key[6:]
            if (
                key.startswith("share_")
                and digits.isascii()
                and digits.isdigit()
                and len(digits) < 12
                and value in ("1", "2", "3", "4")
            ):
                member = int(digits)
                shares[member] = (int(value), request.POST.get(f"comment_{member}", ""))
        try:
            groups.rate_contributions(request.user, portfolio, shares)
        except ValidationError as exc:
            refused(request, exc)
        else:
            messages.success(request, "Saved.")
        return redirect("portfolios:contributions", portfolio.pk)
    context = queries.contributions_page(request.user, portfolio, staff)
    context["is_member"] = any(m.pk == request.user.pk for m in context["members"])
    return render(request, "portfolios/contributions.html", context)


@require_http_methods(["GET", "POST"])
@requires("project.edit", "pk")
def project_groups(request, project):
    """A group project's groups: make them from chosen pupils or split the class, move
    pupils in and out. Every change names the group and pupils through the project."""
    if request.method == "POST":
        try:
            _change_groups(request, project)
        except ValidationError as exc:
            refused(request, exc)
        return redirect("portfolios:project_groups", project.pk)
    return render(request, "portfolios/groups.html", queries.groups_page(request.user, project))


def _change_groups(request, project) -> None:
    def ids(name):
        return [int(v) for v in request.POST.getlist(name) if v.isascii() and v.isdigit()][:100]

    action = request.POST.get("action", "")
    pupils = groups.assigned_pupils(request.user, project)
    group = None
    if action in ("leave", "join"):
        group = project.portfolios.filter(pk__in=ids("group")[:1]).first()
        if group is None:
            raise ValidationError("Choose a group.")
    if action == "form":
        made = groups.form_group(
            request.user,
            project,
            list(pupils.filter(pk__in=ids("pupil"))),
            request.POST.get("name", ""),
        )
        messages.success(request, f"{made.name} made.")
    elif action == "split":
        size = ids("size")
        made = groups.split_into_groups(request.user, project, size[0] if size else 0)
        messages.success(request, f"{len(made)} groups made.")
    elif action == "leave":
        groups.leave_group(request.user, group, (ids("pupil") or [0])[0])
    elif action == "join":
        pupil = pupils.filter(pk__in=ids("pupil")[:1]).first()
        if pupil is None:
            raise ValidationError("Choose a pupil to add.")
        groups.join_group(request.user, group, pupil)
    else:
        raise ValidationError("Unknown change.")
