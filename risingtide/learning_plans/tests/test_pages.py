"""The plan pages and the API through the test client: who sees whose plan (404 for anyone
else, page and API alike), a refused target keeps what was typed, evidence of another pupil
changes nothing, a carer reads and writes on their own child's plan, and the plan and caseload
pages cost the same queries however much they hold."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.demo.testing import make_user, member
from risingtide.learners.models import LearningGuide
from risingtide.learning_plans import services
from risingtide.learning_plans.models import TARGET_LIMIT, Evidence, LearningPlan, Message, Target
from risingtide.learning_plans.tests.test_services import took_part
from risingtide.people.models import Role
from risingtide.register.models import Pupil
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db


def plan_url(world, key="own", name="plan"):
    return reverse(f"learning_plans:{name}", args=[world.records[key].pk])


def api_url(world, key="own", tail=""):
    return f"/api/v1/pupils/{world.records[key].pk}/plan{tail}"


def test_a_pupil_sees_their_own_plan(world, client_for):
    client = client_for(world.user("pupil@own"))
    page = client.get(reverse("learning_plans:my_plan"))
    assert page.status_code == 200
    assert "My learning plan" in page.text
    assert "What do you want to get better at?" in page.text
    assert not LearningPlan.objects.exists()  # reading makes nothing


@pytest.mark.parametrize("who", ["pupil2@own", "pupil@other", "la_lead@own", "teacher@other"])
def test_nobody_else_sees_a_pupils_plan_page_or_api(world, client_for, who):
    services.add_target(
        world.user("pupil@own"),
        services.plan_for(world.user("pupil@own"), world.records["own"]),
        "Mine",
    )
    client = client_for(world.user(who))
    assert client.get(plan_url(world)).status_code == 404
    assert client.get(api_url(world)).status_code == 404
    posted = client.post(plan_url(world, name="add_message"), {"message-text": "Hi"})
    assert posted.status_code == 404
    sent = client.post(
        api_url(world, tail="/messages"), {"text": "Hi"}, content_type="application/json"
    )
    assert sent.status_code == 404
    assert not Message.objects.exists()


def test_a_pupil_writes_a_target_and_comes_back_to_it(world, client_for):
    client = client_for(world.user("pupil@own"))
    answer = client.post(plan_url(world, name="add_target"), {"text": "Explain my working out"})
    target = Target.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("learning_plans:my_plan") + f"#target-{target.pk}"
    page = client.get(answer["Location"])
    assert "Your target is on your plan." in page.text
    assert "Explain my working out" in page.text


def test_a_target_over_the_limit_is_refused_on_the_form_with_what_was_typed(world, client_for):
    client = client_for(world.user("pupil@own"))
    typed = "I want to " + "really " * 50
    page = client.post(plan_url(world, name="add_target"), {"text": typed})
    assert page.status_code == 400
    assert f"up to {TARGET_LIMIT} characters; this one is {len(typed.strip())}" in page.text
    assert typed.strip() in page.text  # still in the box
    assert 'aria-invalid="true"' in page.text
    assert not Target.objects.exists()
    assert not LearningPlan.objects.exists()  # nothing half-written: not even an empty plan


def test_the_api_refuses_a_long_target_with_400(world, client_for):
    client = client_for(world.user("pupil@own"))
    answer = client.post(
        api_url(world, tail="/targets"), {"text": "x" * 300}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "this one is 300" in answer.json()["errors"]["text"][0]
    assert not Target.objects.exists()


def _target(world, text="Explain my thinking"):
    pupil = world.user("pupil@own")
    return services.add_target(pupil, services.plan_for(pupil, world.records["own"]), text)


def test_the_picker_groups_what_can_be_linked_and_links_it(world, client_for):
    target = _target(world)
    took_part(world)
    client = client_for(world.user("pupil@own"))
    page = client.get(plan_url(world, name="evidence") + f"?target={target.pk}")
    assert page.status_code == 200
    for heading in ("From my portfolios", "Next steps from my teachers", "Opportunities I have"):
        assert heading in page.text
    assert "own note" in page.text and "own2 note" not in page.text
    answer = client.post(
        plan_url(world, name="evidence"),
        {"target": target.pk, "evidence": f"item:{world.items['own'].pk}"},
    )
    assert answer.status_code == 302
    plan = client.get(answer["Location"])
    item_url = reverse("portfolios:item", args=[world.items["own"].pk])
    assert f'<a href="{item_url}">own note</a>' in plan.text


def test_linking_another_pupils_work_is_refused_in_page_and_api(world, client_for):
    target = _target(world)
    client = client_for(world.user("pupil@own"))
    other = world.items["own2"].pk
    page = client.post(
        plan_url(world, name="evidence"), {"target": target.pk, "evidence": f"item:{other}"}
    )
    assert page.status_code == 400
    assert "not something of this pupil" in page.text
    answer = client.post(
        api_url(world, tail="/evidence"),
        {"target": target.pk, "kind": "item", "id": other},
        content_type="application/json",
    )
    assert answer.status_code == 400
    # Another pupil's target, through one's own plan: refused too.
    theirs = services.add_target(
        world.user("pupil2@own"),
        services.plan_for(world.user("pupil2@own"), world.records["2@own"]),
        "Theirs",
    )
    answer = client.post(
        api_url(world, tail="/evidence"),
        {"target": theirs.pk, "kind": "item", "id": world.items["own"].pk},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert not Evidence.objects.exists()


def test_the_carer_reads_and_writes_on_their_childs_plan_only(world, client_for):
    target = _target(world, "Read a chapter book")
    services.link_evidence(world.user("pupil@own"), target, "item", world.items["own"].pk)
    carer = client_for(world.user("carer@own"))
    page = carer.get(plan_url(world))
    assert page.status_code == 200
    assert "Read a chapter book" in page.text
    # The evidence is named, not linked: a carer does not open the portfolio itself.
    assert '<span class="evidence-title">own note</span>' in page.text
    assert reverse("portfolios:item", args=[world.items["own"].pk]) not in page.text
    assert "Add a target" not in page.text and "Record a review" not in page.text
    answer = carer.post(
        plan_url(world, name="add_message"), {"message-text": "She loved the library trip."}
    )
    assert answer.status_code == 302
    assert Message.objects.get().voice == Message.Voice.FAMILY
    sent = carer.post(
        api_url(world, tail="/messages"),
        {"text": "And the museum."},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["voice"] == "family"
    assert carer.get(plan_url(world, "2@own")).status_code == 404
    assert carer.get(api_url(world, "2@own")).status_code == 404
    assert carer.post(plan_url(world, name="add_target"), {"text": "x"}).status_code == 403
    assert carer.get(reverse("learning_plans:my_plan")).status_code == 403


def test_an_empty_message_is_refused_on_its_form(world, client_for):
    client = client_for(world.user("pupil@own"))
    page = client.post(plan_url(world, name="add_message"), {"message-text": "  "})
    assert page.status_code == 400
    assert "Write the message first." in page.text
    assert not Message.objects.exists()


def test_the_guide_reviews_from_the_plan_page(world, client_for):
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.user("teacher@own"))
    client = client_for(world.user("teacher@own"))
    today = timezone.localdate()
    page = client.get(plan_url(world))
    assert "Record a review" in page.text
    answer = client.post(
        plan_url(world, name="add_review"),
        {
            "reviewed_on": today.isoformat(),
            "summary": "Going well.",
            "next_review_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert answer.status_code == 302
    assert LearningPlan.objects.get().next_review_on == today + timedelta(days=30)
    refused = client.post(
        plan_url(world, name="add_review"),
        {"reviewed_on": "31/02/2026", "summary": "Typed words"},
    )
    assert refused.status_code == 400
    assert "Enter a date" in refused.text and "Typed words" in refused.text


def test_target_state_buttons_and_dates(world, client_for):
    target = _target(world)
    client = client_for(world.user("pupil@own"))
    answer = client.post(
        plan_url(world, name="target_state"), {"target": target.pk, "state": "achieved"}
    )
    assert answer["Location"].endswith(f"#target-{target.pk}")
    target.refresh_from_db()
    assert target.state == Target.State.ACHIEVED
    when = timezone.localdate() + timedelta(days=7)
    client.post(
        plan_url(world, name="target_review"), {"target": target.pk, "review_on": when.isoformat()}
    )
    target.refresh_from_db()
    assert target.review_on == when
    # Another pupil's target through one's own plan: refused as not there.
    theirs = services.add_target(
        world.user("pupil2@own"),
        services.plan_for(world.user("pupil2@own"), world.records["2@own"]),
        "Theirs",
    )
    client.post(plan_url(world, name="target_state"), {"target": theirs.pk, "state": "set_aside"})
    theirs.refresh_from_db()
    assert theirs.state == Target.State.WORKING


def test_the_api_gives_the_plan_and_changes_it(world, client_for):
    client = client_for(world.user("pupil@own"))
    made = client.post(
        api_url(world, tail="/targets"), {"text": "Ask a question"}, content_type="application/json"
    )
    assert made.status_code == 201
    target = made.json()["id"]
    linked = client.post(
        api_url(world, tail="/evidence"),
        {"target": target, "kind": "next_step", "id": world.comments["own"].pk},
        content_type="application/json",
    )
    assert linked.status_code == 201
    assert linked.json()["evidence"][0]["kind"] == "next_step"
    changed = client.patch(
        api_url(world, tail="/targets"),
        {"target": target, "state": "achieved"},
        content_type="application/json",
    )
    assert changed.json()["state"] == "achieved"
    plan = client.get(api_url(world)).json()
    assert [t["text"] for t in plan["targets"]] == ["Ask a question"]
    assert plan["may_write"] and plan["may_comment"] and not plan["may_review"]
    choices = client.get(api_url(world, tail="/evidence-choices")).json()
    assert [g["kind"] for g in choices] == ["item", "next_step", "participation"]
    review = client.post(
        api_url(world, tail="/reviews"),
        {"reviewed_on": timezone.localdate().isoformat(), "summary": "s"},
        content_type="application/json",
    )
    assert review.status_code == 403


def _fill(world, plan_key="own", n=1):
    """Targets with each kind of evidence, reviews and messages on pupil@own's plan."""
    pupil, lead = world.user("pupil@own"), world.user("leading_teacher@own")
    plan = services.plan_for(pupil, world.records[plan_key])
    for i in range(n):
        target = services.add_target(lead, plan, f"Target {i}")
        services.link_evidence(lead, target, "item", world.items["own"].pk)
        services.link_evidence(lead, target, "next_step", world.comments["own"].pk)
        services.link_evidence(
            lead, target, "participation", took_part(world, title=f"Club {i}").pk
        )
        services.add_review(lead, plan, reviewed_on=timezone.localdate(), summary=f"Review {i}")
        services.add_message(pupil, plan, f"Message {i}")
        services.add_message(world.user("carer@own"), plan, f"Family {i}")


