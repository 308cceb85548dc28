"""What people do on the menu (issue 19): a pupil asks to take part and says why, withdraws,
accepts or declines; staff answer (a place or the waiting list, a place only, another
opportunity instead, not this time), offer an opportunity and record who took part; a carer
answers for consent. Each function takes the acting person first, checks, changes one
participation inside a transaction that holds the opportunity's row (``places._lock``, so
capacity stays true under concurrency), and writes the audit log. A refusal is a
``ValidationError`` naming the field, and changes nothing.

Places themselves are taken and freed only by ``places`` (grant, release) and consent by
``consent.record_consent``; no function here removes an opportunity from a pupil on its own:
"not this time" and an alternative are a person's answer, with their words."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.opportunities import consent, places
from risingtide.opportunities.menu_queries import open_to, years_words
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.register.models import Pupil, academic_year

State = Participation.State
Consent = Participation.Consent
REASON_CHARS = 1000
NOTE_CHARS = 1000
# A pupil may ask again for what they themself gave up; staff's "not this time" stands until
# staff change it (the pupil talks to them).
ASK_AGAIN = (State.WITHDRAWN, State.DECLINED)


def _text(value: str, field: str, limit: int, *, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError(
            {field: f"Keep it to {limit} characters: this is {len(text)} characters long."}
        )
    return text


def _fresh(p: Participation, state: str, actor, now) -> None:
    """Start a participation afresh (a new request or offer on a row given up before)."""
    p.state = state
    p.requested_by = actor
    p.decided_by, p.decided_at = None, None
    p.decision_note = ""
    p.alternative = None
    p.waiting_since = None
    p.consent, p.consent_by, p.consent_at = Consent.NOT_NEEDED, None, None
    p.created_at = now


def pupil_record_for(user, opportunity: Opportunity) -> Pupil:
    found = Pupil.objects.filter(account=user, school_id=opportunity.school_id, on_roll=True)
    found = found.first()
    if found is None:
        raise ValidationError(
            "Your school has not linked you to its pupil list yet, so you cannot ask. "
            "Tell your teacher."
        )
    return found


def ask(user, opportunity: Opportunity, reason: str) -> Participation:
    """The pupil asks to take part and says why. The opportunity must be on their menu (their
    school's, this year, their year group); asking again is allowed only for what they gave
    up themself."""
    if not can(user, "menu_opportunity.ask", opportunity):
        raise PermissionDenied
    reason = _text(
        reason,
        "reason",
        REASON_CHARS,
        required="Tell us why you would like to take part: a sentence is enough.",
    )
    pupil = pupil_record_for(user, opportunity)
    if not open_to([pupil]).filter(pk=opportunity.pk).exists():
        raise ValidationError(
            f"“{opportunity}” is not open to your year group ({years_words(opportunity)})."
        )
    now = timezone.now()
    with transaction.atomic():
        places._lock(opportunity)
        p = Participation.objects.select_for_update().filter(opportunity=opportunity, pupil=pupil)
        p = p.first()
        if p is not None and p.state not in ASK_AGAIN:
            if p.state == State.NOT_NOW:
                raise ValidationError(
                    "You asked before and the answer was “not this time”. If something has "
                    "changed, talk to your teacher."
                )
            raise ValidationError(f"You have already asked for “{opportunity}”.")
        if p is None:
            p = Participation(opportunity=opportunity, pupil=pupil)
        _fresh(p, State.REQUESTED, user, now)
        p.reason = reason
        p.save()
        record(user, "opportunity.ask", p, school=opportunity.school)
    return p


def respond(user, participation: Participation, choice: str) -> Participation:
    """The pupil answers for themself: ``withdraw`` a request (or their place on a waiting
    list), ``accept`` or ``decline`` an offer, ``decline`` (give up) a place, or take up the
    ``alternative`` staff offered (a request for it, in one click)."""
    if not can(user, "participation.respond", participation):
        raise PermissionDenied
    p = Participation.objects.select_related("opportunity", "alternative").get(pk=participation.pk)
    s = p.state
    if choice == "withdraw" and s in (State.REQUESTED, State.WAITING):
        return places.release(user, p, State.WITHDRAWN)
    if choice == "decline" and s in (State.OFFERED, State.ALTERNATIVE, State.PLACE):
        return places.release(user, p, State.DECLINED)
    if choice == "accept" and s == State.OFFERED:
        return places.grant(user, p)
    if choice == "alternative" and s == State.ALTERNATIVE and p.alternative_id:
        alternative = Opportunity.objects.get(pk=p.alternative_id)
        instead = f"“{p.opportunity}” was suggested instead of this."
        with transaction.atomic():
            asked = ask(user, alternative, p.reason or instead)
            places.release(user, p, State.WITHDRAWN)
        return asked
    raise ValidationError(
        {"choice": f"That is not something you can do now ({p.get_state_display().lower()})."}
    )


def _staff_change(actor, participation: Participation, change) -> Participation:
    """Run ``change(p, now)`` on a fresh, locked copy of an open participation, and save it."""
    if not can(actor, "request.answer", participation):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        opportunity = places._lock(participation.opportunity)
        p = (
            Participation.objects.select_for_update()
            .select_related("pupil")
            .get(pk=participation.pk)
        )
        p.opportunity = opportunity
        change(p, now)
        p.decided_by, p.decided_at = actor, now
        p.save()
        record(actor, "opportunity.answer", p, school=opportunity.school, state=p.state)
    return p


def _still_open(p: Participation) -> None:
    if p.state not in places.OPEN:
        raise ValidationError(
            f"{p.pupil} is no longer waiting for an answer here ({p.get_state_display()})."
        )


def answer(
    actor,
    participation: Participation,
    decision: str,
    *,
    note: str = "",
    alternative: Opportunity | None = None,
) -> Participation:
    """A member of staff answers: ``approve`` (a place, or the waiting list when full),
    ``place`` (a place now, refused when full), ``alternative`` (another opportunity of the
    school instead), ``not_now`` (with the reason, which the pupil reads), ``took_part``
    (recorded afterwards, for a pupil with a place)."""
    if not can(actor, "request.answer", participation):
        raise PermissionDenied
    note = _text(note, "note", NOTE_CHARS)
    if decision in ("approve", "place"):
        return places.grant(actor, participation, note=note, waiting=decision == "approve")
    if decision == "not_now":
        if not note:
            raise ValidationError(
                {"note": "Say why not this time: the pupil reads it, so be kind and clear."}
            )

        def not_now(p, now):
            _still_open(p)
            p.state, p.decision_note, p.waiting_since = State.NOT_NOW, note, None

        return _staff_change(actor, participation, not_now)
    if decision == "alternative":
        if alternative is None:
            raise ValidationError({"alternative": "Choose the opportunity to offer instead."})
        _check_alternative(participation, alternative)

        def instead(p, now):
            _still_open(p)
            p.state, p.alternative, p.waiting_since = State.ALTERNATIVE, alternative, None
            p.decision_note = note

        return _staff_change(actor, participation, instead)
    if decision == "took_part":

        def took_part(p, now):
            if p.state != State.PLACE:
                raise ValidationError(
                    f"Only a pupil with a place can have taken part ({p.get_state_display()})."
                )
            if p.consent == Consent.AWAITING:
                raise ValidationError(
                    "A carer has not said yes yet: record who took part once they have."
                )
            p.state = State.TOOK_PART
            if note:
                p.decision_note = note

        return _staff_change(actor, participation, took_part)
    raise ValidationError({"decision": "Choose an answer."})


def _check_alternative(p: Participation, alternative: Opportunity) -> None:
    o = p.opportunity
    if alternative.pk == o.pk:
        raise ValidationError({"alternative": "Choose a different opportunity from this one."})
    if (
        alternative.school_id != o.school_id
        or alternative.withdrawn_at
        or not alternative.on_menu
        or alternative.academic_year != academic_year()
    ):
        raise ValidationError(
            {"alternative": "Choose one of this year's opportunities at the pupil's school."}
        )
    # The pupil takes it up by asking for it, so it must be on their menu.
    if not open_to([p.pupil]).filter(pk=alternative.pk).exists():
        raise ValidationError(
            {
                "alternative": f"“{alternative}” is not open to {p.pupil}'s year group "
                f"({years_words(alternative)})."
            }
        )


def offer(actor, pupil: Pupil, opportunity: Opportunity, note: str = "") -> Participation:
    """A member of staff offers an opportunity on the pupil's menu; the pupil accepts (a
    place, or the waiting list) or declines."""
    if not can(actor, "pupil_opportunities.offer", pupil):
        raise PermissionDenied
    note = _text(note, "note", NOTE_CHARS)
    if not open_to([pupil]).filter(pk=opportunity.pk).exists():
        raise ValidationError(
            {"opportunity": "Choose one of this year's opportunities open to the pupil's year."}
        )
    now = timezone.now()
    with transaction.atomic():
        places._lock(opportunity)
        p = Participation.objects.select_for_update().filter(opportunity=opportunity, pupil=pupil)
        p = p.first()
        if p is not None and p.state not in (*ASK_AGAIN, State.NOT_NOW):
            raise ValidationError(
                {"opportunity": f"{pupil} already has “{opportunity}” ({p.get_state_display()})."}
            )
        if p is None:
            p = Participation(opportunity=opportunity, pupil=pupil, reason="")
        _fresh(p, State.OFFERED, actor, now)
        p.decided_by, p.decided_at, p.decision_note = actor, now, note
        p.save()
        record(actor, "opportunity.offer", p, school=opportunity.school)
    return p


def answer_consent(carer, participation: Participation, choice: str) -> Participation:
    """A carer's ``yes`` or ``no`` (``no`` after a yes withdraws it): ``consent``'s rules."""
    if choice not in ("yes", "no"):
        raise ValidationError({"choice": "Say yes or no."})
    return consent.record_consent(carer, participation, choice == "yes")
