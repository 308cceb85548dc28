"""What a carer's page shows, added to the tiny world for the families tests: for pupil@own an
opportunity waiting for consent and one that needs none, a profile (the school uses them) with
an observation (and a withdrawn one), a plan with a target and a message, and a presentation
shared with the class; for pupil2@own (not carer@own's child) an opportunity waiting too."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from risingtide.learners.models import LearnerProfile, Observation, Personalisation
from risingtide.learning_plans.models import LearningPlan, Message, Target
from risingtide.opportunities.models import Kind, Opportunity, Participation, Term, Wave
from risingtide.portfolios.models import Portfolio, StageWork


@dataclass
class FamilyWorld:
    trip: Opportunity
    club: Opportunity
    waiting: Participation  # pupil@own's place on the trip, waiting for consent
    club_place: Participation  # pupil@own's club place: no consent needed
    other_child: Participation  # pupil2@own's place on the trip
    plan: LearningPlan


def opportunity(world, title: str, *, needs_consent: bool, school: str = "own") -> Opportunity:
    return Opportunity.objects.create(
        school=world.schools[school],
        title=title,
        description="A day out with the science department.",
        kind=Kind.TRIP if needs_consent else Kind.CLUB,
        wave=Wave.SMALL_GROUP,
        domain="gifted",
        year_from=7,
        year_to=8,
        academic_year=2026,
        term=Term.SPRING,
        starts_on=date(2027, 3, 4),
        capacity=10,
        needs_consent=needs_consent,
    )


def place(opportunity, record, *, consent=Participation.Consent.AWAITING) -> Participation:
    return Participation.objects.create(
        opportunity=opportunity,
        pupil=record,
        state=Participation.State.PLACE,
        consent=consent if opportunity.needs_consent else Participation.Consent.NOT_NEEDED,
    )


def add_family(world) -> FamilyWorld:
    record = world.records["own"]
    trip = opportunity(world, "Science museum trip", needs_consent=True)
    club = opportunity(world, "Chess club", needs_consent=False)
    waiting = place(trip, record)
    club_place = place(club, record)
    other_child = place(trip, world.records["2@own"])
    Personalisation.objects.create(school=world.schools["own"], profiles_on=True)
    LearnerProfile.objects.create(pupil=record, interests="Rockets and chess", strengths="Puzzles")
    teacher = world.users["teacher@own"]
    Observation.objects.create(
        pupil=record,
        text="Ada explains her thinking clearly.",
        author=teacher,
        author_name="Teach Own",
    )
    Observation.objects.create(
        pupil=record,
        text="A withdrawn remark.",
        author=teacher,
        author_name="Teach Own",
        withdrawn_at=timezone.now(),
    )
    plan = LearningPlan.objects.create(pupil=record, next_review_on=date(2027, 2, 1))
    Target.objects.create(plan=plan, text="Enter the maths challenge")
    Message.objects.create(
        plan=plan,
        voice=Message.Voice.GUIDE,
        text="A good start this term.",
        author=teacher,
        author_name="Teach Own",
    )
    portfolio = world.portfolios["own"]
    Portfolio.objects.filter(pk=portfolio.pk).update(shared_with=Portfolio.Sharing.CLASS)
    StageWork.objects.create(
        portfolio=portfolio, stage="communicate", data={"items": [world.items["own"].pk]}
    )
    return FamilyWorld(trip, club, waiting, club_place, other_child, plan)
