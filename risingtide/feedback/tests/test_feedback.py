"""Diagnostic feedback: teachers comment, pupils reply, next steps go open → done → accepted."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.feedback import queries, services
from risingtide.feedback.models import Comment
from risingtide.feedback.tasks import email_feedback
from risingtide.portfolios.services import connect

pytestmark = pytest.mark.django_db


def test_a_next_step_goes_round_from_teacher_to_pupil_and_back(world):
    teacher, pupil = world.user("teacher@own"), world.user("pupil@own")
    step = world.comments["own"]  # the tiny world's next step on the pupil's note
    assert step.state == Comment.State.OPEN and step.item == world.items["own"]
    with pytest.raises(PermissionDenied):
        services.mark_done(teacher, step)  # only the pupil says it is done
    with pytest.raises(ValidationError):
        services.accept(teacher, step, True)  # not done yet
    services.mark_done(pupil, step, "I added the website's name.")
    step.refresh_from_db()
    assert step.state == Comment.State.DONE and step.done_at
    assert [r.body for r in step.replies.all()] == ["I added the website's name."]
    with pytest.raises(PermissionDenied):
        services.accept(pupil, step, True)  # a pupil cannot accept their own
    services.accept(teacher, step, False, "Add the date too.")
    step.refresh_from_db()
    assert step.state == Comment.State.OPEN and step.done_at is None
    services.mark_done(pupil, step)
    services.accept(teacher, step, True)
    step.refresh_from_db()
    assert step.state == Comment.State.ACCEPTED and step.accepted_at
    with pytest.raises(ValidationError):
        services.mark_done(pupil, step)


def test_who_may_give_feedback_and_on_what(world):
    teacher, pupil = world.user("teacher@own"), world.user("pupil@own")
    portfolio = world.portfolios["own"]
    with pytest.raises(PermissionDenied):
        services.give(pupil, portfolio, "praise", "Well done me")
    with pytest.raises(PermissionDenied):
        services.give(world.user("teacher@other"), portfolio, "praise", "Hello")
    with pytest.raises(ValidationError, match="not in this portfolio"):
        services.give(teacher, portfolio, "praise", "x", item_id=world.items["other"].pk)
    with pytest.raises(ValidationError, match="one thing"):
        services.give(
            teacher, portfolio, "praise", "x", item_id=world.items["own"].pk, stage="decide"
        )
    with pytest.raises(ValidationError):
        services.give(teacher, portfolio, "shout", "x")
    with pytest.raises(ValidationError, match="Write something"):
        services.give(teacher, portfolio, "praise", "   ")
    link = connect(pupil, portfolio, world.uploads["own"].pk, world.items["own"].pk, "supports", "")
    on_link = services.give(teacher, portfolio, "question", "Why?", connection_id=link.pk)
    on_stage = services.give(teacher, portfolio, "misconception", "Not quite", stage="learn")
    whole = services.give(world.user("head@own"), portfolio, "praise", "Lovely work")
    assert queries.target_url(on_link).endswith(f"/connections/#comment-{on_link.pk}")
    assert queries.target_url(on_stage).endswith(f"/tools/learn/#comment-{on_stage.pk}")
    assert queries.target_url(whole).endswith(f"/portfolios/{portfolio.pk}/#comment-{whole.pk}")


def test_unread_first_and_read_once_seen(world, client_for):
    pupil = world.user("pupil@own")
    teacher = world.user("teacher@own")
    item = world.items["own"]
    [first] = queries.pupil_inbox(pupil)
    assert first.unread and first.url.endswith(f"/items/{item.pk}/#comment-{first.pk}")
    assert queries.badge_count(pupil, True, False) == 1
    client = client_for(pupil)
    home = client.get(reverse("home:home")).content.decode()
    # The menu asks for its count after the page has drawn.
    assert f'hx-get="{reverse("feedback:feedback_badge")}"' in home
    assert (
        client.get(reverse("feedback:feedback_badge")).content.decode().strip()
        == "<span> (1 new)</span>"
    )
    page = client.get(reverse("portfolios:item", args=[item.pk])).content.decode()
    assert "Say where you found this." in page and "tag-new" in page  # new as it is shown…
    assert not queries.pupil_inbox(pupil)[0].unread  # …then read
    assert queries.badge_count(pupil, True, False) == 0
    assert client.get(reverse("feedback:feedback_badge")).content.decode().strip() == ""
    # A reply by the teacher makes it new again; the pupil's own reply does not.
    services.reply(pupil, world.comments["own"], "Which website?")
    assert not queries.pupil_inbox(pupil)[0].unread
    assert queries.badge_count(teacher, False, True) == 1  # a pupil wrote last: waiting
    assert [c.pk for c in queries.teacher_inbox(teacher)["questions"]] == [world.comments["own"].pk]
    services.reply(teacher, world.comments["own"], "The one you used.")
    assert queries.pupil_inbox(pupil)[0].unread
    assert queries.teacher_inbox(teacher)["questions"] == []


def test_a_teacher_sees_only_their_pupils_feedback(world):
    own = queries.teacher_inbox(world.user("teacher@own"))
    assert [c.pk for c in own["open"]] == [world.comments["own"].pk]
    other = queries.teacher_inbox(world.user("teacher@other"))
    assert [c.pk for c in other["open"]] == [world.comments["other"].pk]
    lead = queries.teacher_inbox(world.user("leading_teacher@own"))
    assert {c.pk for c in lead["open"]} == {world.comments["own"].pk, world.comments["own2"].pk}
    assert queries.pupil_inbox(world.user("pupil2@own")) == []


def test_pages_answer_and_refuse_as_they_should(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    portfolio = world.portfolios["own"]
    url = reverse("feedback:give_feedback", args=[portfolio.pk])
    body = {"kind": "question", "body": "<script>alert(1)</script>", "stage": "decide"}
    response = teacher.post(url, body)
    comment = Comment.objects.get(stage="decide")
    assert response["Location"].endswith(f"/tools/decide/#comment-{comment.pk}")
    page = teacher.get(
        reverse("portfolios:stage_tool", args=[portfolio.pk, "decide"])
    ).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    # A refused comment goes back only to a page of this site.
    bad = {"kind": "", "body": "x", "next": "https://evil.example/phish"}
    assert teacher.post(url, bad)["Location"] == reverse(
        "portfolios:portfolio", args=[portfolio.pk]
    )
    bad["next"] = "//evil.example/"
    assert teacher.post(url, bad)["Location"] == reverse(
        "portfolios:portfolio", args=[portfolio.pk]
    )
    pupil = client_for(world.user("pupil@own"))
    assert pupil.post(url, {"kind": "praise", "body": "me"}).status_code == 403
    done = reverse("feedback:comment_done", args=[world.comments["own"].pk])
    assert teacher.post(done, {"body": ""}).status_code == 403
    assert pupil.post(done, {"body": "Done it"}).status_code == 302
    accept = reverse("feedback:comment_accept", args=[world.comments["own"].pk])
    assert pupil.post(accept, {"decision": "accept"}).status_code == 403
    assert teacher.post(accept, {"decision": "accept"}).status_code == 302
    assert Comment.objects.get(pk=world.comments["own"].pk).state == "accepted"
    outsider = client_for(world.user("pupil@other"))
    reply = reverse("feedback:comment_reply", args=[world.comments["own"].pk])
    assert outsider.post(reply, {"body": "hi"}).status_code == 404


def test_email_notices_say_only_that_there_is_something_new(world, settings):
    pupil = world.user("pupil@own")
    pupil.email = "ada@example.org"
    pupil.save()
    teacher = world.user("teacher@own")
    teacher.email = "teacher@example.org"
    teacher.save()
    assert email_feedback.call(world.comments["own"].pk, None) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "Say where you found this." not in mail.outbox[0].body  # the words stay inside
    answer = services.reply(pupil, world.comments["own"], "On the RSPB site")
    assert email_feedback.call(world.comments["own"].pk, answer.pk) == 1
    assert mail.outbox[1].to == ["teacher@example.org"]


def test_email_is_sent_only_when_switched_on(world, settings, django_capture_on_commit_callbacks):
    settings.FEEDBACK_EMAIL = False
    with django_capture_on_commit_callbacks() as callbacks:
        services.give(world.user("teacher@own"), world.portfolios["own"], "praise", "Good")
    assert callbacks == []
    settings.FEEDBACK_EMAIL = True
    with django_capture_on_commit_callbacks() as callbacks:
        services.give(world.user("teacher@own"), world.portfolios["own"], "praise", "Good")
    assert len(callbacks) == 1


def test_inbox_and_home_queries_do_not_grow_with_feedback(world, client_for):
    teacher = world.user("teacher@own")
    pupil = world.user("pupil@own")

    def count(user, url):
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # One of each first: a list's prefetch runs once it has rows at all.
    services.reply(pupil, services.give(teacher, world.portfolios["own"], "question", "Q?"), "A")
    before = {(u.pk, url): count(u, url) for u in (teacher, pupil) for url in ("/", "/feedback/")}
    for n in range(12):
        comment = services.give(teacher, world.portfolios["own"], "question", f"Q{n}?")
        services.reply(pupil, comment, f"A{n}")
    after = {(u.pk, url): count(u, url) for u in (teacher, pupil) for url in ("/", "/feedback/")}
    assert after == before


def test_class_overview_query_count_does_not_grow_with_feedback(world, client_for):
    teacher = world.user("teacher@own")
    client = client_for(teacher)
    url = reverse("portfolios:project_progress", args=[world.projects["own"].pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # a session's first page also builds the person's menu, kept for the next ones
    assert count() <= 5  # the grid kept: session, person, project, the grid's version
    # Afresh (the grid's version moved on), as after the feedback below.
    world.projects["own"].portfolios.update(content_version=F("content_version") + 1)
    first = count()
    pupil = world.user("pupil@own")
    for n in range(15):
        comment = services.give(teacher, world.portfolios["own"], "next_step", f"Step {n}")
        services.reply(pupil, comment, "OK")
    assert count() == first


def test_the_teachers_inbox_is_one_query_with_each_thread_in_one_list(world):
    teacher, pupil = world.user("teacher@own"), world.user("pupil@own")
    portfolio = world.portfolios["own"]
    steps = [services.give(teacher, portfolio, "next_step", f"Step {n}") for n in range(4)]
    services.reply(pupil, steps[0], "Which one first?")  # an open step the pupil asked about
    services.mark_done(pupil, steps[1])
    with CaptureQueriesContext(connection) as seen:
        inbox = queries.teacher_inbox(teacher, limit=2)
    assert len(seen) == 2  # the threads, and the pupils' names
    assert [c.pk for c in inbox["questions"]] == [steps[0].pk]  # a question, not also open
    assert [c.pk for c in inbox["to_accept"]] == [steps[1].pk]
    assert [c.pk for c in inbox["open"]] == [steps[3].pk, steps[2].pk]  # the newest two
    # The home page's counts are not limited, and agree with the lists.
    # (the tiny world already holds one open step of its own)
    assert queries.waiting_counts(teacher) == {"questions": 1, "to_accept": 1, "open": 3}
