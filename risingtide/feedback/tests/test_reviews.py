"""Self and peer evaluation on the project's rubric; anonymous means anonymous everywhere."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risingtide.api.models import ApiToken
from risingtide.feedback import services
from risingtide.feedback.models import Review
from risingtide.feedback.queries import reviews_for
from risingtide.portfolios import services as portfolio_services
from risingtide.transfer import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world):
    project = world.projects["own"]
    project.success_criteria = ["Explains what bees need", "Design works"]
    project.save()
    portfolio = world.portfolios["own"]
    portfolio_services.share_presentation(world.user("pupil@own"), portfolio, "class")
    services.review(world.user("pupil@own"), portfolio, {0: 2, 1: 1}, "I did well", False)
    services.review(world.user("pupil2@own"), portfolio, {0: 1}, "Add labels", True)
    services.judge(world.user("teacher@own"), portfolio, 0, 3)
    return portfolio


def test_self_and_peer_reviews_compare_on_one_rubric(world, reviewed):
    view = reviews_for(world.user("pupil@own"), reviewed)
    [row0, row1] = view["comparison"]
    assert (row0["self"], row0["peers"], row0["teacher"]) == (
        "Met",
        ["Working towards"],
        "Exceeded",
    )
    assert (row1["self"], row1["peers"], row1["teacher"]) == ("Working towards", [], "")
    # One review each, which its author may change.
    services.review(world.user("pupil2@own"), reviewed, {0: 2}, "Better now", True)
    assert Review.objects.filter(portfolio=reviewed).count() == 2


def test_who_may_review(world, reviewed):
    with pytest.raises(PermissionDenied):  # a class the work is not shared with
        services.review(world.user("pupil@own2"), reviewed, {0: 1}, "x", False)
    with pytest.raises(PermissionDenied):  # teachers judge; they do not review
        services.review(world.user("teacher@own"), reviewed, {0: 1}, "x", False)
    with pytest.raises(ValidationError):
        services.review(world.user("pupil2@own"), reviewed, {0: 9}, "", False)
    with pytest.raises(ValidationError):
        services.review(world.user("pupil2@own"), reviewed, {}, "  ", False)
    own = services.review(world.user("pupil@own"), reviewed, {0: 1}, "", True)
    assert own.is_self and not own.anonymous  # a self-evaluation is never anonymous


def _token_client(user):
    from django.test import Client

    _, token = ApiToken.issue(user, "t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_anonymous_reviewer_is_nowhere_to_be_seen(world, reviewed, client_for):
    ben = world.users["pupil2@own"]
    # 1. The page, for the pupil reviewed.
    html = client_for(world.user("pupil@own")).get(
        reverse("portfolios:presentation", args=[reviewed.pk])
    )
    text = html.content.decode()
    assert "Add labels" in text and "by a classmate (anonymous)" in text
    assert "Ben Own" not in text and ben.username not in text
    # 2. The API (read by staff scripts: the teacher may know; a pupil's session may not).
    teacher = _token_client(world.user("teacher@own"))
    rows = teacher.get(f"/api/v1/portfolios/{reviewed.pk}/reviews", secure=True).json()
    assert {r["by"] for r in rows} == {"Ada Own", "Ben Own"}  # staff moderate, so they see
    pupil = client_for(world.user("pupil@own"))
    rows = pupil.get(f"/api/v1/portfolios/{reviewed.pk}/reviews").json()
    assert [r["by"] for r in rows] == ["Ada Own", ""]
    assert "Ben" not in json.dumps(rows) and ben.username not in json.dumps(rows)
    # 3. The export, whoever downloads it.
    out = io.BytesIO()
    exports.build_zip(reviewed, out)
    archive = zipfile.ZipFile(out)
    for name in ("portfolio.json", "index.html"):
        text = archive.read(name).decode()
        assert "Add labels" in text and "Ben Own" not in text, name


def test_a_teacher_hides_an_unkind_review_from_pupils(world, reviewed, client_for):
    ben_review = Review.objects.get(portfolio=reviewed, is_self=False)
    with pytest.raises(PermissionDenied):
        services.hide_review(world.user("pupil@own"), reviewed, ben_review.pk, True)
    teacher = client_for(world.user("teacher@own"))
    response = teacher.post(
        reverse("feedback:hide_review", args=[reviewed.pk, ben_review.pk]), {"hidden": "1"}
    )
    assert response.status_code == 302
    pupil_view = reviews_for(world.user("pupil@own"), reviewed)
    assert [r["comment"] for r in pupil_view["reviews"]] == ["I did well"]
    assert pupil_view["comparison"][0]["peers"] == []
    staff_view = reviews_for(world.user("teacher@own"), reviewed)
    assert [r["hidden"] for r in staff_view["reviews"]] == [False, True]
    exported = exports.export_data(reviewed)
    assert [r["comment"] for r in exported["reviews"]] == ["I did well"]


def test_review_pages(world, reviewed, client_for):
    ben = client_for(world.user("pupil2@own"))
    url = reverse("feedback:review", args=[reviewed.pk])
    assert ben.post(url, {"level_0": "3", "comment": "Great", "anonymous": "1"}).status_code == 302
    page = ben.get(reverse("portfolios:presentation", args=[reviewed.pk])).content.decode()
    assert "Review this work" in page and "Post without my name" in page
    assert "by Ben Own · posted anonymously" in page  # you see your own name on your review
    teacher = client_for(world.user("teacher@own"))
    assert teacher.post(url, {"level_0": "1"}).status_code == 403


def test_the_progress_record_keeps_anonymous_reviewers_anonymous(world, reviewed, client_for):
    for key in ("pupil@own", "teacher@own"):
        client = client_for(world.user(key))
        url = reverse("feedback:progress_record", args=[world.users["pupil@own"].pk])
        page = client.get(url).content.decode()
        assert "Add labels" in page and "Ben Own" not in page, key
        assert "Explains what bees need: Working towards" in page
        csv_text = client.get(url.replace("/record/", "/record.csv")).content.decode()
        assert "Add labels" in csv_text and "Ben Own" not in csv_text


def test_classmates_do_not_see_the_teachers_judgement_or_the_self_evaluation(world, reviewed):
    view = reviews_for(world.user("pupil2@own"), reviewed)
    assert all(row["teacher"] == "" and row["self"] == "" for row in view["comparison"])
    assert not any(r["is_self"] for r in view["reviews"])
    owner = reviews_for(world.user("pupil@own"), reviewed)
    assert owner["comparison"][0]["teacher"] == "Exceeded"
