"""The privacy pages: a pupil's or a member of staff's personal data (ask for an export, see
it being made, download it), and erasing a pupil. Thin views over ``services``, ``erasing``
and ``queries``; every route is guarded by ``access.requires`` (the asking and erasing ones
after a fresh check of who the person is)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.lib.uploads import serve
from risingtide.privacy import erasing, queries, services
from risingtide.privacy.forms import AskForm, EraseForm


def _days() -> int:
    return settings.PRIVACY_EXPORT_DAYS


@require_GET
@requires("pupil_record.export_personal_data", "pk")
def pupil(request, pupil):
    page = queries.pupil_page(request.user, pupil)
    return render(request, "privacy/pupil.html", {"page": page, "days": _days()})


@require_POST
@requires("pupil_record.export_personal_data", "pk")
def pupil_export(request, pupil):
    form = AskForm(**posted(request))
    try:
        if not form.is_valid():
            raise refusal_of(form)
        services.request_pupil_export(request.user, pupil)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "The export is being made: it appears below when ready.")
    return redirect("privacy:pupil", pupil.pk)


@require_GET
@requires("staff_member.export_personal_data", "pk")
def staff(request, staff):
    page = queries.staff_page(request.user, staff)
    return render(request, "privacy/staff.html", {"page": page, "days": _days()})


@require_POST
@requires("staff_member.export_personal_data", "pk")
def staff_export(request, staff):
    form = AskForm(**posted(request))
    school = services.staff_school(staff)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        if school is None:
            raise ValidationError("They hold no role at a school, so no school can answer.")
        services.request_staff_export(request.user, staff, school)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "The export is being made: it appears below when ready.")
    return redirect("privacy:staff", staff.pk)


@require_GET
@requires("subject_access_export.view", "pk")
def export(request, export):
    """An export's progress (the fragment the page polls while it is being made)."""
    return render(request, "privacy/_export.html", {"export": export})


@require_GET
@requires("subject_access_export.download", "pk")
def export_zip(request, export):
    if not services.downloadable(export):
        raise Http404("This export is not ready, or its days are up: ask for it again.")
    services.note_download(request.user, export)
    return serve(export.archive.open("rb"), "application/zip", export.archive.name.rsplit("/")[-1])


@require_http_methods(["GET", "POST"])
@requires("pupil_record.erase", "pk")
def erase(request, pupil):
    if erasing.is_erased(pupil):
        messages.info(request, "This pupil's record has already been erased.")
        return redirect("privacy:pupil", pupil.pk)
    form = EraseForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            erasing.erase_pupil(request.user, pupil)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "The pupil has been erased.")
            return redirect("privacy:pupil", pupil.pk)
    page = queries.erase_page(pupil)
    return render(request, "privacy/erase.html", {"page": page, "form": form})
