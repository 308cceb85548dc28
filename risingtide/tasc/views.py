from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.people.models import Membership, Role
from risingtide.tasc import events, queries, services
from risingtide.tasc.forms import AssignForm, ProjectForm, RewordForm, StatusForm
from risingtide.tasc.models import STAGE_ORDER


@require_GET
@requires("project.create")
def project_list(request):
    return render(
        request, "tasc/project_list.html", {"projects": queries.school_projects(request.user)}
    )


@require_http_methods(["GET", "POST"])
@requires("project.create")
def project_new(request):
    schools = list(services.staff_schools(request.user))
    if not schools:
        return render(request, "403.html", status=403)
    form = ProjectForm(
        **posted(request),
        wheels=queries.usable_wheels(request.user),
        initial={"key_stage": queries.usual_key_stage(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        # A person on the staff of several schools works in the first; others via copy.
        try:
            project = services.create_project(request.user, schools[0], form.details())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Project saved as a draft. Set it to a class, then open it.")
            return redirect("tasc:project", project.pk)
    return render(
        request,
        "tasc/project_form.html",
        {"form": form, "heading": "New project"},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@requires("project.view", "pk")
def project(request, project):
    context = queries.project_page(project)
    context["can_edit"] = can(request.user, "project.edit", project)
    context["can_work"] = can(request.user, "project.work", project)
    context.update(events.project_page_parts.merged(request, project, context))
    return render(request, "tasc/project.html", context)


@require_http_methods(["GET", "POST"])
@requires("project.edit", "pk")
def project_edit(request, project):
    wheels = queries.usable_wheels(request.user).filter(
        Q(school__isnull=True) | Q(school=project.school_id)
    )
    form = ProjectForm(**posted(request), wheels=wheels, initial=ProjectForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(request.user, project, form.details())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Project saved.")
            return redirect("tasc:project", project.pk)
    return render(
        request,
        "tasc/project_form.html",
        {"form": form, "heading": f"Edit {project.title}", "project": project},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("project.edit", "pk")
def project_copy(request, project):
    copy = services.copy_project(request.user, project)
    messages.success(request, "This is your copy, as a draft: change it as you need.")
    return redirect("tasc:project_edit", copy.pk)


@require_http_methods(["GET", "POST"])
@requires("project.edit", "pk")
def project_assign(request, project):
    groups = list(visible(request.user, "teaching_group").filter(school=project.school_id))
    pupils = list(
        visible(request.user, "pupil")
        .filter(
            pk__in=Membership.objects.filter(
                school=project.school_id, role=Role.PUPIL, teaching_group__isnull=True
            ).values("user_id")
        )
        .order_by("last_name", "first_name")
    )
    form = AssignForm(**posted(request), groups=groups, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        services.assign(request.user, project, **form.chosen())
        messages.success(request, "Project set.")
        return redirect("tasc:project", project.pk)
    assigned = {(a.teaching_group_id, a.pupil_id) for a in project.assignments.all()}
    return render(
        request,
        "tasc/project_assign.html",
        {
            "project": project,
            "groups": groups,
            "pupils": pupils,
            "assigned_groups": {g for g, _ in assigned if g},
            "assigned_pupils": {p for _, p in assigned if p},
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("project.edit", "pk")
def project_unassign(request, project, assignment_id: int):
    services.unassign(request.user, project, assignment_id)
    return redirect("tasc:project", project.pk)


@require_POST
@requires("project.edit", "pk")
def project_status(request, project):
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        services.set_status(request.user, project, form.cleaned_data["status"])
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"The project is now {project.get_status_display().lower()}.")
    return redirect("tasc:project", project.pk)


@require_GET
@requires("wheel.view", "pk")
def wheel(request, wheel):
    return render(
        request, "tasc/wheel.html", {"wheel": wheel, "stages": queries.wheel_stages(wheel)}
    )


@require_http_methods(["GET", "POST"])
@requires("wheel.reword", "pk")
def wheel_reword(request, wheel):
    schools = list(services.staff_schools(request.user))
    form = RewordForm(**posted(request), wheel=wheel, initial={"name": wheel.name})
    if request.method == "POST" and form.is_valid() and schools:
        data = form.cleaned_data
        wording = {
            stage: services.StageWording(
                data[f"title_{stage}"],
                data[f"question_{stage}"],
                data[f"prompts_{stage}"].splitlines(),
            )
            for stage in STAGE_ORDER
        }
        try:
            new = services.reword_wheel(request.user, wheel, schools[0], wording, data["name"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Saved as {new}. New projects can use it.")
            return redirect("tasc:wheel", new.pk)
    return render(
        request,
        "tasc/wheel_reword.html",
        {"wheel": wheel, "form": form},
        status=400 if request.method == "POST" else 200,
    )