@pytest.mark.parametrize("who", ["pupil@own", "leading_teacher@own", "carer@own"])
def test_the_plan_page_costs_the_same_queries_however_full(
    world, client_for, django_assert_max_num_queries, who
):
    client = client_for(world.user(who))
    url = reverse("learning_plans:my_plan") if who == "pupil@own" else plan_url(world)
    _fill(world, n=1)
    client.get(url)
    with django_assert_max_num_queries(12) as before:  # 10 measured (a carer: 8)
        assert client.get(url).status_code == 200
    _fill(world, n=4)
    with django_assert_max_num_queries(len(before)):
        assert client.get(url).status_code == 200


def test_the_caseload_page_costs_the_same_queries_for_more_pupils(
    world, client_for, django_assert_max_num_queries
):
    guide = world.user("leading_teacher@own")
    client = client_for(guide)
    LearningGuide.objects.create(pupil=world.records["own"], guide=guide)
    _fill(world)
    url = reverse("learning_plans:caseload")
    client.get(url)
    # 3 for the caseload and 4 for where its pupils stand against the entitlement (one reading)
    with django_assert_max_num_queries(9) as before:
        page = client.get(url)
    assert "Ada Own" in page.text and "—" in page.text
    for n in range(8):
        account = make_user(f"caseload.{n}", "Case", f"Pupil{n}")
        member(account, Role.PUPIL, school=world.schools["own"])
        record = Pupil.objects.create(
            school=world.schools["own"],
            upn=make_upn(801, 4001, 16, n + 1),
            legal_surname=f"Pupil{n}",
            legal_forename="Case",
            date_of_birth="2014-01-01",
            gender="M",
            account=account,
        )
        LearningGuide.objects.create(pupil=record, guide=guide)
        plan = services.plan_for(guide, record)
        services.add_target(guide, plan, "A target")
        services.add_review(guide, plan, reviewed_on=timezone.localdate(), summary="s")
    with django_assert_max_num_queries(len(before)):
        page = client.get(url)
    assert page.text.count("Not yet reviewed") == 0
    assert "Case Pupil7" in page.text


