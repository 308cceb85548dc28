"""What families see, read once for the page and the API alike: a carer's children, one
child's page (opportunities, learner profile, learning plan, shared presentations), a pupil's
carers and invitations for the school, and what a pupil's carers were shown.

Every read is scoped through ``visible``: a child through the subject ``child`` (a carer's own
children only), invitations through ``invitation`` (the school's). Each makes a fixed number
of queries whatever a child has (asserted in tests)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.families.models import Invitation, Shown
from risingtide.learners.models import PROFILE_FIELDS, LearnerProfile, Observation
from risingtide.learning_plans.models import LearningPlan, Message, Target
from risingtide.lib.counts import count_of
from risingtide.opportunities.consent import ANSWERABLE
from risingtide.opportunities.models import Participation
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import Item, Portfolio, PortfolioMember, StageWork
from risingtide.provision.models import Consent as PlaceConsent
from risingtide.provision.models import Place
from risingtide.register.models import Pupil

OLD_ENOUGH = 13  # a pupil from 13 sees what their carers were shown (ICO AADC: their say)
PRESENTATIONS_SHOWN = 20
SHOWN_LISTED = 100

Consent = Participation.Consent


def awaiting_consent() -> Q:
    """A participation waiting for a carer's yes or no."""
    return Q(opportunity__needs_consent=True, state__in=ANSWERABLE, consent__in=[Consent.AWAITING])


# --- a carer's children ------------------------------------------------------------------------


def children(carer: User) -> QuerySet:
    """The carer's children, each with their school and how many answers wait for the carer:
    one query (the home panel, the bar and the API's list)."""
    return (
        visible(carer, "child")
        .select_related("pupil_record__school")
        .annotate(
            awaiting=count_of(Participation.objects.filter(awaiting_consent()), "pupil__account_id")
        )
        .order_by("first_name", "last_name", "pk")
    )


# --- one child's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpportunityRow:
    participation: Participation
    can_answer: bool  # give or refuse consent
    can_withdraw: bool  # take a consent given back

    @property
    def waiting_for_you(self) -> bool:
        return self.can_answer


@dataclass(frozen=True)
class PlaceRow:
    """A place the school booked for the child on a provider's session (the marketplace)."""

    place: Place
    can_answer: bool  # the service needs consent and none is given yet
    can_withdraw: bool


@dataclass(frozen=True)
class PresentationRow:
    portfolio: Portfolio
    items: list[Item]


