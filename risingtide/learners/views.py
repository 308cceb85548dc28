"""The learners pages: a pupil's own profile (they write it), a pupil's profile as staff and
carers see it (staff add observations there), its history, the school's learning guides, its
personalisation switches and the plain "What we use and why". Thin views over ``queries``
(reads) and ``services`` (changes)."""

from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.audit.models import record
from risingtide.learners import queries, services
from risingtide.learners.forms import GuideForm, ObservationForm, PersonalisationForm, ProfileForm
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.people.events import note_if_carer

SAVED_TAG = "profile-saved"  # the message that puts the focus on the page's confirmation


def _viewed(request, pupil, why: str) -> None:
    """Someone other than the pupil read pupil-level data: the audit log says who and why (and
    what a carer saw, the pupil can see from 13: ``people.events.carer_saw``)."""
    if pupil.account_id != request.user.pk:
        record(request.user, "learners.profile_viewed", pupil, school=pupil.school, why=why)
        note_if_carer(request.user, pupil.account_id, "profile", "Their profile and guide")


@require_http_methods(["GET", "POST"])
@requires("learner.own_profile")
def my_profile(request):
    """The pupil's own page: their answers to write, and what their teachers noticed."""
    pupil = queries.own_record(request.user)
    if pupil is None:
        return render(request, "learners/no_record.html")
    page = queries.profile_page(request.user, pupil)
    form = ProfileForm(
        **posted(request),
        band=page.band,
        initial={a.field: a.text for a in page.answers},
        auto_id="answer-%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.save_profile(request.user, pupil, form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            said = (
                "Saved! Your profile is up to date."
                if made
                else "Saved. Nothing had changed since last time."
            )
            messages.success(request, said, extra_tags=SAVED_TAG)
            return redirect("learners:my_profile")
    just_saved = any(SAVED_TAG in m.tags for m in get_messages(request))
    # Once written, the page shows the pupil's words as their page, not a form; the boxes come
    # back when they choose to change them (and whenever a save was refused).
    editing = request.method == "POST" or not page.written or "change" in request.GET
    return render(
        request,
        "learners/my_profile.html",
        {
            "page": page,
            "form": form,
            "questions": [(form[a.field], a) for a in page.answers],
            "just_saved": just_saved,
            "editing": editing,
        },
        status=400 if form.errors else 200,
    )


def _show_profile(request, pupil, observation_form=None):
    page = queries.profile_page(request.user, pupil)
    _viewed(request, pupil, "Learner profile page")
    return render(
        request,
        "learners/profile.html",
        {
            "page": page,
            "form": observation_form or ObservationForm(auto_id="observe-%s"),
            "may_see_history": can(request.user, "learner.history", pupil),
        },
        status=400 if observation_form is not None else 200,
    )


@require_GET
@requires("learner.view", "record_id")
def profile(request, pupil):
    """A pupil's profile as staff and carers see it; the pupil themself writes theirs on their
    own page."""
    if pupil.account_id == request.user.pk:
        return redirect("learners:my_profile")
    return _show_profile(request, pupil)


@require_POST
@requires("learner.observe", "record_id")
def observe(request, pupil):
    form = ObservationForm(**posted(request), auto_id="observe-%s")
    if form.is_valid():
        try:
            made = services.add_observation(request.user, pupil, form.cleaned_data["text"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, f"Your observation is added. {pupil.forename} can read it now."
            )
            url = reverse("learners:profile", args=[pupil.pk])
            return redirect(f"{url}#observation-{made.pk}")
    return _show_profile(request, pupil, observation_form=form)


@require_POST
@requires("observation.withdraw", "observation_id")
def withdraw(request, observation):
    try:
        services.withdraw_observation(request.user, observation)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            "The observation is withdrawn: the pupil no longer sees it. It stays in the "
            "history, marked withdrawn.",
        )
    url = reverse("learners:profile", args=[observation.pupil_id])
    return redirect(f"{url}#observations")


@require_GET
@requires("learner.history", "record_id")
def history(request, pupil):
    """Every change to the pupil's answers (who, when, what it was) and every observation
    (withdrawn ones too, for staff who observe the pupil)."""
    page = queries.profile_page(request.user, pupil)
    _viewed(request, pupil, "Learner profile history")
    return render(
        request,
        "learners/history.html",
        {
            "page": page,
            "changes": list(queries.changes(pupil)),
            "own": pupil.account_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("learning_guides.manage", "school_id")
def guides(request, school):
    """The school's register pupils with their learning guides, each changed on its own row."""
    staff = list(queries.guide_candidates(school))
    if request.method == "POST":
        form = GuideForm(**posted(request), staff=staff)
        pupil = None
        if form.is_valid():
            pupil = (
                visible(request.user, "learner", "learner.assign_guide")
                .filter(school_id=school.pk, pk=form.cleaned_data["pupil"])
                .first()
            )
            if pupil is None:
                refused(request, ValidationError("That pupil is not on this school's register."))
            else:
                chosen = next((u for u in staff if u.pk == form.cleaned_data["guide"]), None)
                try:
                    services.assign_guide(request.user, pupil, chosen)
                except ValidationError as exc:
                    refused(request, exc)
                else:
                    messages.success(
                        request,
                        f"{chosen.get_full_name()} is now {pupil}'s learning guide."
                        if chosen
                        else f"{pupil} has no learning guide now.",
                    )
        else:
            refused(request, refusal_of(form))
        url = reverse("learners:guides", args=[school.pk])
        return redirect(f"{url}#guide-{pupil.pk}" if pupil else url)
    rows = [
        (
            row,
            GuideForm(
                initial={"pupil": row.pupil.pk, "guide": row.guide.pk if row.guide else ""},
                staff=staff,
                auto_id=f"guide-{row.pupil.pk}-%s",
            ),
        )
        for row in queries.register_pupils(request.user, school)
    ]
    return render(request, "learners/guides.html", {"school": school, "rows": rows})


@require_http_methods(["GET", "POST"])
@requires("personalisation.manage", "school_id")
def personalisation(request, school):
    settings = queries.personalisation_of(school)
    form = PersonalisationForm(
        **posted(request),
        initial={"profiles_on": settings.profiles_on, "suggestions_on": settings.suggestions_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.set_personalisation(
            request.user,
            school,
            profiles_on=data["profiles_on"],
            suggestions_on=data["suggestions_on"],
        )
        on_off = {True: "on", False: "off"}
        messages.success(
            request,
            f"Saved: learner profiles are {on_off[data['profiles_on']]} and suggestions are "
            f"{on_off[data['suggestions_on']]} at {school.name}.",
        )
        url = reverse("learners:personalisation", args=[school.pk])
        return redirect(f"{url}#switches")
    return render(
        request,
        "learners/personalisation.html",
        {"school": school, "settings": settings, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@requires("personalisation.explained")
def what_we_use(request):
    return render(
        request, "learners/what_we_use.html", {"switches": queries.switches_for(request.user)}
    )
