"""The families pages: the school's page of a pupil's carers (invite, cancel, unlink, and the
letter with the code, shown once); the public join page; a carer's page of one child (with
consent and comments on the plan); a pupil's page of what their carers were shown. Thin views
over ``queries`` and ``services``."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires, visible
from risingtide.families import queries, services, throttle
from risingtide.families.forms import (
    CodeForm,
    CommentForm,
    ConsentForm,
    InviteForm,
    JoinForm,
    PlaceConsentForm,
    RowForm,
)
from risingtide.learning_plans import services as plans
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.opportunities.consent import record_consent
from risingtide.provision.consent import record_place_consent

# --- the school's side --------------------------------------------------------------------------


def _carers_page(request, pupil, form, status=200):
    return render(
        request,
        "families/carers.html",
        {
            "pupil": pupil,
            "carers": queries.carers_of(pupil),
            "invitations": queries.invitations(request.user, pupil),
            "form": form,
            "valid_days": services.VALID_FOR.days,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires("pupil_record.carers", "record_id")
def carers(request, pupil):
    """A pupil's carers and invitations; posting makes an invitation and shows its letter once."""
    form = InviteForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, code = services.invite(
                request.user, pupil, form.cleaned_data["relationship"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            # The code exists only in this answer: never cached, never stored.
            return render(
                request,
                "families/letter.html",
                {
                    "pupil": pupil,
                    "invitation": invitation,
                    "code": code,
                    "join_url": request.build_absolute_uri(reverse("families:join")),
                },
            )
    return _carers_page(request, pupil, form, 400 if form.errors else 200)


@require_POST
@requires("pupil_record.carers", "record_id")
def cancel_invitation(request, pupil):
    form = RowForm(request.POST, refusal="Choose an invitation to cancel.")
    back = reverse("families:carers", args=[pupil.pk]) + "#invitations-heading"
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(back)
    invitation = (
        visible(request.user, "invitation", "invitation.cancel")
        .filter(pk=form.cleaned_data["row"], pupil=pupil)
        .select_related("pupil__school")
        .first()
    )
    if invitation is None:
        refused(request, ValidationError("That invitation is not this pupil's."))
        return redirect(back)
    try:
        services.cancel(request.user, invitation)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Invitation cancelled: its code no longer works.")
    return redirect(back)


@require_POST
@requires("pupil_record.carers", "record_id")
def unlink_carer(request, pupil):
    form = RowForm(request.POST, refusal="Choose a carer to unlink.")
    back = reverse("families:carers", args=[pupil.pk]) + "#carers-heading"
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(back)
    try:
        carer = services.unlink(request.user, pupil, form.cleaned_data["row"])
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request, f"{carer.get_full_name() or carer.username} is no longer linked to {pupil}."
        )
    return redirect(back)


# --- joining ---------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
def join(request):
    """Public: a code from the school and a new account; or, signed in as a carer, a code for
    another child. Wrong codes are throttled like sign-ins."""
    user = request.user
    signed_in = user.is_authenticated
    # A carer (or a family account whose only link was removed) may add a child.
    is_carer = signed_in and services.is_family_account(user)
    if signed_in and not is_carer:
        return render(request, "families/join.html", {"other_account": True})
    form = (CodeForm if is_carer else JoinForm)(**posted(request))
    status = 200
    if request.method == "POST":
        if throttle.blocked(request):
            form.is_valid()
            form.add_error(
                None,
                "Too many codes that did not work from here: wait 15 minutes, then try again "
                "carefully, or ask the school.",
            )
            return render(request, "families/join.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                link = _redeem(request, form, is_carer)
            except ValidationError as exc:
                if "code" in getattr(exc, "error_dict", {}):
                    throttle.failed(request)
                show_refusal(form, exc)
            else:
                child = link.child
                messages.success(
                    request,
                    f"You are now linked to {child.first_name}. This is what you can see.",
                )
                return redirect("families:child", child.pk)
        status = 400
    return render(request, "families/join.html", {"form": form}, status=status)


def _redeem(request, form, is_carer: bool):
    code = form.cleaned_data["code"]
    if is_carer:
        return services.redeem(code, carer=request.user)
    new = form.new_carer()
    services.check_new_carer(new)  # the account's own checks before a code is spent
    link = services.redeem(code, new=new)
    login(request, link.user, backend="risingtide.people.backends.PersonBackend")
    return link


# --- a carer's child ---------------------------------------------------------------------------


def _child_page(request, child, *, comment_form=None, status=200):
    page = queries.child_page(request.user, child)
    services.note_shown(request.user, child, page.shown())
    return render(
        request,
        "families/child.html",
        {
            "page": page,
            "comment_form": comment_form or CommentForm(),
            "focus": request.GET.get("focus", ""),
        },
        status=status,
    )


@require_GET
@requires("child.view", "child_id")
def child(request, child):
    return _child_page(request, child)


@require_POST
@requires("child.consent", "child_id")
def consent(request, child):
    """Yes, no, or withdraw a yes, for one of this child's opportunities. Any other pupil's
    participation is not found (404), whoever's it is."""
    form = ConsentForm(request.POST)
    back = reverse("families:child", args=[child.pk])
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(back + "#opportunities-heading")
    participation = (
        queries.consentable(request.user, child)
        .filter(pk=form.cleaned_data["participation"])
        .select_related("opportunity")
        .first()
    )
    if participation is None:
        raise Http404
    answer = form.cleaned_data["answer"]
    try:
        done = record_consent(request.user, participation, answer == "give")
    except ValidationError as exc:
        refused(request, exc)
    else:
        title = participation.opportunity.title
        said = {
            "give": f"Thank you: you said yes to {title}.",
            "refuse": f"You said no to {title}; the place goes to someone else.",
            "withdraw": f"You withdrew your yes to {title}; the place goes to someone else.",
        }[answer]
        messages.success(request, said)
        participation = done
    return redirect(back + f"#participation-{participation.pk}")


@require_POST
@requires("child.consent", "child_id")
def place_consent(request, child):
    """Yes, no, or withdraw a yes, for a place the school booked for this child with a provider
    whose service needs consent. Any other pupil's place is not found (404)."""
    form = PlaceConsentForm(request.POST)
    back = reverse("families:child", args=[child.pk])
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(back + "#opportunities-heading")
    place = (
        queries.consentable_places(request.user, child)
        .filter(pk=form.cleaned_data["place"])
        .select_related("session__service")
        .first()
    )
    if place is None:
        raise Http404
    answer = form.cleaned_data["answer"]
    try:
        record_place_consent(request.user, place, answer == "give")
    except ValidationError as exc:
        refused(request, exc)
    else:
        title = place.session.service.title
        messages.success(
            request,
            {
                "give": f"Thank you: you said yes to {title}.",
                "refuse": f"You said no to {title}; the school will be told.",
                "withdraw": f"You withdrew your yes to {title}; the school will be told.",
            }[answer],
        )
    return redirect(back + f"#place-{place.pk}")


@require_POST
@requires("child.comment", "child_id")
def comment(request, child):
    form = CommentForm(request.POST)
    record = child.pupil_record if hasattr(child, "pupil_record") else None
    plan = getattr(record, "learning_plan", None) if record else None
    if plan is None:
        refused(request, ValidationError("Your child has no learning plan yet."))
        return redirect(reverse("families:child", args=[child.pk]) + "#plan-heading")
    if form.is_valid():
        try:
            with transaction.atomic():
                plans.add_message(request.user, plan, form.cleaned_data["text"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Your comment is on the plan.")
            return redirect(reverse("families:child", args=[child.pk]) + "#conversation-heading")
    return _child_page(request, child, comment_form=form, status=400)


# --- a pupil's own page ---------------------------------------------------------------------


@require_GET
@requires("family.shown")
def what_family_sees(request):
    return render(
        request, "families/what_family_sees.html", {"seen": queries.what_family_sees(request.user)}
    )