@dataclass
class ChildPage:
    child: User
    record: Pupil | None
    opportunities: list[OpportunityRow] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)
    profiles_on: bool = False
    profile: list[tuple[str, str]] = field(default_factory=list)  # (heading, the pupil's words)
    observations: list[Observation] = field(default_factory=list)
    plan: LearningPlan | None = None
    targets: list[Target] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    presentations: list[PresentationRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.record.forename if self.record else self.child.first_name or "your child"

    @property
    def school(self):
        return self.record.school if self.record else None

    @property
    def awaiting(self) -> int:
        return sum(row.can_answer for row in self.opportunities) + sum(
            row.can_answer for row in self.places
        )

    def shown(self) -> list[tuple[str, str]]:
        """What this page shows, one (kind, summary) per kind shown: kept for the pupil."""
        found = []
        if self.opportunities:
            found.append(
                (
                    "opportunities",
                    "; ".join(
                        f"{row.participation.opportunity.title} "
                        f"({row.participation.get_state_display().lower()})"
                        for row in self.opportunities
                    ),
                )
            )
        if self.places:
            found.append(
                (
                    "marketplace",
                    "; ".join(
                        f"{row.place.session.service.title} ({row.place.get_consent_display()})"
                        for row in self.places
                    ),
                )
            )
        answered = [heading for heading, words in self.profile if words]
        if self.profiles_on and (answered or self.observations):
            found.append(
                (
                    "profile",
                    f"Learner profile ({len(answered)} of {len(PROFILE_FIELDS)} answers) and "
                    f"{_count(len(self.observations), 'staff observation')}",
                )
            )
        if self.plan is not None:
            found.append(
                (
                    "plan",
                    f"Learning plan: {_count(len(self.targets), 'target')}, "
                    f"{_count(len(self.messages), 'message')} in the conversation",
                )
            )
        if self.presentations:
            found.append(
                (
                    "presentations",
                    "Shared presentations: "
                    + "; ".join(row.portfolio.project.title for row in self.presentations),
                )
            )
        return found


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def child_page(carer: User, child: User) -> ChildPage:
    """Everything a carer's page (and the API's summary) shows of one child: at most eight
    queries. The child's school record carries the profile, the plan and the school's choice
    about profiles in one join."""
    record = (
        Pupil.objects.filter(account=child, account__in=visible(carer, "child"))
        .select_related("school__personalisation", "learner_profile", "learning_plan")
        .first()
    )
    page = ChildPage(child=child, record=record)
    if record is None:
        return page
    page.opportunities = _opportunities(carer, child)
    page.places = _places(carer, child)
    personalisation = getattr(record.school, "personalisation", None)
    page.profiles_on = bool(personalisation and personalisation.profiles_on)
    if page.profiles_on:
        profile = _one_to_one(record, "learner_profile")
        page.profile = [
            (heading, getattr(profile, name, "") if profile else "")
            for name, heading in PROFILE_FIELDS.items()
        ]
        page.observations = list(
            Observation.objects.filter(pupil=record, withdrawn_at__isnull=True)
        )
    page.plan = _one_to_one(record, "learning_plan")
    if page.plan is not None:
        page.targets = list(page.plan.targets.all())
        page.messages = list(page.plan.messages.all())
    page.presentations = _presentations(child, record)
    return page


def _one_to_one(record: Pupil, name: str):
    """A reverse one-to-one read with the record (``select_related``), or None if absent."""
    try:
        return getattr(record, name)
    except (LearnerProfile.DoesNotExist, LearningPlan.DoesNotExist):
        return None


def _opportunities(carer: User, child: User) -> list[OpportunityRow]:
    rows = []
    participations = (
        visible(carer, "participation")
        .filter(pupil__account=child)
        .select_related("opportunity", "alternative")
        .order_by("-updated_at", "-pk")
    )
    for p in participations:
        open_ = p.opportunity.needs_consent and p.state in ANSWERABLE
        rows.append(
            OpportunityRow(
                participation=p,
                can_answer=open_ and p.consent != Consent.GIVEN,
                can_withdraw=open_ and p.consent == Consent.GIVEN,
            )
        )
    rows.sort(key=lambda row: not row.can_answer)  # what waits for the carer first
    return rows


def place_row(place: Place) -> PlaceRow:
    """A place with what its carer may still say of it."""
    return PlaceRow(
        place=place,
        can_answer=place.consent in (PlaceConsent.AWAITING, PlaceConsent.REFUSED),
        can_withdraw=place.consent == PlaceConsent.GIVEN,
    )


def _places(carer: User, child: User) -> list[PlaceRow]:
    """The child's booked marketplace places, those waiting for the carer first."""
    rows = [
        place_row(place)
        for place in visible(carer, "marketplace_place")
        .filter(pupil__account=child, active=True)
        .select_related("session__service__provider")
        .order_by("session__starts_at", "pk")
    ]
    rows.sort(key=lambda row: not row.can_answer)
    return rows


def consentable_places(carer: User, child: User) -> QuerySet:
    """The child's marketplace places the carer may answer for (their own child only)."""
    return visible(carer, "marketplace_place", "marketplace_place.consent").filter(
        pupil__account=child, active=True
    )


def consentable(carer: User, child: User) -> QuerySet:
    """The child's participations the carer may answer for (a carer's own child only)."""
    return visible(carer, "participation", "participation.consent").filter(pupil__account=child)


def _presentations(child: User, record: Pupil) -> list[PresentationRow]:
    """The Communicate presentations the child chose to share (with their class or school),
    for projects of their own school that the school has opened (never a draft, never work
    left at another school); of each, only the items the child made themself, so a group's
    presentation shows nothing of another pupil. Three queries."""
    portfolios = list(
        Portfolio.objects.filter(
            pk__in=PortfolioMember.objects.filter(pupil=child).values("portfolio_id"),
            shared_with__in=[Portfolio.Sharing.CLASS, Portfolio.Sharing.SCHOOL],
            project__school=record.school_id,
            project__status__in=["open", "closed"],
        )
        .select_related("project")
        .order_by("-last_activity_at", "-pk")[:PRESENTATIONS_SHOWN]
    )
    if not portfolios:
        return []
    chosen: dict[int, list[int]] = {}
    for work in StageWork.objects.filter(portfolio__in=portfolios, stage="communicate"):
        ids = work.data.get("items", []) if isinstance(work.data, dict) else []
        chosen[work.portfolio_id] = [pk for pk in ids if isinstance(pk, int)][:50]
    wanted = {pk for ids in chosen.values() for pk in ids}
    items = {
        i.pk: i
        for i in Item.objects.filter(
            pk__in=wanted, portfolio__in=portfolios, created_by=child
        ).only("pk", "portfolio_id", "kind", "title", "body", "site_name", "url", "file_name")
    }
    rows = []
    for portfolio in portfolios:
        mine = [
            items[pk]
            for pk in chosen.get(portfolio.pk, [])
            if pk in items and items[pk].portfolio_id == portfolio.pk
        ]
        if mine:
            rows.append(PresentationRow(portfolio, mine))
    return rows


# --- the school's side: a pupil's carers and invitations ----------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: str  # "pending", "used", "cancelled", "expired"

    @property
    def pending(self) -> bool:
        return self.status == "pending"


def invitation_status(invitation: Invitation, now=None) -> str:
    now = now or timezone.now()
    if invitation.used_at:
        return "used"
    if invitation.cancelled_at:
        return "cancelled"
    if invitation.expires_at <= now:
        return "expired"
    return "pending"


def invitations(actor: User, pupil: Pupil) -> list[InvitationRow]:
    """A pupil's invitations, newest first, as the school may see them: one query."""
    now = timezone.now()
    found = (
        visible(actor, "invitation")
        .filter(pupil=pupil)
        .select_related("created_by", "used_by")
        .order_by("-created_at", "-pk")[:50]
    )
    return [InvitationRow(i, invitation_status(i, now)) for i in found]


def carers_of(pupil: Pupil) -> list[Membership]:
    """The carers linked to the pupil's account (after the guard on the pupil's record)."""
    if pupil.account_id is None:
        return []
    return list(
        Membership.objects.filter(role=Role.CARER, child_id=pupil.account_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


# --- a pupil's own view: what their carers were shown -------------------------------------------


@dataclass
class WhatFamilySees:
    pupil: User
    age: int | None
    carers: list[User]
    shown: list[Shown]

    @property
    def old_enough(self) -> bool:
        return self.age is not None and self.age >= OLD_ENOUGH


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def what_family_sees(pupil: User) -> WhatFamilySees:
    """For a pupil: their age (from their school record), their carers and, from 13, what each
    was shown, newest first. Three queries; a younger pupil's list is not read at all."""
    record = Pupil.objects.filter(account=pupil).only("date_of_birth").first()
    age = age_on(record.date_of_birth, timezone.localdate()) if record else None
    found = WhatFamilySees(pupil=pupil, age=age, carers=[], shown=[])
    if not found.old_enough:
        return found
    found.carers = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(role=Role.CARER, child=pupil).values("user_id")
        ).order_by("first_name", "last_name")
    )
    found.shown = list(Shown.objects.filter(child=pupil).select_related("carer")[:SHOWN_LISTED])
    return found
