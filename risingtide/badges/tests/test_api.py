"""Badges in the API: the caller's badges, awarding, withdrawing, under the pages' capabilities."""

import pytest

from risingtide.badges import services
from risingtide.badges.models import Award
from risingtide.badges.tests.world import add_badges


@pytest.mark.django_db
def test_my_badges_lists_the_pupils_own_standing_badges(world, client_for):
    add_badges(world)
    answer = client_for(world.users["pupil@own"]).get("/api/v1/badges/mine").json()
    assert [(a["name"], a["awarded_by"], a["pupil_first_name"]) for a in answer] == [
        ("Completed a TASC project", "Teach Own", "Ada")
    ]
    assert answer[0]["image"].endswith("badges/designs/project.svg")
    assert answer[0]["image_alt"] == "A gold medal with a star on a blue ribbon"
    services.revoke(world.users["teacher@own"], world.awards["own"], "Mistake.")
    assert client_for(world.users["pupil@own"]).get("/api/v1/badges/mine").json() == []
    assert client_for(world.users["teacher@own"]).get("/api/v1/badges/mine").status_code == 403


@pytest.mark.django_db
def test_award_and_revoke_through_the_api(world, client_for):
    client = client_for(world.users["teacher@own"])
    pupil = world.users["pupil@own"]
    badge = services.school_badges(world.schools["own"]).get(key="great-gatherer")
    url = f"/api/v1/badges/pupils/{pupil.pk}/awards"
    made = client.post(
        url,
        {"badge_class": badge.pk, "project": world.projects["own"].pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["name"] == "Great gatherer" and made.json()["project"]
    again = client.post(
        url,
        {"badge_class": badge.pk, "project": world.projects["own"].pk},
        content_type="application/json",
    )
    assert again.status_code == 400 and "already has" in again.json()["detail"]
    award_id = made.json()["id"]
    empty = client.post(
        f"/api/v1/badges/awards/{award_id}/revoke", {"reason": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    done = client.post(
        f"/api/v1/badges/awards/{award_id}/revoke",
        {"reason": "Wrong pupil."},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["revocation_reason"] == "Wrong pupil."
    assert Award.objects.get(pk=award_id).revoked


@pytest.mark.django_db
def test_the_api_refuses_what_the_pages_refuse(world, client_for):
    other_teacher = client_for(world.users["teacher@other"])
    pupil = world.users["pupil@own"]
    badge = services.school_badges(world.schools["own"]).first()
    refused = other_teacher.post(
        f"/api/v1/badges/pupils/{pupil.pk}/awards",
        {"badge_class": badge.pk},
        content_type="application/json",
    )
    assert refused.status_code == 404
    # A badge the teacher cannot see (another school's) is refused, not given.
    foreign = services.school_badges(world.schools["other"]).first()
    answer = client_for(world.users["teacher@own"]).post(
        f"/api/v1/badges/pupils/{pupil.pk}/awards",
        {"badge_class": foreign.pk},
        content_type="application/json",
    )
    assert answer.status_code == 400 and not Award.objects.exists()
    # A project the teacher sees but the pupil is not in: refused on the project, nothing given.
    answer = client_for(world.users["teacher@own"]).post(
        f"/api/v1/badges/pupils/{world.users['pupil2@own'].pk}/awards",
        {"badge_class": badge.pk, "project": world.projects["own"].pk},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert "is not in “own project”" in answer.json()["detail"]
    assert answer.json()["errors"]["project"] == [answer.json()["detail"]]
    assert not Award.objects.exists()
