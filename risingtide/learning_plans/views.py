"""The learning plan pages: the pupil's own plan, staff's and a carer's view of a pupil's plan,
its actions (a target, its state and date, evidence, a review, a message), the evidence picker
and the learning guide's caseload. Thin views over ``queries`` and ``services``: each action
comes back to the plan at what it acted on, with a message; a refusal comes back to the form
with what was typed still in it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.learning_plans import queries, services
from risingtide.learning_plans.forms import (
    EvidenceForm,
    MessageForm,
    NextReviewForm,
    ReviewForm,
    TargetForm,
    TargetReviewForm,
    TargetStateForm,
)
from risingtide.learning_plans.models import Target
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.people.events import note_if_carer
from risingtide.register.models import Pupil

STATE_SAID = {
    Target.State.ACHIEVED: "Achieved — well done!",
    Target.State.SET_ASIDE: "Set aside. It stays on the plan, under “Set aside”.",
    Target.State.WORKING: "Back to working on it.",
}


def _is_own(request, pupil: Pupil) -> bool:
    return pupil.account_id is not None and pupil.account_id == request.user.pk


def _plan_url(request, pupil: Pupil) -> str:
    if _is_own(request, pupil):
        return reverse("learning_plans:my_plan")
    return reverse("learning_plans:plan", args=[pupil.pk])


def _back(request, pupil: Pupil, anchor: str):
    return redirect(f"{_plan_url(request, pupil)}#{anchor}")


def _plan_page(request, pupil: Pupil, status: int = 200, **bound):
    shown = queries.plan_page(request.user, pupil)
    note_if_carer(request.user, pupil.account_id, "plan", "Their learning plan")
    today = timezone.localdate()
    context = {
        "shown": shown,
        "target_form": TargetForm(),
        "message_form": MessageForm(prefix="message"),
        "review_form": ReviewForm(initial={"reviewed_on": today}),
        "next_review_form": NextReviewForm(
            prefix="next", initial={"next_review_on": shown.next_review_on}
        ),
        "today": today,
        **bound,
    }
    return render(request, "learning_plans/plan.html", context, status=status)


@require_GET
@requires("learning_plan.mine")
def my_plan(request):
    pupil = queries.own_record(request.user)
    if pupil is None:
        return render(request, "learning_plans/no_record.html")
    return _plan_page(request, pupil)


@require_GET
@requires("learning_plan.view", "record_id")
def plan(request, pupil):
    return _plan_page(request, pupil)


@require_POST
@requires("learning_plan.write_target", "record_id")
def add_target(request, pupil):
    form = TargetForm(**posted(request))
    if form.is_valid():
        try:
            with transaction.atomic():  # a refused first target leaves no empty plan behind
                made = services.add_target(
                    request.user,
                    services.plan_for(request.user, pupil),
                    form.cleaned_data["text"],
                    review_on=form.cleaned_data["review_on"],
                )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            own = _is_own(request, pupil)
            messages.success(
                request,
                "Your target is on your plan." if own else "The target is on the plan.",
            )
            return _back(request, pupil, f"target-{made.pk}")
    return _plan_page(request, pupil, status=400, target_form=form)


@require_POST
@requires("learning_plan.write_target", "record_id")
def target_state(request, pupil):
    """A target achieved, set aside, or back to working on (a button on each target)."""
    form = TargetStateForm(**posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return _back(request, pupil, "targets-heading")
    try:
        target = services.target_on(pupil, form.cleaned_data["target"])
        services.set_target_state(request.user, target, form.cleaned_data["state"])
    except ValidationError as exc:
        refused(request, exc)
        return _back(request, pupil, "targets-heading")
    messages.success(request, STATE_SAID[form.cleaned_data["state"]])
    return _back(request, pupil, f"target-{target.pk}")


@require_POST
@requires("learning_plan.write_target", "record_id")
def target_review(request, pupil):
    """When to look at one target again."""
    form = TargetReviewForm(**posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return _back(request, pupil, "targets-heading")
    try:
        target = services.target_on(pupil, form.cleaned_data["target"])
        services.set_target_review(request.user, target, form.cleaned_data["review_on"])
    except ValidationError as exc:
        refused(request, exc)
        return _back(request, pupil, "targets-heading")
    when = target.review_on
    messages.success(
        request, f"We'll look at it again on {when:%-d %B %Y}." if when else "No date set."
    )
    return _back(request, pupil, f"target-{target.pk}")


@require_http_methods(["GET", "POST"])
@requires("learning_plan.write_target", "record_id")
def evidence(request, pupil):
    """The evidence picker: what may be linked, grouped by kind, for one target."""
    shown = queries.plan_page(request.user, pupil)
    targets = [t.target for t in shown.working + shown.achieved]
    chosen = request.GET.get("target", "")
    initial = {"target": int(chosen)} if chosen.isdigit() and len(chosen) < 19 else {}
    form = EvidenceForm(targets, **posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        kind, object_id = form.cleaned_data["evidence"]
        target = next(t for t in targets if t.pk == form.cleaned_data["target"])
        try:
            services.link_evidence(request.user, target, kind, object_id)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Linked as evidence.")
            return _back(request, pupil, f"target-{target.pk}")
    return render(
        request,
        "learning_plans/evidence.html",
        {
            "shown": shown,
            "form": form,
            "groups": queries.choice_groups(request.user, pupil),
            "back": _plan_url(request, pupil),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@requires("learning_plan.review", "record_id")
def add_review(request, pupil):
    form = ReviewForm(**posted(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.add_review(
                    request.user,
                    services.plan_for(request.user, pupil),
                    reviewed_on=data["reviewed_on"],
                    summary=data["summary"],
                    next_review_on=data["next_review_on"],
                )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            after = data["next_review_on"]
            messages.success(
                request,
                "Review recorded."
                + (f" Next review: {after:%-d %B %Y}." if after else " No next review date set."),
            )
            return _back(request, pupil, "reviews-heading")
    return _plan_page(request, pupil, status=400, review_form=form)


@require_POST
@requires("learning_plan.review", "record_id")
def next_review(request, pupil):
    form = NextReviewForm(**posted(request), prefix="next")
    if form.is_valid():
        when = form.cleaned_data["next_review_on"]
        try:
            with transaction.atomic():
                services.set_next_review(request.user, services.plan_for(request.user, pupil), when)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, f"Next review: {when:%-d %B %Y}." if when else "No next review date set."
            )
            return _back(request, pupil, "reviews-heading")
    return _plan_page(request, pupil, status=400, next_review_form=form)


@require_POST
@requires("learning_plan.comment", "record_id")
def add_message(request, pupil):
    form = MessageForm(**posted(request), prefix="message")
    if form.is_valid():
        try:
            with transaction.atomic():
                made = services.add_message(
                    request.user, services.plan_for(request.user, pupil), form.cleaned_data["text"]
                )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Your message is in the conversation.")
            return _back(request, pupil, f"message-{made.pk}")
    return _plan_page(request, pupil, status=400, message_form=form)


@require_GET
@requires("learning_plan.caseload")
def caseload(request):
    return render(
        request,
        "learning_plans/caseload.html",
        {"rows": queries.caseload_rows(request.user), "today": timezone.localdate()},
    )
