"""Learner profiles in the API: the same guards, queries and services as the pages, so the same
people reach the same things and the same refusals come back (400 naming the field)."""

import pytest

from risingtide.api.tests.clients import as_user, call
from risingtide.learners import services
from risingtide.learners.models import ANSWER_LIMIT, ProfileChange
from risingtide.learners.tests.helpers import ANSWERS, profiles_on

pytestmark = pytest.mark.django_db


def test_the_pupil_reads_and_writes_their_profile(world):
    profiles_on(world)
    record = world.records["own"].pk
    pupil = as_user(world.users["pupil@own"])
    empty = call(pupil, "get", f"/pupils/{record}/profile").json()
    assert empty["profiles_on"] and empty["age_band"] == "secondary"
    assert [a["text"] for a in empty["answers"]] == [""] * 5
    written = call(pupil, "put", f"/pupils/{record}/profile", {"interests": "Rivers."})
    assert written.status_code == 200
    answers = {a["field"]: a["text"] for a in written.json()["answers"]}
    assert answers["interests"] == "Rivers." and answers["strengths"] == ""
    assert written.json()["updated_by"] == "Ada Own"
    changes = call(pupil, "get", f"/pupils/{record}/profile/changes").json()
    assert [(c["field"], c["after"], c["changed_by"]) for c in changes] == [
        ("interests", "Rivers.", "Ada Own")
    ]


def test_an_over_limit_answer_is_a_400_naming_the_field_and_nothing_is_saved(world):
    profiles_on(world)
    pupil = as_user(world.users["pupil@own"])
    answer = call(
        pupil,
        "put",
        f"/pupils/{world.records['own'].pk}/profile",
        {**ANSWERS, "to_improve": "w" * (ANSWER_LIMIT + 1)},
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["to_improve"]
    assert (
        "“What do you want to get better at?” is too long"
        in answer.json()["errors"]["to_improve"][0]
    )
    assert not ProfileChange.objects.exists()


def test_profiles_off_is_a_400(world):
    pupil = as_user(world.users["pupil@own"])
    answer = call(pupil, "put", f"/pupils/{world.records['own'].pk}/profile", ANSWERS)
    assert answer.status_code == 400 and "not turned on" in answer.json()["detail"]


@pytest.mark.parametrize(
    "who, status",
    [
        ("pupil2@own", 404),
        ("pupil@other", 404),
        ("carer@own", 200),
        ("teacher@own", 200),
        ("teacher@other", 404),
        ("leading_teacher@own", 200),
        ("la_lead@own", 404),
        ("national_officer@nation", 404),
    ],
)
def test_who_reaches_pupil_at_owns_profile(world, who, status):
    client = as_user(world.users[who])
    record = world.records["own"].pk
    for path in ("profile", "profile/changes", "observations", "guide"):
        expected = status
        if who == "carer@own" and path == "profile/changes":
            expected = 403  # the history keeps words the pupil took back out: not a carer's
        assert call(client, "get", f"/pupils/{record}/{path}").status_code == expected, path


def test_a_carer_reaches_their_child_but_not_another_pupil(world):
    carer = as_user(world.users["carer@own"])
    assert call(carer, "get", f"/pupils/{world.records['own'].pk}/profile").status_code == 200
    assert call(carer, "get", f"/pupils/{world.records['2@own'].pk}/profile").status_code == 404
    written = call(carer, "put", f"/pupils/{world.records['own'].pk}/profile", ANSWERS)
    assert written.status_code == 403  # only the pupil writes their words


def test_observations_are_added_listed_and_withdrawn(world):
    profiles_on(world)
    record = world.records["own"].pk
    teacher = as_user(world.users["teacher@own"])
    made = call(teacher, "post", f"/pupils/{record}/observations", {"text": "Curious."})
    assert made.status_code == 201 and made.json()["author"] == "Teach Own"
    pupil = as_user(world.users["pupil@own"])
    assert [o["text"] for o in call(pupil, "get", f"/pupils/{record}/observations").json()] == [
        "Curious."
    ]
    assert call(pupil, "post", f"/pupils/{record}/observations", {"text": "Me"}).status_code == 403
    withdrawn = call(teacher, "post", f"/observations/{made.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert call(pupil, "get", f"/pupils/{record}/observations").json() == []
    kept = call(teacher, "get", f"/pupils/{record}/observations").json()
    assert kept[0]["withdrawn_at"] is not None
    again = call(teacher, "post", f"/observations/{made.json()['id']}/withdraw")
    assert again.status_code == 400


def test_an_empty_observation_is_a_400_on_its_field(world):
    profiles_on(world)
    teacher = as_user(world.users["teacher@own"])
    answer = call(teacher, "post", f"/pupils/{world.records['own'].pk}/observations", {"text": ""})
    assert answer.status_code == 400 and answer.json()["errors"] == {
        "text": ["Write what you noticed."]
    }


def test_the_coordinator_names_a_guide_in_the_api(world):
    record = world.records["own"].pk
    lead = as_user(world.users["leading_teacher@own"])
    teacher = world.users["teacher@own"]
    answer = call(lead, "put", f"/pupils/{record}/guide", {"guide": teacher.pk})
    assert answer.json() == {"pupil": record, "guide": {"id": teacher.pk, "name": "Teach Own"}}
    pupil = as_user(world.users["pupil@own"])
    assert call(pupil, "get", f"/pupils/{record}/guide").json()["guide"]["name"] == "Teach Own"
    outsider = call(lead, "put", f"/pupils/{record}/guide", {"guide": world.users["head@other"].pk})
    assert outsider.status_code == 400 and "guide" in outsider.json()["errors"]
    as_teacher = as_user(teacher)
    assert call(as_teacher, "put", f"/pupils/{record}/guide", {"guide": None}).status_code == 403
    assert call(lead, "put", f"/pupils/{record}/guide", {"guide": None}).json()["guide"] is None


def test_personalisation_is_off_by_default_and_the_coordinator_turns_it_on(world):
    school = world.schools["own"].pk
    teacher = as_user(world.users["teacher@own"])
    assert call(teacher, "get", f"/schools/{school}/personalisation").json() == {
        "school": school,
        "profiles_on": False,
        "suggestions_on": False,
    }
    body = {"profiles_on": True, "suggestions_on": True}
    assert call(teacher, "put", f"/schools/{school}/personalisation", body).status_code == 403
    lead = as_user(world.users["leading_teacher@own"])
    assert call(lead, "put", f"/schools/{school}/personalisation", body).json()["suggestions_on"]
    other = as_user(world.users["leading_teacher@other"])
    assert call(other, "get", f"/schools/{school}/personalisation").status_code == 404


def test_page_and_api_show_the_same_observations(world, client_for):
    from django.urls import reverse

    profiles_on(world)
    record = world.records["own"]
    kept = services.add_observation(world.user("teacher@own"), record, "Kept one.")
    gone = services.add_observation(world.user("teacher@own"), record, "Withdrawn one.")
    services.withdraw_observation(world.user("teacher@own"), gone)
    for who in ("pupil@own", "carer@own", "teacher@own"):
        api = call(as_user(world.users[who]), "get", f"/pupils/{record.pk}/observations").json()
        url = (
            reverse("learners:my_profile")
            if who == "pupil@own"
            else reverse("learners:profile", args=[record.pk])
        )
        page = client_for(world.user(who)).get(url).content.decode()
        marks = {pk: page.find(f'id="observation-{pk}"') for pk in (kept.pk, gone.pk)}
        on_page = sorted((pk for pk, at in marks.items() if at >= 0), key=marks.get)
        assert [o["id"] for o in api] == on_page, who
