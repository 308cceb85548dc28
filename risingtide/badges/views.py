"""The badges pages: a pupil's (or carer's) badges and their downloads; a pupil's badges for
their teachers, where a badge is awarded and withdrawn; a school's badges and choices. Thin
views over ``services`` and ``credentials``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import requires, roles, visible
from risingtide.badges import credentials, services
from risingtide.badges.forms import AwardForm, BadgeClassForm, RevokeForm, SettingsForm, safe_back
from risingtide.badges.models import DESIGNS, SchoolBadgeSettings
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.people.models import Role
from risingtide.schools.models import School

# --- the pupil's (and their carer's) badges --------------------------------------------------


@require_GET
@requires("badges.mine")
def mine(request):
    """A pupil's badges (a carer's: each child's), newest first, with the downloads where
    their school allows them."""
    given = list(
        visible(request.user, "badge_award", "badge_award.hold")
        .filter(revoked_at__isnull=True)
        .select_related("badge_class", "awarded_by", "pupil", "project")
    )
    downloads = set(
        SchoolBadgeSettings.objects.filter(
            school__in={a.school_id for a in given}, allow_download=True
        ).values_list("school_id", flat=True)
    )
    holders: dict[int, dict] = {}
    for a in given:
        holders.setdefault(a.pupil_id, {"pupil": a.pupil, "awards": []})["awards"].append(a)
    return render(
        request,
        "badges/mine.html",
        {
            "holders": list(holders.values()),
            # A pupil's own page ("My badges"); a carer's, their children's.
            "own": Role.PUPIL in roles(request.user),
            "downloads": downloads,
        },
    )


def _download(request, given, kind: str):
    try:
        given = credentials.issue(request.user, given)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(reverse("badges:mine") + f"#badge-{given.pk}")
    name = f"badge-{slugify(given.badge_class.name)}-{given.awarded_at:%Y-%m-%d}.{kind}"
    if kind == "json":
        response = JsonResponse(
            credentials.credential_json(given),
            content_type="application/ld+json",
            json_dumps_params={"indent": 1, "ensure_ascii": False},
        )
    else:
        response = HttpResponse(given.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("badge_award.hold", "pk")
def download_jwt(request, given):
    return _download(request, given, "jwt")


@require_GET
@requires("badge_award.hold", "pk")
def download_json(request, given):
    return _download(request, given, "json")


# --- a pupil's badges, for their teachers ---------------------------------------------------


@require_GET
@requires("pupil.award_badge", "pk")
def pupil_badges(request, pupil):
    """Award a badge to the pupil (for a project, when the teacher came from one), and see and
    withdraw what they were given."""
    school_ids = services.pupil_school_ids(pupil)
    for school in School.objects.filter(pk__in=school_ids):
        services.school_badges(school)  # the default set, on first use
    choices = visible(request.user, "badge_class").filter(school_id__in=school_ids)
    project_id = request.GET.get("project", "")
    project = (
        visible(request.user, "project").filter(pk=int(project_id)).first()
        if project_id.isascii() and project_id.isdigit() and len(project_id) < 19
        else None
    )
    # The badge is for the project only if the pupil works in it (services refuse any other);
    # the teacher may have come from a project the pupil has not started.
    for_project = project if project is not None and services.works_in(pupil, project) else None
    fallback = reverse("badges:pupil", args=[pupil.pk])
    return render(
        request,
        "badges/pupil.html",
        {
            "pupil": pupil,
            "choices": choices,
            "project": project,
            "for_project": for_project,
            "back": safe_back(request.GET.get("back", ""), fallback),
            "here": fallback,
            "awards": services.awards_of(request.user, pupil),
            "revoke_form": RevokeForm(),
            # Where a coordinator adds the school's own badges.
            "managed": visible(request.user, "school", "school.badges").filter(pk__in=school_ids),
        },
    )


@require_POST
@requires("pupil.award_badge", "pk")
def award(request, pupil):
    form = AwardForm(request.POST)
    back = safe_back(request.POST.get("back", ""), reverse("badges:pupil", args=[pupil.pk]))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(f"{back}#award-{pupil.pk}")
    badge_class = (
        visible(request.user, "badge_class").filter(pk=form.cleaned_data["badge_class"]).first()
    )
    project = None
    if form.cleaned_data["project"]:
        project = visible(request.user, "project").filter(pk=form.cleaned_data["project"]).first()
    try:
        if badge_class is None or (form.cleaned_data["project"] and project is None):
            raise ValidationError("Choose one of your school's badges (and one of its projects).")
        services.award(request.user, pupil, badge_class, project)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(f"{back}#award-{pupil.pk}")
    messages.success(
        request, f"Awarded “{badge_class.name}” to {pupil.first_name}. It is in their badges now."
    )
    return redirect(f"{back}#award-{pupil.pk}")


@require_POST
@requires("badge_award.revoke", "pk")
def revoke(request, given):
    form = RevokeForm(request.POST)
    back = reverse("badges:pupil", args=[given.pupil_id]) + f"#given-{given.pk}"
    try:
        if not form.is_valid():
            raise refusal_of(form)
        services.revoke(request.user, given, form.cleaned_data["reason"])
    except ValidationError as exc:
        refused(request, exc)
        return redirect(back)
    messages.success(request, f"Withdrew “{given.badge_class.name}”. The pupil no longer sees it.")
    return redirect(back)


# --- a school's badges ---------------------------------------------------------------------


def _school_page(request, school, form=None, settings_form=None, status=200):
    chosen = services.settings_of(school)
    return render(
        request,
        "badges/school.html",
        {
            "school": school,
            "badges": services.school_badges(school),
            "form": form or BadgeClassForm(),
            "settings_form": settings_form
            or SettingsForm(
                initial={
                    "allow_download": chosen.allow_download,
                    "name_in_credential": chosen.name_in_credential,
                }
            ),
            "designs": DESIGNS,
        },
        status=status,
    )


@require_GET
@requires("school.badges", "pk")
def school_badges(request, school):
    return _school_page(request, school)


@require_POST
@requires("school.badges", "pk")
def add_badge(request, school):
    form = BadgeClassForm(**posted(request))
    if form.is_valid():
        try:
            made = services.add_badge(request.user, school, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Added the badge “{made.name}”. Teachers can award it now.")
            return redirect(reverse("badges:school", args=[school.pk]) + f"#class-{made.pk}")
    return _school_page(request, school, form=form, status=400)


@require_POST
@requires("school.badges", "pk")
def choose_settings(request, school):
    form = SettingsForm(**posted(request))
    if form.is_valid():
        services.choose_settings(request.user, school, **form.cleaned_data)
        messages.success(request, "Saved the school's badge choices.")
        return redirect(reverse("badges:school", args=[school.pk]) + "#choices")
    return _school_page(request, school, settings_form=form, status=400)
