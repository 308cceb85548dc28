"""What staff and carers read of pupils' participations (issue 19): the requests at a school
that a member of staff answers (``requests_for``), one pupil's opportunities with what the
viewer may do to each (``pupil_page``), the words staff and carers read for each state
(``staff_words``), and what may be offered instead (``alternatives_to``). Read by the pages
and the API alike; each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import QuerySet

from risingtide.access.core import visible
from risingtide.opportunities.menu_queries import (
    annotated_participations,
    open_to,
    ordinal,
    participations_of,
)
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.opportunities.places import OPEN
from risingtide.register.models import Pupil, academic_year

State = Participation.State
Consent = Participation.Consent


def staff_words(p: Participation) -> str:
    """The state as staff and carers read it."""
    s = p.state
    if s == State.WAITING:
        return f"On the waiting list ({ordinal(getattr(p, 'ahead', 0) + 1)})"
    if s == State.PLACE and p.consent == Consent.AWAITING:
        return "Has a place, waiting for a carer's consent"
    if s == State.PLACE and p.consent == Consent.GIVEN:
        return "Has a place (a carer said yes)"
    if s == State.ALTERNATIVE and p.alternative:
        return f"Offered “{p.alternative}” instead"
    if s == State.WITHDRAWN and p.consent in (Consent.REFUSED, Consent.WITHDRAWN):
        return "Withdrawn: a carer said no"
    return p.get_state_display()


# --- a pupil's opportunities, for staff and carers -----------------------------------------


@dataclass
class Row:
    participation: Participation
    words: str
    can_answer: bool
    can_consent: bool

    @property
    def consent_needed(self) -> bool:
        p = self.participation
        return p.opportunity.needs_consent and p.state in (
            State.REQUESTED,
            State.OFFERED,
            State.WAITING,
            State.PLACE,
        )


@dataclass
class PupilPage:
    record: Pupil
    rows: list[Row]
    offerable: list[Opportunity]  # what staff may offer (empty for others)
    can_offer: bool


def pupil_page(user, record: Pupil) -> PupilPage:
    """A pupil's opportunities as ``user`` (who passed ``pupil_opportunities.view`` on the
    record) sees them: each with what they may do (four queries, five for staff)."""
    found = list(participations_of(record))
    ids = [p.pk for p in found]
    answerable = set(
        visible(user, "request", "request.answer").filter(pk__in=ids).values_list("pk", flat=True)
    )
    consentable = set(
        visible(user, "participation", "participation.consent")
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    rows = [Row(p, staff_words(p), p.pk in answerable, p.pk in consentable) for p in found]
    can_offer = (
        visible(user, "pupil_opportunities", "pupil_opportunities.offer")
        .filter(pk=record.pk)
        .exists()
    )
    offerable = []
    if can_offer:
        given_up = (State.WITHDRAWN, State.DECLINED)
        taken = {p.opportunity_id for p in found if p.state not in given_up}
        offerable = [o for o in open_to([record]) if o.pk not in taken]
    return PupilPage(record, rows, offerable, can_offer)


# --- the requests staff answer -------------------------------------------------------------


@dataclass
class Requests:
    school: object
    asked: list[Participation]  # waiting for an answer
    waiting: list[Participation]  # on a waiting list: "give a place" when one frees
    offered: list[Participation]  # offered, or an alternative: waiting for the pupil
    places: list[Participation]  # has a place: record who took part


def answerable(user) -> QuerySet:
    """The participations ``user`` answers, with waiting places and places taken."""
    mine = visible(user, "request", "request.answer").values("pk")
    return annotated_participations().filter(pk__in=mine)


def requests_for(user, school) -> Requests:
    """The requests at ``school`` that ``user`` answers, by what they wait for (one query)."""
    rows = list(
        answerable(user)
        .filter(
            opportunity__school=school,
            opportunity__academic_year__gte=academic_year() - 1,
            state__in=(*OPEN, State.PLACE),
        )
        .order_by("created_at", "pk")
    )
    for p in rows:
        p.left = places_left_of(p)
    return Requests(
        school=school,
        asked=[p for p in rows if p.state == State.REQUESTED],
        waiting=sorted(
            (p for p in rows if p.state == State.WAITING),
            key=lambda p: (p.opportunity.title, p.ahead),
        ),
        offered=[p for p in rows if p.state in (State.OFFERED, State.ALTERNATIVE)],
        places=[p for p in rows if p.state == State.PLACE],
    )


def places_left_of(p: Participation) -> int | None:
    o = p.opportunity
    if o.capacity is None:
        return None
    return max(o.capacity - getattr(p, "places_taken", 0), 0)


def alternatives_to(p: Participation) -> list[Opportunity]:
    """What staff may offer instead: this year's other opportunities on the school's menu."""
    return list(
        Opportunity.objects.filter(
            school_id=p.opportunity.school_id,
            academic_year=academic_year(),
            on_menu=True,
            withdrawn_at__isnull=True,
        )
        .exclude(pk=p.opportunity_id)
        .order_by("title", "pk")
    )
