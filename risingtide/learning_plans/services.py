"""Changes to a learning plan: the acting person first, the check, the change, the audit.

A plan is made on first use (``plan_for``), so nobody has to "create" one before a pupil can
write their first target. Targets are never deleted: they are achieved or set aside, and at most
``WORKING_LIMIT`` are worked on at once, so the plan stays a few things a pupil can hold in
mind. Evidence is linked only from what the acting person may already see of this pupil
(``queries.evidence_choices``): an id from anywhere else is refused, whoever typed it. A
message's voice is never chosen: it follows from who writes it."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.learners.models import LearningGuide
from risingtide.learning_plans.models import (
    MESSAGE_LIMIT,
    TARGET_LIMIT,
    Evidence,
    LearningPlan,
    Message,
    Review,
    Target,
)
from risingtide.learning_plans.queries import EVIDENCE_KINDS, WORKING_LIMIT, evidence_choices
from risingtide.people.models import Membership, Role, User
from risingtide.register.models import Pupil

SUMMARY_LIMIT = MESSAGE_LIMIT


def _require(actor: User, capability: str, pupil: Pupil) -> None:
    if not can(actor, capability, pupil):
        raise PermissionDenied


def _text(text: str, limit: int, field: str, what: str) -> str:
    """Stripped text, refused when empty or longer than ``limit`` (saying how long it was)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"Write the {what} first."})
    if len(text) > limit:
        raise ValidationError(
            {
                field: f"A {what} can be up to {limit:,} characters; this one is "
                f"{len(text):,}. Make it shorter."
            }
        )
    return text


def plan_for(actor: User, pupil: Pupil) -> LearningPlan:
    """The pupil's plan, made on first use by anyone who may see it."""
    _require(actor, "learning_plan.view", pupil)
    plan = LearningPlan.objects.filter(pupil=pupil).first()
    if plan is not None:
        return plan
    with transaction.atomic():
        plan, made = LearningPlan.objects.get_or_create(pupil=pupil, defaults={"created_by": actor})
        if made:
            record(actor, "learning_plans.open", plan, school=pupil.school)
    return plan


TARGET_REFUSAL = "That target is not on this plan."


def target_on(pupil: Pupil, target_id: int) -> Target:
    """One target of the pupil's plan by its id (from a page or the API); any other id is
    refused alike, whether it is another pupil's or none at all."""
    target = (
        Target.objects.filter(pk=target_id, plan__pupil=pupil).select_related("plan__pupil").first()
    )
    if target is None:
        raise ValidationError({"target": TARGET_REFUSAL})
    return target


def _locked(plan: LearningPlan) -> LearningPlan:
    """The plan's row, locked for this transaction: two targets added at once cannot both be
    the sixth."""
    return LearningPlan.objects.select_for_update().get(pk=plan.pk)


def _working(plan: LearningPlan) -> int:
    return plan.targets.filter(state=Target.State.WORKING).count()


def _too_many() -> ValidationError:
    return ValidationError(
        {
            "text": f"A plan has at most {WORKING_LIMIT} targets being worked on. Mark one "
            "achieved or set it aside first."
        }
    )


def add_target(
    actor: User, plan: LearningPlan, text: str, *, review_on: date | None = None
) -> Target:
    """A target in the pupil's words (the pupil writes it; their guide or coordinator may)."""
    _require(actor, "learning_plan.write_target", plan.pupil)
    text = _text(text, TARGET_LIMIT, "text", "target")
    with transaction.atomic():
        _locked(plan)
        if _working(plan) >= WORKING_LIMIT:
            raise _too_many()
        last = plan.targets.aggregate(last=Max("position"))["last"]
        target = Target.objects.create(
            plan=plan,
            text=text,
            review_on=review_on,
            position=0 if last is None else last + 1,
            written_by=actor,
        )
        record(actor, "learning_plans.add_target", target, school=plan.pupil.school)
    return target


def set_target_state(actor: User, target: Target, state: str) -> Target:
    """Achieved, set aside, or back to working on it (never deleted)."""
    plan = target.plan
    _require(actor, "learning_plan.write_target", plan.pupil)
    if state not in Target.State.values:
        raise ValidationError({"state": "Choose working on it, achieved or set aside."})
    with transaction.atomic():
        _locked(plan)
        target = Target.objects.get(pk=target.pk)
        if state == target.state:
            return target
        if state == Target.State.WORKING and _working(plan) >= WORKING_LIMIT:
            raise ValidationError(
                {"state": f"{WORKING_LIMIT} targets are already being worked on."}
            )
        before, target.state = target.state, state
        target.save(update_fields=["state", "updated_at"])
        record(
            actor,
            "learning_plans.target_state",
            target,
            school=plan.pupil.school,
            before=before,
            after=state,
        )
    return target


