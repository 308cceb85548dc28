"""What the learners pages and API read: a pupil's profile as the viewer may see it, its history,
the school's register pupils with their learning guides, and the school's personalisation
switches. Each read is a fixed number of queries, scoped through ``visible()``; the page and the
API call the same function, so they never disagree about what a person sees.

Other parts read three things from here: ``personalisation_of`` (is profiling or suggesting on
at a school?), ``guide_of`` and ``caseload`` (who guides whom)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from risingtide.access.core import can, visible
from risingtide.learners.models import (
    PROFILE_FIELDS,
    LearnerProfile,
    LearningGuide,
    Observation,
    Personalisation,
    ProfileChange,
)
from risingtide.learners.prompts import Band, Prompt, band_for
from risingtide.people.models import Membership, Role, User
from risingtide.register.models import Pupil, RegisterEntry, academic_year, current_entry
from risingtide.schools.models import School

GUIDE_ROLES = (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)


def personalisation_of(school: School) -> Personalisation:
    """The school's settings; unsaved defaults (both off) when it never chose. Privacy by
    default: nothing is profiled or suggested until the school turns it on."""
    found = Personalisation.objects.filter(school_id=school.pk).first()
    return found or Personalisation(school=school, profiles_on=False, suggestions_on=False)


def guide_of(pupil: Pupil) -> User | None:
    """The member of staff who is this pupil's learning guide, or None."""
    found = LearningGuide.objects.filter(pupil_id=pupil.pk).select_related("guide").first()
    return found.guide if found else None


def caseload(guide_user: User) -> QuerySet:
    """The pupil records ``guide_user`` guides (``register.Pupil``), by name."""
    return Pupil.objects.filter(learning_guide__guide=guide_user).order_by(
        "legal_surname", "legal_forename", "pk"
    )


def profile_of(pupil: Pupil) -> LearnerProfile:
    """The pupil's profile, or an unsaved empty one when they have not written anything yet."""
    found = LearnerProfile.objects.filter(pupil_id=pupil.pk).select_related("updated_by").first()
    return found or LearnerProfile(pupil=pupil)


def own_record(user: User) -> Pupil | None:
    """The pupil record linked to this pupil's account, that they may write on; None when the
    school has not linked one (or the person is not a pupil)."""
    return (
        visible(user, "learner", "learner.profile_edit")
        .filter(account_id=user.pk)
        .select_related("school")
        .first()
    )


def observations(viewer: User, pupil: Pupil, *, withdrawn_too: bool) -> QuerySet:
    """What staff noticed about the pupil, newest first, each with ``may_withdraw`` (may the
    viewer withdraw it?). Withdrawn ones only when ``withdrawn_too`` (staff who observe the
    pupil see them in the history; the pupil and their carer never do)."""
    rows = Observation.objects.filter(pupil_id=pupil.pk)
    if not withdrawn_too:
        rows = rows.filter(withdrawn_at__isnull=True)
    withdrawable = visible(viewer, "observation", "observation.withdraw").filter(
        pk=OuterRef("pk"), withdrawn_at__isnull=True
    )
    return rows.annotate(may_withdraw=Exists(withdrawable))


@dataclass(frozen=True)
class Answer:
    field: str
    heading: str  # in the pupil's voice: "What I am good at"
    prompt: Prompt  # the question as the pupil's page asks it
    text: str


@dataclass(frozen=True)
class ProfilePage:
    """One pupil's profile as one viewer sees it."""

    pupil: Pupil
    profile: LearnerProfile
    answers: list[Answer]
    band: Band
    settings: Personalisation
    observations: list[Observation]
    guide: User | None
    may_observe: bool  # add observations, see withdrawn ones

    @property
    def written(self) -> bool:
        return any(a.text for a in self.answers)


def answers_of(profile: LearnerProfile, band: Band) -> list[Answer]:
    return [
        Answer(p.field, PROFILE_FIELDS[p.field], p, getattr(profile, p.field)) for p in band.prompts
    ]


def profile_page(viewer: User, pupil: Pupil) -> ProfilePage:
    """Everything a profile page shows, in six queries whatever the number of observations."""
    may_observe = can(viewer, "learner.observe", pupil)
    profile = profile_of(pupil)
    band = band_for(pupil.nc_year)
    return ProfilePage(
        pupil=pupil,
        profile=profile,
        answers=answers_of(profile, band),
        band=band,
        settings=personalisation_of(pupil.school),
        observations=list(
            observations(viewer, pupil, withdrawn_too=may_observe).select_related("withdrawn_by")
        ),
        guide=guide_of(pupil),
        may_observe=may_observe,
    )


def changes(pupil: Pupil) -> QuerySet:
    """Every change to the pupil's answers, newest first: what it was, what it became, who."""
    return ProfileChange.objects.filter(profile__pupil_id=pupil.pk)


@dataclass(frozen=True)
class GuideRow:
    pupil: Pupil
    guide: User | None


def register_pupils(viewer: User, school: School) -> list[GuideRow]:
    """The school's pupils on the register this year (identified) whom the viewer may give a
    guide, by name, each with their learning guide. One query."""
    on_register = current_entry(academic_year()).filter(status=RegisterEntry.Status.IDENTIFIED)
    pupils = (
        visible(viewer, "learner", "learner.assign_guide")
        .filter(school_id=school.pk, on_roll=True)
        .filter(Exists(on_register))
        .order_by("legal_surname", "legal_forename", "pk")
    )
    rows = []
    for pupil in pupils.select_related("learning_guide__guide"):
        link = getattr(pupil, "learning_guide", None)  # None: no guide yet
        rows.append(GuideRow(pupil, link.guide if link else None))
    return rows


def guide_candidates(school: School) -> QuerySet:
    """The school's staff who may be named a learning guide (teachers, coordinators, the head),
    by name."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(school_id=school.pk, role__in=GUIDE_ROLES).values(
            "user_id"
        ),
    ).order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class Switches:
    school: School
    profiles_on: bool
    suggestions_on: bool


def switches_for(viewer: User) -> list[Switches]:
    """For "What we use and why": the schools the viewer belongs to (a pupil's, a carer's
    child's, a member of staff's), each with its two switches. One query."""
    schools = School.objects.filter(
        pk__in=visible(viewer, "learner").values("school_id")
    ) | School.objects.filter(pk__in=visible(viewer, "school").values("pk"))
    rows = schools.distinct().select_related("personalisation").order_by("name")
    found = []
    for school in rows:
        settings = getattr(school, "personalisation", None)
        found.append(
            Switches(
                school,
                bool(settings and settings.profiles_on),
                bool(settings and settings.suggestions_on),
            )
        )
    return found
