"""The training pages through the test client: what a learner sees and does, each page in a
constant number of queries, bad input refused with its reason and nothing written."""

import pytest
from django.urls import reverse

from risingtide.training import services
from risingtide.training.models import Module, Progress, Reflection
from risingtide.training.tests.world import CONTENT, add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world):
    return add_training(world)


def _signed_in(client, world, key="leading_teacher@own"):
    client.force_login(world.users[key])
    return client


def test_the_list_shows_the_programmes_that_apply(training, client):
    page = _signed_in(client, training).get(reverse("training:home")).content.decode()
    assert page.count('class="card"') == 2  # the nation's and their own LA's
    assert f"/training/programmes/{training.programmes['other'].pk}/" not in page


def test_the_programme_page_says_where_the_learner_is(
    training, client, django_assert_max_num_queries
):
    w, c = training, _signed_in(client, training)
    programme = w.programmes["own"]
    for n in range(3):  # more modules, more progress: no more queries
        extra = Module.objects.create(programme=programme, title=f"Optional {n}", core=False)
        services.save_draft(w.users["la_lead@own"], extra, CONTENT)
        services.publish(w.users["la_lead@own"], extra)
        extra.prerequisites.add(w.modules["own"])
    url = reverse("training:programme", args=[programme.pk])
    c.get(url)
    with django_assert_max_num_queries(16) as counted:
        page = c.get(url).content.decode()
    few = len(counted.captured_queries)
    assert "Not started" in page and "1 core module left." in page
    assert page.count("Finish Identifying G&amp;T learners first.") == 3
    services.progress_for(w.users["leading_teacher@own"], w.modules["own"])
    with django_assert_max_num_queries(few):
        page = c.get(url).content.decode()
    assert "In progress" in page and "step 1 of 3" in page


def test_an_overseer_sees_the_programme_but_no_progress(training, client):
    page = _signed_in(client, training, "national_officer@nation").get(
        reverse("training:programme", args=[training.programmes["own"].pk])
    )
    assert page.status_code == 200
    assert "Where you are" not in page.content.decode()


def test_a_learner_works_through_a_module(training, client, django_assert_max_num_queries):
    w, c = training, _signed_in(client, training)
    module = w.modules["own"]
    url = reverse("training:module", args=[module.pk])
    c.get(url)
    with django_assert_max_num_queries(14):
        page = c.get(f"{url}?step=0").content.decode()
    assert "<strong>not only</strong>" in page  # the page's Markdown, rendered

    wrong = c.post(
        reverse("training:answer", args=[module.pk]), {"step": 1, "q0": "0"}, follow=True
    )
    shown = wrong.content.decode()
    assert "Not passed yet: 0 of 1 right" in shown
    # A try that did not pass is shown as a refusal (red), not in the green of a success.
    assert 'id="check-result" tabindex="-1" class="notice message-error"' in shown
    assert "Test scores miss underachievers" in shown and "look for potential" not in shown
    assert wrong.redirect_chain[-1][0].endswith("?step=1#check-result")

    right = c.post(
        reverse("training:answer", args=[module.pk]), {"step": 1, "q0": "1"}, follow=True
    )
    assert "Passed: 1 of 1 right." in right.content.decode()
    assert 'id="check-result" tabindex="-1" class="notice">' in right.content.decode()

    assert "Your reflection" in c.get(f"{url}?step=2").content.decode()
    saved = c.post(
        reverse("training:reflection", args=[module.pk]),
        {"step": 2, "body": "The quiet ones.", "version": 0},
    )
    assert saved.json()["version"] == 1
    stale = c.post(
        reverse("training:reflection", args=[module.pk]),
        {"step": 2, "body": "Old tab", "version": 0},
    )
    assert stale.status_code == 409 and stale.json()["theirs"] == "The quiet ones."

    c.logout()  # progress is kept on the server: signing out loses nothing
    c = _signed_in(client, w)
    page = c.get(url).content.decode()
    assert "Step 3 of 3" in page and "The quiet ones." in page

    done = c.post(reverse("training:finish", args=[module.pk]), follow=True)
    assert f"#module-{module.pk}" in done.redirect_chain[-1][0]
    page = done.content.decode()
    assert "You have finished “Identifying G&amp;T learners”." in page
    assert "you completed this programme on" in page


def test_bad_input_is_refused_with_its_reason_and_writes_nothing(training, client):
    w, c = training, _signed_in(client, training)
    module = w.modules["own"]
    answer = reverse("training:answer", args=[module.pk])
    for data, words in (
        ({}, "That step of the module is not there."),
        ({"step": "x"}, "That step of the module is not there."),
        ({"step": 0, "q0": "1"}, "That step of the module is not a knowledge check."),
        ({"step": 1}, "Choose an answer to question 1."),
        ({"step": 1, "q0": "9"}, "That answer is not one of the choices."),
    ):
        assert words in c.post(answer, data, follow=True).content.decode()
    assert Progress.objects.get().answers == {}
    reflection = reverse("training:reflection", args=[module.pk])
    assert c.post(reflection, {"step": 2, "body": "x"}).status_code == 400
    too_long = c.post(reflection, {"step": 2, "body": "x" * 20_001, "version": 0})
    assert "at most 20,000 characters" in too_long.json()["error"]
    assert c.post(reflection, {"step": 0, "body": "x", "version": 0}).status_code == 400
    assert not Reflection.objects.exists()
    finish = c.post(reverse("training:finish", args=[module.pk]), follow=True).content.decode()
    assert "Before finishing, pass “Check your understanding”; write “Your school”." in finish
    assert Progress.objects.get().completed_at is None


def test_a_module_not_yet_open_sends_the_learner_back_saying_why(training, client):
    w, c = training, _signed_in(client, training)
    later = Module.objects.create(programme=w.programmes["own"], title="Later")
    response = c.get(reverse("training:module", args=[later.pk]), follow=True)
    assert "This module has not been published yet." in response.content.decode()
    assert not Progress.objects.exists()