def set_target_review(actor: User, target: Target, review_on: date | None) -> Target:
    """When to look at this target again (none: no date)."""
    plan = target.plan
    _require(actor, "learning_plan.write_target", plan.pupil)
    target.review_on = review_on
    target.save(update_fields=["review_on", "updated_at"])
    record(
        actor,
        "learning_plans.target_review_on",
        target,
        school=plan.pupil.school,
        review_on=review_on.isoformat() if review_on else None,
    )
    return target


def link_evidence(actor: User, target: Target, kind: str, object_id: int) -> Evidence:
    """Link one of the pupil's own portfolio items, next steps or opportunities to a target.
    Only what ``evidence_choices`` offers the acting person can be linked: anything else (another
    pupil's work, a request still waiting) is refused the same way, saying nothing about it."""
    pupil = target.plan.pupil
    _require(actor, "learning_plan.write_target", pupil)
    if kind not in EVIDENCE_KINDS:
        raise ValidationError({"kind": "Choose a portfolio item, a next step or an opportunity."})
    if Target.objects.filter(pk=target.pk, state=Target.State.SET_ASIDE).exists():
        raise ValidationError({"target": "That target is set aside: work on it again first."})
    field = EVIDENCE_KINDS[kind]
    found = getattr(evidence_choices(actor, pupil), field).filter(pk=object_id).first()
    if found is None:
        raise ValidationError({"evidence": "That is not something of this pupil's to link."})
    if Evidence.objects.filter(target=target, **{kind: found}).exists():
        raise ValidationError({"evidence": "That is already evidence for this target."})
    evidence = Evidence.objects.create(target=target, added_by=actor, **{kind: found})
    record(
        actor,
        "learning_plans.link_evidence",
        evidence,
        school=pupil.school,
        for_target=target.pk,
        kind=kind,
        object=found.pk,
    )
    return evidence


def _review_dates(reviewed_on: date | None, next_review_on: date | None) -> None:
    today = timezone.localdate()
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": "Give the date of the review."})
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": "A review is recorded once it has happened."})
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise ValidationError(
            {"next_review_on": "The next review comes after this one: choose a later date."}
        )


def add_review(
    actor: User,
    plan: LearningPlan,
    *,
    reviewed_on: date | None,
    summary: str,
    next_review_on: date | None = None,
) -> Review:
    """A review of the plan by the pupil's learning guide or the coordinator; the plan's next
    review date becomes the one given here."""
    _require(actor, "learning_plan.review", plan.pupil)
    _review_dates(reviewed_on, next_review_on)
    summary = _text(summary, SUMMARY_LIMIT, "summary", "summary")
    with transaction.atomic():
        review = Review.objects.create(
            plan=plan,
            reviewed_on=reviewed_on,
            summary=summary,
            reviewed_by=actor,
            next_review_on=next_review_on,
        )
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on"])
        record(actor, "learning_plans.review", review, school=plan.pupil.school)
    return review


def set_next_review(actor: User, plan: LearningPlan, next_review_on: date | None) -> LearningPlan:
    """When the plan is next reviewed, set before (or between) reviews."""
    _require(actor, "learning_plan.review", plan.pupil)
    if next_review_on is not None and next_review_on < timezone.localdate():
        raise ValidationError({"next_review_on": "Choose today or a later date."})
    plan.next_review_on = next_review_on
    plan.save(update_fields=["next_review_on"])
    record(
        actor,
        "learning_plans.next_review",
        plan,
        school=plan.pupil.school,
        next_review_on=next_review_on.isoformat() if next_review_on else None,
    )
    return plan


def voice_of(author: User, pupil: Pupil) -> str:
    """Who ``author`` is in this pupil's plan: the pupil, their family, their learning guide,
    or (anyone else who may write there: their teachers, the school's coordinators and head)
    staff."""
    if pupil.account_id is not None and author.pk == pupil.account_id:
        return Message.Voice.PUPIL
    if (
        pupil.account_id is not None
        and Membership.objects.filter(
            user=author, role=Role.CARER, child_id=pupil.account_id
        ).exists()
    ):
        return Message.Voice.FAMILY
    if LearningGuide.objects.filter(pupil=pupil, guide=author).exists():
        return Message.Voice.GUIDE
    return Message.Voice.STAFF


def add_message(author: User, plan: LearningPlan, text: str) -> Message:
    """One message in the plan's conversation, in the voice of whoever writes it (the pupil,
    their family, their learning guide, other staff); anyone else is refused."""
    pupil = plan.pupil
    _require(author, "learning_plan.comment", pupil)
    voice = voice_of(author, pupil)
    text = _text(text, MESSAGE_LIMIT, "text", "message")
    message = Message.objects.create(
        plan=plan,
        voice=voice,
        text=text,
        author=author,
        author_name=(author.get_full_name() or author.username)[:150],
    )
    record(author, "learning_plans.message", message, school=pupil.school, voice=voice)
    return message
