"""Classroom self-evaluation (CQS) pages through the test client: starting, rating with and
without htmx, completing, sharing, the exports, and the privacy of unshared ratings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.demo.testing import member
from risingtide.people.models import Role
from risingtide.standards.classroom import services
from risingtide.standards.framework_models import Element, Prompt
from risingtide.standards.models import ClassroomEvaluation, PromptRating
from risingtide.standards.tests import test_classroom as shared
from risingtide.standards.tests.test_classroom import CLASS, SECRET, prompts_of, rate_all

# The unit tests' fixtures: a CQS version of our own, teacher@own's reflection, a colleague.
cqs, reflection, teacher2 = shared.cqs, shared.reflection, shared.teacher2

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(evaluation) -> str:
    return reverse("standards:classroom_evaluation", args=[evaluation.pk])


def _text(response) -> str:
    return response.content.decode()


# --- starting -------------------------------------------------------------------------------


def test_my_reflections_and_the_start_form(world, reflection, client_for, teacher2):
    client = client_for(world.user("teacher@own"))
    response = client.get(reverse("standards:classroom_list"))
    assert response.status_code == 200
    body = _text(response)
    assert _page(reflection) in body and "1 of 13" in body
    assert 'name="class_name"' in body and "Second Teacher" in body  # a colleague to choose
    assert "Teach Other" not in body  # another school's teacher is not offered


def test_starting_a_reflection_with_an_observer(world, cqs, client_for, teacher2):
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("standards:classroom_list"),
        {
            "class_name": "10X",
            "subject": "english",
            "colleague": teacher2.pk,
        },
    )
    evaluation = ClassroomEvaluation.objects.get(class_name="10X")
    assert response.status_code == 302 and response["Location"] == _page(evaluation)
    assert evaluation.colleague == teacher2 and evaluation.version == cqs


def test_a_start_without_a_class_name_says_what_is_missing(world, cqs, client_for):
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("standards:classroom_list"),
        {"class_name": "", "subject": "generic"},
    )
    assert response.status_code == 400
    assert 'id="id_class_name_error">This field is required.' in _text(response)
    assert not ClassroomEvaluation.objects.filter(class_name="").exists()


def test_a_colleague_from_another_school_cannot_be_forced_in(world, cqs, client_for):
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("standards:classroom_list"),
        {
            "class_name": "10X",
            "subject": "generic",
            "colleague": world.users["teacher@other"].pk,
        },
    )
    assert response.status_code == 400
    assert not ClassroomEvaluation.objects.filter(class_name="10X").exists()


def test_a_teacher_of_two_schools_chooses_one_of_them(world, cqs, client_for):
    teacher = world.user("teacher@own")
    member(teacher, Role.TEACHER, school=world.schools["peer"])
    client = client_for(world.user("teacher@own"))
    assert 'name="school"' in _text(client.get(reverse("standards:classroom_list")))
    forged = {"class_name": "5P", "subject": "generic", "school": world.schools["other"].pk}
    assert client.post(reverse("standards:classroom_list"), forged).status_code == 400
    chosen = {**forged, "school": world.schools["peer"].pk}
    assert client.post(reverse("standards:classroom_list"), chosen).status_code == 302
    assert ClassroomEvaluation.objects.get(class_name="5P").school == world.schools["peer"]


# --- the reflection page and rating ---------------------------------------------------------


def test_the_teacher_rates_without_javascript(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    page = client.get(_page(reflection))
    assert page.status_code == 200
    body = _text(page)
    assert SECRET in body and "Share with my coordinator" in body
    assert "<legend>How well does this describe your classroom for all learners?" in body
    prompt = prompts_of(reflection.version)[2]
    url = reverse("standards:classroom_rate", args=[reflection.pk, prompt.pk])
    response = client.post(
        url,
        {
            f"p{prompt.pk}-for_all": "3",
            f"p{prompt.pk}-for_gt": "2",
            f"p{prompt.pk}-evidence": "Seen",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_page(reflection)}#prompt-{prompt.pk}"
    saved = PromptRating.objects.get(evaluation=reflection, prompt=prompt)
    assert (saved.for_all, saved.for_gt, saved.evidence) == (3, 2, "Seen")


def test_rating_by_htmx_answers_the_prompt_and_the_lags(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    prompt = prompts_of(reflection.version)[2]
    url = reverse("standards:classroom_rate", args=[reflection.pk, prompt.pk])
    response = client.post(url, {f"p{prompt.pk}-for_all": "3", f"p{prompt.pk}-for_gt": "1"}, **HTMX)
    assert response.status_code == 200
    body = _text(response)
    assert body.lstrip().startswith(f'<article class="card" id="prompt-{prompt.pk}"')
    assert "Saved" in body and 'hx-swap-oob="true"' in body
    assert f'href="#prompt-{prompt.pk}"' in body  # now listed where G&T challenge lags


def test_a_bad_rating_is_shown_next_to_its_field(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    prompt = prompts_of(reflection.version)[2]
    url = reverse("standards:classroom_rate", args=[reflection.pk, prompt.pk])
    response = client.post(url, {f"p{prompt.pk}-for_all": "7"})
    assert response.status_code == 400
    assert f'id="id_p{prompt.pk}-for_all_error"' in _text(response)
    # By htmx, the prompt comes back with the message (htmx 2 swaps nothing from a 4xx).
    response = client.post(url, {f"p{prompt.pk}-for_all": "7"}, **HTMX)
    assert response.status_code == 200 and "Select a valid choice" in _text(response)
    assert PromptRating.objects.get(evaluation=reflection, prompt=prompt).for_all is None


def test_an_unknown_prompt_or_feature_is_404(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    shipped = Prompt.objects.exclude(element__version=reflection.version).first()
    for prompt_id in (shipped.pk, 999999):
        url = reverse("standards:classroom_rate", args=[reflection.pk, prompt_id])
        assert client.post(url, {}).status_code == 404
    shipped = Element.objects.exclude(version=reflection.version).first()
    assert (
        client.post(
            reverse("standards:classroom_feature", args=[reflection.pk, shipped.pk])
        ).status_code
        == 404
    )


def test_feature_levels_and_next_steps_through_the_page(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    element = Element.objects.filter(version=reflection.version).get(number=3)
    url = reverse("standards:classroom_feature", args=[reflection.pk, element.pk])
    response = client.post(
        url, {f"f{element.pk}-level": "2", f"f{element.pk}-next_step": "Ask why"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#feature-{element.pk}")
    response = client.post(url, {f"f{element.pk}-level": "3"}, **HTMX)
    assert response.status_code == 200 and "Exemplary" in _text(response)
    response = client.post(
        reverse("standards:classroom_next_steps", args=[reflection.pk]),
        {"next_steps": "Try a challenge ladder."},
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.next_steps == "Try a challenge ladder."


def test_complete_lists_what_is_left_then_completes(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    url = reverse("standards:classroom_complete", args=[reflection.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert (
        "Feature 1 Feature 1, prompt 1.2: rate it for all learners and for G&amp;T learners."
        in _text(response)
    )
    rate_all(world.user("teacher@own"), reflection)
    assert client.post(url).status_code == 302
    page = _text(client.get(_page(reflection)))
    assert "This reflection is complete" in page and "Save prompt" not in page
    prompt = prompts_of(reflection.version)[0]
    late = {f"p{prompt.pk}-for_all": "1", f"p{prompt.pk}-for_gt": "1"}
    url = reverse("standards:classroom_rate", args=[reflection.pk, prompt.pk])
    refused = client.post(url, late)
    assert refused.status_code == 400
    assert '<div class="error-summary" role="alert"><ul><li>This reflection is complete' in _text(
        refused
    )
    assert "This reflection is complete" in _text(client.post(url, late, **HTMX))
    assert PromptRating.objects.get(evaluation=reflection, prompt=prompt).for_all == 3


def test_the_observer_sees_and_rates_but_cannot_share(world, cqs, client_for, teacher2):
    evaluation = services.start(
        world.user("teacher@own"), world.schools["own"], "8B", colleague_id=teacher2.pk
    )
    client = client_for(teacher2)
    page = client.get(_page(evaluation))
    assert page.status_code == 200
    assert "Save prompt 1.1" in _text(page) and "Share with my coordinator" not in _text(page)
    prompt = prompts_of(cqs)[0]
    response = client.post(
        reverse("standards:classroom_rate", args=[evaluation.pk, prompt.pk]),
        {f"p{prompt.pk}-for_all": "2", f"p{prompt.pk}-for_gt": "2"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("standards:classroom_share", args=[evaluation.pk]), {"shared": "1"}
        ).status_code
        == 403
    )
    assert ClassroomEvaluation.objects.get(pk=evaluation.pk).shared_at is None


def test_sharing_needs_a_choice(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    response = client.post(reverse("standards:classroom_share", args=[reflection.pk]), {})
    assert response.status_code == 400
    assert "Choose whether to share the reflection" in _text(response)
    assert ClassroomEvaluation.objects.get(pk=reflection.pk).shared_at is None


def test_the_ratings_export(world, reflection, client_for):
    response = client_for(world.user("teacher@own")).get(
        reverse("standards:classroom_csv", args=[reflection.pk])
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "1.1,Prompt text 1.1,Very well,Unsure,yes" in body and SECRET in body


# --- privacy: unshared ratings stay with the teacher and observer ---------------------------


def _outsiders(world, teacher2):
    return {
        "teacher@other": world.user("teacher@other"),
        "teacher at the same school": teacher2,
        "leading_teacher@own": world.user("leading_teacher@own"),
        "head@own": world.user("head@own"),
        "teacher+lead@own": world.user("teacher+lead@own"),
    }


def test_unshared_ratings_are_invisible_then_shared_then_gone(
    world, reflection, client_for, teacher2
):
    urls = [_page(reflection), reverse("standards:classroom_csv", args=[reflection.pk])]
    for who, user in _outsiders(world, teacher2).items():
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
    lead = client_for(world.user("leading_teacher@own"))
    summary_urls = [
        reverse("standards:classroom_summary", args=[world.schools["own"].pk]),
        reverse("standards:classroom_summary_csv", args=[world.schools["own"].pk]),
    ]
    started = ClassroomEvaluation.objects.filter(school=world.schools["own"]).count()
    for url in summary_urls:
        response = lead.get(url)
        assert response.status_code == 200
        body = response.content.decode("utf-8-sig")
        assert SECRET not in body and CLASS not in body
    page = _text(lead.get(summary_urls[0]))
    assert f"{started} reflections started" in page
    assert "Prompt text 1.1" not in page  # no ratings table from the unshared one

    owner = client_for(world.user("teacher@own"))
    assert (
        owner.post(
            reverse("standards:classroom_share", args=[reflection.pk]), {"shared": "1"}
        ).status_code
        == 302
    )
    for user in (world.user("leading_teacher@own"), world.user("head@own")):
        assert client_for(user).get(urls[0]).status_code == 200
        assert SECRET in client_for(user).get(urls[1]).content.decode("utf-8-sig")
    for user in (world.user("teacher@other"), teacher2):
        assert client_for(user).get(urls[0]).status_code == 404
    page = _text(lead.get(summary_urls[0]))
    assert CLASS in page and _page(reflection) in page and "Prompt text 1.1" in page
    assert SECRET not in page  # the summary is counts: evidence is on the reflection's page
    csv = lead.get(summary_urls[1]).content.decode("utf-8-sig")
    assert "Prompt text 1.1,0,0,1,1,0,0,1" in csv and CLASS in csv
    # The coordinator reads a shared reflection but may not change it.
    prompt = prompts_of(reflection.version)[0]
    assert "Save prompt" not in _text(lead.get(urls[0]))
    assert (
        lead.post(
            reverse("standards:classroom_rate", args=[reflection.pk, prompt.pk]), {}
        ).status_code
        == 403
    )
    assert (
        lead.post(
            reverse("standards:classroom_share", args=[reflection.pk]), {"shared": "0"}
        ).status_code
        == 403
    )

    assert (
        owner.post(
            reverse("standards:classroom_share", args=[reflection.pk]), {"shared": "0"}
        ).status_code
        == 302
    )
    assert lead.get(urls[0]).status_code == 404 and lead.get(urls[1]).status_code == 404
    for url in summary_urls:
        body = lead.get(url).content.decode("utf-8-sig")
        assert CLASS not in body and "Prompt text 1.1" not in body


def test_the_summary_is_for_coordinators_only(world, client_for):
    url = reverse("standards:classroom_summary", args=[world.schools["own"].pk])
    assert client_for(world.user("teacher@own")).get(url).status_code == 403
    assert client_for(world.user("head@other")).get(url).status_code == 404
    assert client_for(world.user("head@own")).get(url).status_code == 200


def test_the_summary_page_reads_the_same_queries_for_2_and_20_shared(world, cqs, client_for):
    teacher = world.user("teacher@own")
    url = reverse("standards:classroom_summary", args=[world.schools["own"].pk])

    def with_shared(n):
        for i in range(n):
            e = services.start(teacher, world.schools["own"], f"Set {i}")
            rate_all(teacher, e)
            services.share(teacher, e, True)
        client = client_for(world.user("leading_teacher@own"))
        client.get(url)  # the session, once
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    two = with_shared(2)
    assert with_shared(18) == two
    assert two <= 15


def test_my_reflections_page_reads_the_same_queries_for_2_and_12(world, cqs, client_for, teacher2):
    teacher = world.user("teacher@own")

    def with_reflections(n):
        for i in range(n):
            services.start(teacher, world.schools["own"], f"Set {i}", colleague_id=teacher2.pk)
        client = client_for(world.user("teacher@own"))
        client.get(reverse("standards:classroom_list"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("standards:classroom_list")).status_code == 200
        return len(captured)

    two = with_reflections(2)
    assert with_reflections(10) == two
