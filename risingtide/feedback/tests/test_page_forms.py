"""Feedback's forms through Django's test client. They sit on other apps' pages, so a refusal
(the form's or the service's) is said as a message on the page the person goes back to, and
nothing is half-written: a set of judgements is saved whole or not at all."""

import pytest
from django.urls import reverse

from risingtide.feedback import services
from risingtide.feedback.models import Comment, Judgement, Review, Rubric
from risingtide.portfolios import services as portfolio_services

pytestmark = pytest.mark.django_db


def _said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def criteria(world):
    project = world.projects["own"]
    project.success_criteria = ["Explains what bees need", "Design works"]
    project.save()
    return project


def test_judgements_are_saved_whole_or_not_at_all(world, criteria, client_for):
    portfolio = world.portfolios["own"]
    teacher = client_for(world.user("teacher@own"))
    url = reverse("feedback:judge", args=[portfolio.pk])
    # The first is a level, the second no number: nothing is saved, not even the first.
    bad = {"level_0": "2", "evidence_0": "Clear", "level_1": "lots"}
    response = teacher.post(url, bad, follow=True)
    assert _said(response) == ["Choose one of the rubric's levels."]
    assert not Judgement.objects.filter(portfolio=portfolio).exists()
    # A number past the rubric's levels is the service's refusal, after the first was saved
    # inside the same transaction: rolled back with it.
    response = teacher.post(url, {"level_0": "2", "level_1": "7"}, follow=True)
    assert _said(response) == ["Choose one of the rubric's levels."]
    assert not Judgement.objects.filter(portfolio=portfolio).exists()
    response = teacher.post(url, {"level_0": "2", "evidence_0": "Clear", "level_1": ""})
    assert response.status_code == 302
    assert list(portfolio.judgements.values_list("criterion", "level", "evidence")) == [
        (0, 2, "Clear")
    ]


def test_a_comment_on_no_thing_of_ours_is_refused_and_not_written(world, client_for):
    portfolio = world.portfolios["own"]
    teacher = client_for(world.user("teacher@own"))
    url = reverse("feedback:give_feedback", args=[portfolio.pk])
    before = Comment.objects.count()
    for item in ("x", "-1", "99999999999999999999999", str(world.items["other"].pk)):
        response = teacher.post(url, {"kind": "praise", "body": "Good", "item": item}, follow=True)
        assert _said(response) == ["That is not in this portfolio."], item
    # The service's words for what it decides: an unknown kind, nothing written.
    response = teacher.post(url, {"kind": "shout", "body": "Good"}, follow=True)
    assert _said(response) == ["Choose praise, a next step, a question or a misconception."]
    response = teacher.post(url, {"kind": "praise", "body": "   "}, follow=True)
    assert _said(response) == ["Write something first."]
    assert Comment.objects.count() == before
    item = world.items["own"]
    response = teacher.post(url, {"kind": "praise", "body": "Good", "item": str(item.pk)})
    assert response.status_code == 302
    assert Comment.objects.filter(item=item, kind="praise", body="Good").exists()


def test_a_next_step_is_accepted_or_given_back_and_nothing_else(world, client_for):
    comment = world.comments["own"]
    pupil = client_for(world.user("pupil@own"))
    assert (
        pupil.post(reverse("feedback:comment_done", args=[comment.pk]), {"body": ""}).status_code
        == 302
    )
    teacher = client_for(world.user("teacher@own"))
    url = reverse("feedback:comment_accept", args=[comment.pk])
    response = teacher.post(url, {"decision": "maybe", "body": "Hmm"}, follow=True)
    assert _said(response) == ["Accept the next step or give it back."]
    comment.refresh_from_db()
    assert comment.state == Comment.State.DONE and not comment.replies.exists()
    assert teacher.post(url, {"decision": "back"}).status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.OPEN


def test_rubric_levels_refused_by_the_service_are_said(world, client_for):
    project = world.projects["own"]
    teacher = client_for(world.user("teacher@own"))
    url = reverse("feedback:project_rubric", args=[project.pk])
    response = teacher.post(url, {"levels": "Only one"}, follow=True)
    assert _said(response) == ["Give between 2 and 6 levels, lowest first."]
    assert not Rubric.objects.filter(project=project).exists()
    assert teacher.post(url, {"levels": "Low\nHigh\n"}).status_code == 302
    assert Rubric.objects.get(project=project).levels == ["Low", "High"]


def test_a_review_refuses_a_level_that_is_no_number(world, criteria, client_for):
    portfolio = world.portfolios["own"]
    portfolio_services.share_presentation(world.user("pupil@own"), portfolio, "class")
    ben = client_for(world.user("pupil2@own"))
    url = reverse("feedback:review", args=[portfolio.pk])
    response = ben.post(url, {"level_0": "first", "comment": "Great"}, follow=True)
    assert _said(response) == ["Choose one of the rubric's levels."]
    assert not Review.objects.filter(portfolio=portfolio).exists()
    assert ben.post(url, {"level_0": "1", "level_1": "", "anonymous": "1"}).status_code == 302
    made = Review.objects.get(portfolio=portfolio)
    assert made.levels == {"0": 1} and made.anonymous


def test_hiding_a_review_needs_a_yes_or_a_no(world, criteria, client_for):
    portfolio = world.portfolios["own"]
    portfolio_services.share_presentation(world.user("pupil@own"), portfolio, "class")
    made = services.review(world.user("pupil2@own"), portfolio, {0: 1}, "Meh", False)
    teacher = client_for(world.user("teacher@own"))
    url = reverse("feedback:hide_review", args=[portfolio.pk, made.pk])
    response = teacher.post(url, {"hidden": "yes"}, follow=True)
    assert _said(response) == ["Say whether to hide the review or show it again."]
    made.refresh_from_db()
    assert not made.hidden
    assert teacher.post(url, {"hidden": "1"}).status_code == 302
    made.refresh_from_db()
    assert made.hidden
