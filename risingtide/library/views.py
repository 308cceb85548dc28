from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib import uploads
from risingtide.lib.forms import refused, show_refusal
from risingtide.lib.paging import page_number
from risingtide.library import events, queries, services
from risingtide.library.forms import DetailsForm, NewResourceForm, PublishProjectForm, ReviewForm
from risingtide.library.models import Resource, Subject
from risingtide.tasc.models import Project, Stage


@require_GET
@requires("library.browse")
def search(request):
    filters = queries.Filters.from_query(request.GET)
    results = queries.search(request.user, filters, page_number(request.GET.get("page")))
    others = request.GET.copy()
    others.pop("page", None)
    return render(
        request,
        "library/search.html",
        {
            "filters": filters,
            "results": results,
            "here": others.urlencode(),
            "kinds": Resource.Kind.choices,
            "subjects": Subject.choices,
            "key_stages": Project.KeyStage.choices,
            "stages": Stage.choices,
            "audiences": Resource.Audience.choices,
            "licences": Resource.Licence.choices,
            "can_publish": can(request.user, "resource.publish"),
            # Shared work other apps keep (training modules LAs share, for instance).
            "shelves": [shelf for found in events.shelves.send(request.user) for shelf in found],
        },
    )


@require_http_methods(["GET", "POST"])
@requires("resource.publish")
def new(request):
    form = NewResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.publish(
                request.user,
                data["kind"],
                form.details(),
                body=data["body"],
                url=data["url"],
                upload=data["file"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Published to the library.")
            return redirect("library:resource", resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "heading": "Share a resource", "button": "Publish", "upload": True},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("project.publish", "pk")
def publish_project(request, project):
    form = PublishProjectForm(
        request.POST or None, initial=PublishProjectForm.initial_from(project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.publish_project(
                request.user, project, form.details(), form.cleaned_data["kind"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                "Published to the library. Changes you make to your project from now on stay "
                "in your project.",
            )
            return redirect("library:resource", resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {
            "form": form,
            "heading": f"Publish {project.title} to the library",
            "button": "Publish",
            "project": project,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@requires("resource.view", "pk")
def resource(request, resource):
    context = queries.resource_page(request.user, resource)
    user = request.user
    live = resource.withdrawn_at is None
    context.update(
        can_copy=live and resource.is_project and can(user, "resource.copy", resource),
        can_review=live
        and resource.author_id != user.pk
        and can(user, "resource.review", resource),
        can_edit=live and can(user, "resource.edit", resource),
        can_withdraw=live and can(user, "resource.withdraw", resource),
    )
    if context["can_review"]:
        mine = context["my_review"]
        context["review_form"] = ReviewForm(
            initial={"rating": mine.rating, "text": mine.text} if mine else None
        )
    return render(request, "library/resource.html", context)


@require_GET
@requires("resource.view", "pk")
def resource_file(request, resource):
    if not resource.file:
        raise Http404
    if "view" not in request.GET:  # shown on the resource's own page: not a use
        services.note_download(request.user, resource)
    return uploads.serve(
        resource.file.open("rb"),
        resource.file_type,
        resource.title or resource.file_name,
        request.headers.get("Range", ""),
    )


@require_http_methods(["GET", "POST"])
@requires("resource.edit", "pk")
def edit(request, resource):
    form = DetailsForm(request.POST or None, initial=DetailsForm.initial_for(resource))
    if request.method == "POST" and form.is_valid():
        try:
            services.update(request.user, resource, form.details())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("library:resource", resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "heading": f"Change {resource.title}", "button": "Save", "cancel": resource},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("resource.withdraw", "pk")
def withdraw(request, resource):
    """A page that asks first (GET), then the withdrawal (POST)."""
    if request.method == "POST":
        try:
            services.withdraw(request.user, resource)
        except ValidationError as exc:
            refused(request, exc)
        else:
            messages.success(
                request, "Withdrawn from the library. Projects already copied from it stay."
            )
        return redirect("library:resource", resource.pk)
    return render(request, "library/withdraw.html", {"resource": resource})


@require_POST
@requires("resource.copy", "pk")
def copy(request, resource):
    try:
        project = services.copy_to_project(request.user, resource)
    except ValidationError as exc:
        refused(request, exc)
        return redirect("library:resource", resource.pk)
    messages.success(
        request,
        "This is your copy, as a draft in your school's projects: change it as you need.",
    )
    return redirect("tasc:project", project.pk)


@require_POST
@requires("resource.review", "pk")
def review(request, resource):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a rating from 1 to 5 stars.")
        return redirect("library:resource", resource.pk)
    try:
        services.review(
            request.user, resource, form.cleaned_data["rating"], form.cleaned_data["text"]
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Thank you: your review is saved.")
    return redirect("library:resource", resource.pk)
