"""The demo is a living classroom: pupils' real work at different stages, feedback in every
state, a shared presentation with reviews, and IQS evidence written for each element."""

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from risingtide.demo import pages, standards
from risingtide.feedback.models import Comment, Review
from risingtide.people.models import User
from risingtide.portfolios.models import ClipStatus, Connection, Item, Portfolio
from risingtide.portfolios.progress import project_progress
from risingtide.standards.models import Judgement
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo):
    return shared_demo  # loaded once per run (conftest.py)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_class_is_a_mix_of_done_started_and_quiet(demo):
    project = Project.objects.get(title="Design a bee hotel")
    rows = project_progress(User.objects.get(username="teacher"), project)
    finished = [r for r in rows if all(c["status"] == "done" for c in r.cells)]
    started = [r for r in rows if r.portfolio and r not in finished and not r.stuck_days]
    stopped = [r for r in rows if r.portfolio and r.stuck_days]
    never = [r for r in rows if r.portfolio is None]
    assert len(finished) >= 3 and len(started) >= 8 and len(stopped) >= 3 and len(never) >= 5
    # Set four weeks ago: those who never opened it are stuck too.
    assert all(r.stuck_days and r.stuck_days >= 20 for r in never)
    # Last activity spread over the weeks, not all "just now".
    days = {r.last_activity.date() for r in rows if r.last_activity}
    assert len(days) >= 6


def test_the_demo_pupil_has_work_of_every_kind(demo):
    maya = User.objects.get(username="pupil")
    portfolio = Portfolio.objects.get(memberships__pupil=maya, project__title="Design a bee hotel")
    kinds = dict(portfolio.items.values_list("kind").annotate(n=Count("pk")))
    assert kinds[Item.Kind.NOTE] >= 5 and kinds[Item.Kind.UPLOAD] >= 2
    clippings = portfolio.items.filter(kind=Item.Kind.CLIPPING)
    assert clippings.count() >= 3
    for clip in clippings:  # stored from the demo's own pages, picture and all
        assert clip.clip_status == ClipStatus.READY and clip.thumbnail and clip.excerpt
        assert pages.PATH in clip.url and clip.site_name == "Garden Wildlife Notes"
    assert Connection.objects.filter(portfolio=portfolio).count() >= 3
    assert portfolio.shared_with == Portfolio.Sharing.CLASS
    assert portfolio.current_stage == "communicate"
    # Every kind of comment, a next step in every state, replies; reviews by classmates.
    threads = Comment.objects.filter(portfolio=portfolio)
    assert set(threads.values_list("kind", flat=True)) == set(Comment.Kind.values)
    states = set(threads.filter(kind=Comment.Kind.NEXT_STEP).values_list("state", flat=True))
    assert states == set(Comment.State.values)
    assert threads.filter(replies__isnull=False).distinct().count() >= 4
    reviews = Review.objects.filter(portfolio=portfolio)
    assert reviews.filter(is_self=False).count() >= 3 and reviews.filter(is_self=True).exists()


def test_the_pages_people_open_first_have_something_in_them(demo):
    project = Project.objects.get(title="Design a bee hotel")
    teacher, pupil = _client("teacher"), _client("pupil")
    waiting = teacher.get(reverse("home:home"), secure=True).context["panels"][0]["waiting"]
    assert all(waiting.values()), waiting  # questions to answer, next steps to accept, open
    inbox = pupil.get(reverse("feedback:feedback_inbox"), secure=True).content.decode()
    assert "Careful: bigger holes are not better" in inbox
    lesson = teacher.get(
        reverse("portfolios:lesson", args=[project.pk]) + "?stage=generate", secure=True
    )
    assert len(lesson.context["candidates"]) >= 3  # the presenter view: shared work
    clip = Item.objects.filter(kind=Item.Kind.CLIPPING, created_by__username="pupil").first()
    assert pupil.get(reverse("portfolios:item", args=[clip.pk]), secure=True).status_code == 200
    picture = pupil.get(reverse("portfolios:item_thumbnail", args=[clip.pk]), secure=True)
    assert picture.status_code == 200


def test_iqs_evidence_is_written_for_its_own_element(demo):
    judgements = Judgement.objects.filter(evaluation__status="submitted").select_related("element")
    assert judgements.count() >= 14 * 4
    for judgement in judgements:
        evidence, next_step = standards.evidence_for(judgement.element.name, judgement.level)
        assert (judgement.evidence, judgement.next_steps) == (evidence, next_step)
    identification = judgements.filter(element__name="Identification").first()
    assert "Governor" not in identification.evidence
