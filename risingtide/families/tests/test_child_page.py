"""A carer's page of their child: only their own children (404 for any other pupil, in the page
and the API), consent given, refused and withdrawn (404 and nothing changed for a pupil not
theirs), a comment added to the plan, what was shown noted for the child, and a fixed number
of queries."""

import re

import pytest
from django.urls import reverse

from risingtide.families.models import Shown
from risingtide.families.tests.family_world import add_family, opportunity, place
from risingtide.learning_plans.models import Message
from risingtide.opportunities.models import Participation

Consent = Participation.Consent


def _page(child):
    return reverse("families:child", args=[child.pk])


def test_the_child_page_shows_what_the_family_may_see(world, client_for):
    add_family(world)
    text = client_for(world.user("carer@own")).get(_page(world.users["pupil@own"])).content.decode()
    for shown in (
        "Science museum trip",
        "Waiting for your answer",
        "Chess club",
        "Has a place",
        "Rockets and chess",
        "Ada explains her thinking clearly.",
        "Enter the maths challenge",
        "A good start this term.",
        "own note",  # the note Ada chose for her presentation, shared with her class
        "What you see, and why",
    ):
        assert shown in text, shown
    assert "A withdrawn remark." not in text
    assert not re.search(r"\bBen\b", text)  # nothing of another pupil


def test_the_childs_shared_note_reads_as_on_the_board_and_stays_clean(world, client_for):
    from risingtide.portfolios.models import Item

    add_family(world)
    Item.objects.filter(pk=world.items["own"].pk).update(
        body="Why I chose the box: it keeps the bees **dry**.\n\n<script>alert(1)</script>"
    )
    text = client_for(world.user("carer@own")).get(_page(world.users["pupil@own"])).content.decode()
    assert "keeps the bees <strong>dry</strong>." in text  # the child's formatting, not **dry**
    assert "<script>alert" not in text and "**dry**" not in text


def test_nothing_is_shown_that_the_child_did_not_share_or_the_school_does_not_use(
    world, client_for
):
    from risingtide.learners.models import Personalisation
    from risingtide.portfolios.models import Portfolio

    add_family(world)
    Personalisation.objects.update(profiles_on=False)
    Portfolio.objects.filter(pk=world.portfolios["own"].pk).update(shared_with="")
    text = client_for(world.user("carer@own")).get(_page(world.users["pupil@own"])).content.decode()
    assert "Rockets and chess" not in text and "Ada explains" not in text
    assert "does not use learner profiles" in text
    assert "own note" not in text and "has not shared a presentation yet" in text


