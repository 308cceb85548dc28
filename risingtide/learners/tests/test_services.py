"""The learners services and queries called directly: every change kept with who made it, an
answer over the limit refused on its field with nothing saved, observations never edited and
only withdrawn, guides only from the school's staff, and privacy by default."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.audit.models import AuditEvent
from risingtide.learners import queries, services
from risingtide.learners.models import (
    ANSWER_LIMIT,
    LearnerProfile,
    LearningGuide,
    Observation,
    Personalisation,
    ProfileChange,
)
from risingtide.learners.tests.helpers import ANSWERS, profiles_on

pytestmark = pytest.mark.django_db


# --- personalisation: off until the school turns it on ---------------------------------------


def test_both_switches_are_off_until_the_school_turns_them_on(world):
    school = world.schools["own"]
    settings = queries.personalisation_of(school)
    assert settings.pk is None
    assert (settings.profiles_on, settings.suggestions_on) == (False, False)
    services.set_personalisation(
        world.user("leading_teacher@own"), school, profiles_on=True, suggestions_on=False
    )
    settings = queries.personalisation_of(school)
    assert (settings.profiles_on, settings.suggestions_on) == (True, False)
    assert AuditEvent.objects.filter(action="learners.personalisation_set").count() == 1


@pytest.mark.parametrize(
    "who", ["teacher@own", "pupil@own", "leading_teacher@other", "la_lead@own"]
)
def test_only_the_schools_coordinator_or_head_turns_them_on(world, who):
    with pytest.raises(PermissionDenied):
        services.set_personalisation(
            world.user(who), world.schools["own"], profiles_on=True, suggestions_on=True
        )
    assert not Personalisation.objects.exists()


def test_while_profiles_are_off_nothing_can_be_written(world):
    record = world.records["own"]
    with pytest.raises(ValidationError, match="not turned on"):
        services.save_profile(world.user("pupil@own"), record, ANSWERS)
    with pytest.raises(ValidationError, match="not turned on"):
        services.add_observation(world.user("teacher@own"), record, "Kind to others.")
    assert not LearnerProfile.objects.exists() and not Observation.objects.exists()


# --- the profile ------------------------------------------------------------------------------


def test_a_pupil_writes_their_profile_and_each_change_is_kept_with_who(world):
    profiles_on(world)
    pupil, record = world.user("pupil@own"), world.records["own"]
    made = services.save_profile(pupil, record, ANSWERS)
    assert sorted(c.field for c in made) == sorted(ANSWERS)
    again = services.save_profile(pupil, record, {**ANSWERS, "strengths": "Chess openings."})
    assert [(c.field, c.before, c.after) for c in again] == [
        ("strengths", "Mental arithmetic.", "Chess openings.")
    ]
    history = list(queries.changes(record))
    assert len(history) == 6
    assert history[0].field == "strengths" and history[0].changed_by_name == "Ada Own"
    assert history[0].changed_by == pupil
    profile = queries.profile_of(record)
    assert profile.strengths == "Chess openings." and profile.updated_by == pupil
    assert AuditEvent.objects.filter(action="learners.profile_saved").count() == 2


def test_an_unchanged_save_adds_no_history(world):
    profiles_on(world)
    pupil, record = world.user("pupil@own"), world.records["own"]
    services.save_profile(pupil, record, ANSWERS)
    assert services.save_profile(pupil, record, {"interests": "  Volcanoes and chess.\r\n"}) == []
    assert ProfileChange.objects.count() == len(ANSWERS)


def test_an_answer_over_the_limit_is_refused_on_its_field_and_nothing_is_saved(world):
    profiles_on(world)
    pupil, record = world.user("pupil@own"), world.records["own"]
    services.save_profile(pupil, record, {"interests": "Before"})
    too_long = "x" * (ANSWER_LIMIT + 3)
    with pytest.raises(ValidationError) as refused:
        services.save_profile(
            pupil, record, {"interests": "After", "strengths": too_long, "aspirations": too_long}
        )
    errors = refused.value.message_dict
    assert set(errors) == {"strengths", "aspirations"}
    assert "“What are you good at?” is too long: 1,003 characters" in errors["strengths"][0]
    assert "Make it 3 shorter" in errors["strengths"][0]
    assert queries.profile_of(record).interests == "Before"  # nothing saved, not even the rest
    assert ProfileChange.objects.count() == 1


def test_exactly_the_limit_is_fine(world):
    profiles_on(world)
    made = services.save_profile(
        world.user("pupil@own"), world.records["own"], {"interests": "y" * ANSWER_LIMIT}
    )
    assert len(made) == 1


@pytest.mark.parametrize("who", ["pupil2@own", "teacher@own", "leading_teacher@own", "carer@own"])
def test_only_the_pupil_writes_their_words(world, who):
    profiles_on(world)
    with pytest.raises(PermissionDenied):
        services.save_profile(world.user(who), world.records["own"], ANSWERS)


def test_an_unknown_question_is_refused(world):
    profiles_on(world)
    with pytest.raises(ValidationError, match="learning_style"):
        services.save_profile(
            world.user("pupil@own"), world.records["own"], {"learning_style": "visual"}
        )


# --- observations -----------------------------------------------------------------------------


def test_a_teacher_observes_and_the_pupil_sees_it_until_it_is_withdrawn(world):
    profiles_on(world)
    record, teacher = world.records["own"], world.user("teacher@own")
    made = services.add_observation(teacher, record, "  Explained her method to the class.  ")
    assert made.text == "Explained her method to the class." and made.author_name == "Teach Own"
    pupil_sees = queries.profile_page(world.user("pupil@own"), record).observations
    assert [o.pk for o in pupil_sees] == [made.pk]
    assert not pupil_sees[0].may_withdraw
    assert queries.profile_page(teacher, record).observations[0].may_withdraw
    services.withdraw_observation(world.user("leading_teacher@own"), made)
    assert queries.profile_page(world.user("pupil@own"), record).observations == []
    assert queries.profile_page(world.user("carer@own"), record).observations == []
    kept = queries.profile_page(teacher, record).observations
    assert [o.pk for o in kept] == [made.pk] and kept[0].withdrawn_at is not None
    assert kept[0].withdrawn_by == world.user("leading_teacher@own")
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.withdraw_observation(teacher, made)


def test_only_the_author_or_a_coordinator_withdraws(world):
    profiles_on(world)
    made = services.add_observation(world.user("head@own"), world.records["own"], "Led assembly.")
    with pytest.raises(PermissionDenied):
        services.withdraw_observation(world.user("teacher@own"), made)  # not theirs
    with pytest.raises(PermissionDenied):
        services.withdraw_observation(world.user("pupil@own"), made)
    services.withdraw_observation(world.user("head@own"), made)


@pytest.mark.parametrize("who", ["teacher@other", "carer@own", "pupil@own", "la_lead@own"])
def test_who_cannot_observe(world, who):
    profiles_on(world)
    with pytest.raises(PermissionDenied):
        services.add_observation(world.user(who), world.records["own"], "Hello")


def test_an_empty_or_long_observation_is_refused_on_its_field(world):
    profiles_on(world)
    teacher, record = world.user("teacher@own"), world.records["own"]
    with pytest.raises(ValidationError) as empty:
        services.add_observation(teacher, record, "   ")
    assert empty.value.message_dict == {"text": ["Write what you noticed."]}
    with pytest.raises(ValidationError) as long:
        services.add_observation(teacher, record, "z" * (ANSWER_LIMIT + 1))
    assert "too long" in long.value.message_dict["text"][0]
    assert not Observation.objects.exists()


# --- learning guides --------------------------------------------------------------------------


def test_the_coordinator_names_a_guide_and_the_caseload_follows(world):
    lead, teacher = world.user("leading_teacher@own"), world.user("teacher@own")
    own, own2 = world.records["own"], world.records["own2"]
    assert queries.guide_of(own) is None
    services.assign_guide(lead, own, teacher)
    services.assign_guide(lead, own2, teacher)
    assert queries.guide_of(own) == teacher
    assert list(queries.caseload(teacher)) == sorted([own, own2], key=lambda p: p.legal_surname)
    services.assign_guide(lead, own2, world.user("head@own"))
    assert list(queries.caseload(teacher)) == [own]
    services.assign_guide(lead, own, None)
    assert queries.guide_of(own) is None and not queries.caseload(teacher).exists()
    assert AuditEvent.objects.filter(action="learners.guide_assigned").count() == 4


def test_a_guide_is_a_member_of_staff_of_the_pupils_school(world):
    lead = world.user("leading_teacher@own")
    for outsider in ("teacher@other", "pupil2@own", "carer@own", "la_lead@own"):
        with pytest.raises(ValidationError) as refused:
            services.assign_guide(lead, world.records["own"], world.user(outsider))
        assert "is not a member of staff at Own School" in refused.value.message_dict["guide"][0]
    assert not LearningGuide.objects.exists()


def test_a_teacher_does_not_name_guides(world):
    with pytest.raises(PermissionDenied):
        services.assign_guide(
            world.user("teacher@own"), world.records["own"], world.user("teacher@own")
        )