def test_the_caseload_shows_not_reviewed_and_overdue(world, client_for):
    guide = world.user("teacher@own")
    LearningGuide.objects.create(pupil=world.records["own"], guide=guide)
    LearningGuide.objects.create(pupil=world.records["own2"], guide=guide)
    plan = services.plan_for(guide, world.records["own2"])
    services.add_review(
        guide, plan, reviewed_on=timezone.localdate() - timedelta(days=60), summary="s"
    )
    LearningPlan.objects.filter(pk=plan.pk).update(
        next_review_on=timezone.localdate() - timedelta(days=2)
    )
    page = client_for(guide).get(reverse("learning_plans:caseload"))
    assert page.text.index("Ada Own") < page.text.index("Pupil Eight")
    assert "Not yet reviewed" in page.text and "Overdue" in page.text
    # The guide reaches a pupil they guide, though they do not teach their class.
    assert client_for(guide).get(plan_url(world, "own2")).status_code == 200


def test_the_caseload_says_who_is_short_of_the_entitlement_and_why(world, client_for):
    from risingtide.opportunities.tests.test_entitlement_world import identify

    guide = world.user("leading_teacher@own")
    LearningGuide.objects.create(pupil=world.records["own"], guide=guide)
    page = client_for(guide).get(reverse("learning_plans:caseload"))
    assert "—" in page.text  # nominated, not on the register: no entitlement to be short of
    identify(world.records["own"])
    page = client_for(guide).get(reverse("learning_plans:caseload"))
    assert "Short" in page.text and "nothing offered" in page.text.lower()
    rows = client_for(guide).get("/api/v1/me/caseload").json()
    assert rows[0]["entitlement_met"] is False and rows[0]["entitlement_reasons"]


def test_a_guide_who_moved_to_another_school_keeps_no_reach(world, client_for):
    """Named a pupil's guide, then working elsewhere (teacher@other works only at "other"):
    neither the plan nor the pupil's opportunities open, and the caseload shows nobody."""
    record = world.records["own"]
    moved = world.user("teacher@other")
    LearningGuide.objects.create(pupil=record, guide=moved)
    client = client_for(moved)
    assert client.get(reverse("learning_plans:plan", args=[record.pk])).status_code == 404
    assert client.get(f"/api/v1/pupils/{record.pk}/plan").status_code == 404
    opportunities = reverse("opportunities:pupil_opportunities", args=[record.pk])
    assert client.get(opportunities).status_code == 404
    assert "Ada Own" not in client.get(reverse("learning_plans:caseload")).content.decode()
    # The same person working at the pupil's school again reaches them as their guide.
    member(moved, Role.TEACHER, school=world.schools["own"])
    client = client_for(world.user("teacher@other"))
    assert client.get(reverse("learning_plans:plan", args=[record.pk])).status_code == 200
