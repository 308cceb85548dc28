from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import can, requires
from risingtide.home import places as queries


@require_GET
@requires("school.view", "pk")
def school(request, school):
    context = queries.school_page(request.user, school)
    context["can_register"] = can(request.user, "register.view", school)
    return render(request, "home/places/school.html", context)


@require_GET
@requires("local_authority.view", "pk")
def local_authority(request, la):
    return render(
        request, "home/places/local_authority.html", queries.local_authority_page(request.user, la)
    )


@require_GET
@requires("nation.view", "pk")
def nation(request, nation):
    return render(request, "home/places/nation.html", queries.nation_page(request.user, nation))


@require_GET
@requires("provider.view", "pk")
def provider(request, provider):
    return render(
        request, "home/places/provider.html", queries.provider_page(request.user, provider)
    )


@require_GET
@requires("teaching_group.view", "pk")
def teaching_group(request, group):
    context = queries.group_page(request.user, group)
    context["can_manage"] = can(request.user, "teaching_group.manage_pupils", group)
    context["can_create_project"] = can(request.user, "project.create")
    return render(request, "home/places/teaching_group.html", context)