@pytest.mark.parametrize("other", ["pupil2@own", "pupil@other", "pupil@own2", "teacher@own"])
def test_a_carer_reaches_only_their_own_children(world, client_for, other):
    add_family(world)
    client = client_for(world.user("carer@own"))
    target = world.users[other]
    assert client.get(_page(target)).status_code == 404
    api = reverse("api-1:family_child", kwargs={"child_id": target.pk})
    assert client.get(api).status_code == 404
    assert (
        client.post(reverse("families:comment", args=[target.pk]), {"text": "Hello"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("families:consent", args=[target.pk]),
            {"participation": 1, "answer": "give"},
        ).status_code
        == 404
    )
    listed = client.get(reverse("api-1:family_children")).json()
    assert [c["id"] for c in listed] == [world.users["pupil@own"].pk]


@pytest.mark.parametrize("who", ["teacher@own", "leading_teacher@own", "pupil@own", "head@own"])
def test_nobody_but_a_linked_carer_reaches_a_childs_page(world, client_for, who):
    assert client_for(world.user(who)).get(_page(world.users["pupil@own"])).status_code == 404


def test_consent_given_then_withdrawn(world, client_for):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    url = reverse("families:consent", args=[world.users["pupil@own"].pk])
    response = client.post(url, {"participation": family.waiting.pk, "answer": "give"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#participation-{family.waiting.pk}")
    family.waiting.refresh_from_db()
    assert family.waiting.consent == Consent.GIVEN and family.waiting.state == "place"
    page = client.get(_page(world.users["pupil@own"])).content.decode()
    assert "Thank you: you said yes to Science museum trip." in page
    assert "Withdraw my consent" in page
    client.post(url, {"participation": family.waiting.pk, "answer": "withdraw"})
    family.waiting.refresh_from_db()
    assert family.waiting.consent == Consent.WITHDRAWN and family.waiting.state == "withdrawn"


def test_consent_refused(world, client_for):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    url = reverse("families:consent", args=[world.users["pupil@own"].pk])
    client.post(url, {"participation": family.waiting.pk, "answer": "refuse"})
    family.waiting.refresh_from_db()
    assert family.waiting.consent == Consent.REFUSED and family.waiting.state == "withdrawn"


def test_consent_for_a_pupil_not_linked_is_not_found_and_changes_nothing(world, client_for):
    family = add_family(world)
    elsewhere = place(
        opportunity(world, "Other trip", needs_consent=True, school="other"), world.records["other"]
    )
    client = client_for(world.user("carer@own"))
    mine = reverse("families:consent", args=[world.users["pupil@own"].pk])
    for theirs in (family.other_child, elsewhere):
        before = Participation.objects.values().get(pk=theirs.pk)
        # Through my own child's address, naming another pupil's participation: 404.
        assert client.post(mine, {"participation": theirs.pk, "answer": "give"}).status_code == 404
        assert Participation.objects.values().get(pk=theirs.pk) == before


def test_a_consent_the_opportunity_does_not_need_is_refused_with_the_reason(world, client_for):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    url = reverse("families:consent", args=[world.users["pupil@own"].pk])
    response = client.post(
        url, {"participation": family.club_place.pk, "answer": "give"}, follow=True
    )
    assert "does not need a carer" in response.content.decode()
    family.club_place.refresh_from_db()
    assert family.club_place.consent == Consent.NOT_NEEDED


def test_a_comment_goes_on_the_plan(world, client_for):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    url = reverse("families:comment", args=[world.users["pupil@own"].pk])
    response = client.post(url, {"text": "She loved the museum!"})
    assert response.status_code == 302 and response["Location"].endswith("#conversation-heading")
    message = Message.objects.get(plan=family.plan, text="She loved the museum!")
    assert message.voice == Message.Voice.FAMILY and message.author == world.users["carer@own"]
    too_long = client.post(url, {"text": "x" * 2001})
    assert too_long.status_code == 400 and "Keep it to 2000 characters" in too_long.content.decode()
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400
    assert Message.objects.filter(plan=family.plan).count() == 2


def test_each_view_notes_what_was_shown_once_per_kind(world, client_for):
    add_family(world)
    client = client_for(world.user("carer@own"))
    child = world.users["pupil@own"]
    client.get(_page(child))
    shown = list(Shown.objects.filter(child=child).order_by("what"))
    assert [s.what for s in shown] == ["opportunities", "plan", "presentations", "profile"]
    assert all(s.carer == world.users["carer@own"] for s in shown)
    summary = {s.what: s.summary for s in shown}
    assert "Science museum trip (has a place)" in summary["opportunities"]
    assert summary["plan"] == "Learning plan: 1 target, 1 message in the conversation"
    client.get(reverse("api-1:family_child", kwargs={"child_id": child.pk}))
    assert Shown.objects.filter(child=child).count() == 8


def test_the_page_makes_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    url = _page(world.users["pupil@own"])
    client.get(url)
    with django_assert_max_num_queries(20) as first:
        client.get(url)
    budget = len(first)
    # Much more of everything: the same number of queries.
    for n in range(5):
        place(opportunity(world, f"Trip {n}", needs_consent=True), world.records["own"])
        Message.objects.create(plan=family.plan, voice="family", text=f"Note {n}")
    with django_assert_max_num_queries(budget):
        client.get(url)


def test_the_api_summary_reads_what_the_page_reads(world, client_for):
    family = add_family(world)
    client = client_for(world.user("carer@own"))
    child = world.users["pupil@own"]
    listed = client.get(reverse("api-1:family_children")).json()
    assert listed == [
        {
            "id": child.pk,
            "first_name": "Ada",
            "last_name": "Own",
            "school": "Own School",
            "awaiting_consent": 1,
        }
    ]
    summary = client.get(reverse("api-1:family_child", kwargs={"child_id": child.pk})).json()
    assert summary["child"]["awaiting_consent"] == 1
    by_id = {o["participation"]: o for o in summary["opportunities"]}
    assert by_id[family.waiting.pk]["can_answer"] is True
    assert by_id[family.club_place.pk]["needs_consent"] is False
    assert summary["plan"]["targets"][0]["text"] == "Enter the maths challenge"
    assert summary["presentations"][0]["items"][0]["title"] == "own note"
    assert [o["text"] for o in summary["observations"]] == ["Ada explains her thinking clearly."]


def test_a_link_to_an_account_that_is_no_pupil_shows_nothing(world, client_for):
    from risingtide.demo.testing import member
    from risingtide.people.models import Role

    teacher = world.users["teacher@own"]
    member(world.users["carer@own"], Role.CARER, child=teacher)  # made by mistake, say
    client = client_for(world.user("carer@own"))
    assert client.get(_page(teacher)).status_code == 404
    listed = client.get(reverse("api-1:family_children")).json()
    assert [c["id"] for c in listed] == [world.users["pupil@own"].pk]
