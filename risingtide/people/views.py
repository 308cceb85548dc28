from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.people import services
from risingtide.people.forms import AddPupilsForm
from risingtide.people.models import Membership, Role


def _cards(request, group, issued, heading):
    """Sign-in cards carry passwords: shown once, never cached, never stored."""
    return render(
        request,
        "people/cards.html",
        {"group": group, "issued": issued, "heading": heading},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires("teaching_group.manage_pupils", "pk")
def add_pupils(request, group):
    form = AddPupilsForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.add_pupils(request.user, group, form.cleaned_data["text"])
        except services.RosterError as exc:
            errors = exc.errors
        else:
            return _cards(request, group, issued, f"{len(issued)} pupils added to {group.name}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/add_pupils.html",
        {"group": group, "form": form, "row_errors": errors},
        status=status,
    )


@never_cache
@require_POST
@requires("teaching_group.manage_pupils", "pk")
def print_cards(request, group):
    """New passwords for the chosen pupils of a group, printed as cards."""
    # Ignore anything that is not a plain id (e.g. "²" or a 40-digit number): never a 500.
    chosen = [
        int(c) for c in request.POST.getlist("pupil") if c.isascii() and c.isdigit() and len(c) < 12
    ]
    pupils = list(
        visible(request.user, "pupil", "pupil.reset_password").filter(
            pk__in=Membership.objects.filter(
                teaching_group=group,
                role=Role.PUPIL,
                user_id__in=chosen,
            ).values("user_id")
        )
    )
    if not pupils:
        return render(request, "people/no_pupils_chosen.html", {"group": group}, status=400)
    issued = services.reissue_passwords(request.user, pupils)
    return _cards(request, group, issued, f"Sign-in cards for {group.name}")


@require_GET
@requires("pupil.view", "pk")
def pupil(request, pupil):
    groups = Membership.objects.filter(user=pupil, role=Role.PUPIL, teaching_group__isnull=False)
    if pupil.pk != request.user.pk:
        # Staff see the pupil's groups in their own reach, never another school's history.
        groups = groups.filter(teaching_group__in=visible(request.user, "teaching_group"))
    groups = list(
        groups.select_related("teaching_group__school").order_by("-teaching_group__academic_year")
    )
    return render(
        request,
        "people/pupil.html",
        {
            "pupil": pupil,
            "memberships": groups,
            "can_reset": can(request.user, "pupil.reset_password", pupil),
        },
    )


@never_cache
@require_POST
@requires("pupil.reset_password", "pk")
def reset_password(request, pupil):
    issued = services.reissue_passwords(request.user, [pupil])
    if not issued:
        raise PermissionDenied
    return _cards(request, None, issued, f"New password for {pupil}")
