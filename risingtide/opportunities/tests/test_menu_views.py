"""The menu's pages through the test client: a pupil's menu and asking (with what they typed
kept when refused), staff answering requests, a pupil's opportunities for staff and their
carer, consent, and who may reach what (404 for anyone else)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.demo.testing import make_user, member
from risingtide.learners.models import LearningGuide
from risingtide.opportunities import places
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.menu_world import opportunity, pupils, requested
from risingtide.people.models import Role

State = Participation.State
Consent = Participation.Consent


@pytest.fixture
def w(world):
    own = world.schools["own"]
    world.club = opportunity(own, "Chess club", capacity=3, description="Think ahead.")
    world.trip = opportunity(
        own, "Science museum", kind="trip", needs_consent=True, capacity=1, term="spring"
    )
    world.sixth = opportunity(own, "Early entry GCSE", kind="early_entry", year_from=10, year_to=11)
    world.gone = opportunity(own, "Old club", withdrawn_at=timezone.now())
    world.hidden = opportunity(own, "In-class extension", on_menu=False)
    world.last_year = opportunity(own, "Last year's club", academic_year=2000)
    world.theirs = opportunity(world.schools["other"], "Other school's club")
    return world


def _page(client, name, *args):
    return client.get(reverse(f"opportunities:{name}", args=args))


def test_the_pupils_menu_shows_what_is_open_to_them_in_words(w, client_for):
    page = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "Chess club" in page and "Science museum" in page
    for absent in ("Early entry GCSE", "Old club", "In-class extension", "Last year", "Other"):
        assert absent not in page
    assert "3 places left" in page and "1 place left" in page
    assert "Your grown-up needs to say yes" in page
    assert "Clubs" in page and "Trips and special days" in page and "Beyond the classroom" in page


def test_a_pupil_asks_and_says_why_then_sees_it_waiting(w, client_for):
    client = client_for(w.user("pupil@own"))
    response = client.post(
        reverse("opportunities:ask", args=[w.club.pk]), {"reason": "I play chess at home."}
    )
    p = Participation.objects.get(opportunity=w.club, pupil=w.records["own"])
    assert (p.state, p.reason) == (State.REQUESTED, "I play chess at home.")
    assert response.status_code == 302 and response["Location"].endswith(f"#mine-{p.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "You asked to do “Chess club”" in page
    assert "Waiting for Lead Own to answer" not in page  # no lead, no guide: "your teacher"
    assert "Waiting for your teacher to answer" in page


def test_waiting_names_the_learning_guide(w, client_for):
    LearningGuide.objects.create(pupil=w.records["own"], guide=w.user("teacher@own"))
    requested(w.records["own"], w.club)
    page = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "Waiting for Teach Own to answer" in page


@pytest.mark.parametrize(
    "reason, error",
    [
        ("   ", "Tell us why you would like to take part"),
        ("x" * 1001, "Keep it to 1000 characters: this is 1001 characters long."),
    ],
)
def test_a_request_without_a_reason_or_over_the_limit_is_refused_and_kept(
    w, client_for, reason, error
):
    client = client_for(w.user("pupil@own"))
    response = client.post(reverse("opportunities:ask", args=[w.club.pk]), {"reason": reason})
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page and 'aria-invalid="true"' in page
    if reason.strip():
        assert reason in page  # what they typed is still there
    assert not Participation.objects.filter(opportunity=w.club).exists()


def test_a_pupil_of_another_school_cannot_see_or_ask(w, client_for):
    client = client_for(w.user("pupil@other"))
    assert "Chess club" not in _page(client, "menu").content.decode()
    assert _page(client, "ask", w.club.pk).status_code == 404
    response = client.post(reverse("opportunities:ask", args=[w.club.pk]), {"reason": "Please"})
    assert response.status_code == 404
    assert not Participation.objects.filter(opportunity=w.club).exists()


def test_an_opportunity_for_another_year_is_refused_saying_why(w, client_for):
    client = client_for(w.user("pupil@own"))
    response = client.post(reverse("opportunities:ask", args=[w.sixth.pk]), {"reason": "Please"})
    assert response.status_code == 400
    assert "not open to your year group (For Year 10 to 11)" in response.content.decode()


def test_the_coordinator_approves_and_the_pupil_has_a_place(w, client_for):
    p = requested(w.records["own"], w.club)
    lead = client_for(w.user("leading_teacher@own"))
    page = _page(lead, "requests", w.schools["own"].pk).content.decode()
    assert "I love it" in page and "Ada Own" in page
    response = lead.post(
        reverse("opportunities:answer", args=[p.pk]), {"decision": "approve", "back": "requests"}
    )
    assert response["Location"].endswith("#asked-heading")
    assert Participation.objects.get(pk=p.pk).state == State.PLACE
    menu = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "You have a place!" in menu


def test_giving_a_place_when_full_is_refused_clearly_and_changes_nothing(w, client_for):
    first = places.grant(w.user("leading_teacher@own"), requested(w.records["2@own"], w.trip))
    assert first.state == State.PLACE
    p = requested(w.records["own"], w.trip)
    lead = client_for(w.user("leading_teacher@own"))
    response = lead.post(reverse("opportunities:answer", args=[p.pk]), {"decision": "place"})
    assert response.status_code == 400
    assert "“Science museum” is full: all 1 places are taken." in response.content.decode()
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED
    # "Yes" puts them on the waiting list instead, and the pupil reads their place in it.
    lead.post(reverse("opportunities:answer", args=[p.pk]), {"decision": "approve"})
    assert Participation.objects.get(pk=p.pk).state == State.WAITING
    menu = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "On the waiting list: 1st" in menu


def test_not_this_time_needs_a_reason_the_pupil_reads(w, client_for):
    p = requested(w.records["own"], w.club)
    lead = client_for(w.user("leading_teacher@own"))
    url = reverse("opportunities:answer", args=[p.pk])
    response = lead.post(url, {"decision": "not_now", "note": ""})
    assert response.status_code == 400 and "Say why not this time" in response.content.decode()
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED
    lead.post(url, {"decision": "not_now", "note": "It clashes with football."})
    menu = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "Not this time: It clashes with football." in menu


def test_an_alternative_the_pupil_asks_for_in_one_click(w, client_for):
    p = requested(w.records["own"], w.trip)
    lead = client_for(w.user("leading_teacher@own"))
    lead.post(
        reverse("opportunities:answer", args=[p.pk]),
        {"decision": "alternative", "alternative": w.club.pk, "note": "Fewer places on the trip."},
    )
    p.refresh_from_db()
    assert (p.state, p.alternative) == (State.ALTERNATIVE, w.club)
    pupil = client_for(w.user("pupil@own"))
    assert "suggests “Chess club” instead" in _page(pupil, "menu").content.decode()
    response = pupil.post(reverse("opportunities:respond", args=[p.pk]), {"choice": "alternative"})
    asked = Participation.objects.get(opportunity=w.club, pupil=w.records["own"])
    assert asked.state == State.REQUESTED and asked.reason == "I love it"
    assert response["Location"].endswith(f"#mine-{asked.pk}")
    assert Participation.objects.get(pk=p.pk).state == State.WITHDRAWN


def test_staff_offer_the_pupil_accepts_and_staff_record_who_took_part(w, client_for):
    teacher = client_for(w.user("teacher@own"))
    response = teacher.post(
        reverse("opportunities:offer", args=[w.records["own"].pk]),
        {"opportunity": w.club.pk, "note": "You would love this."},
    )
    p = Participation.objects.get(opportunity=w.club, pupil=w.records["own"])
    assert p.state == State.OFFERED
    assert response["Location"].endswith(f"#participation-{p.pk}")
    pupil = client_for(w.user("pupil@own"))
    assert "Teach Own thinks you would enjoy this" in _page(pupil, "menu").content.decode()
    pupil.post(reverse("opportunities:respond", args=[p.pk]), {"choice": "accept"})
    assert Participation.objects.get(pk=p.pk).state == State.PLACE
    teacher.post(
        reverse("opportunities:answer", args=[p.pk]), {"decision": "took_part", "back": "pupil"}
    )
    assert Participation.objects.get(pk=p.pk).state == State.TOOK_PART


def test_a_pupil_withdraws_a_request_and_declines_a_place(w, client_for):
    pupil = client_for(w.user("pupil@own"))
    p = requested(w.records["own"], w.club)
    pupil.post(reverse("opportunities:respond", args=[p.pk]), {"choice": "withdraw"})
    assert Participation.objects.get(pk=p.pk).state == State.WITHDRAWN
    # Asking again after changing their mind is allowed.
    pupil.post(reverse("opportunities:ask", args=[w.club.pk]), {"reason": "Changed my mind"})
    places.grant(w.user("leading_teacher@own"), Participation.objects.get(pk=p.pk))
    response = pupil.post(reverse("opportunities:respond", args=[p.pk]), {"choice": "decline"})
    assert Participation.objects.get(pk=p.pk).state == State.DECLINED
    page = pupil.get(response["Location"]).content.decode()
    assert "You said no thanks to “Chess club”." in page


def test_a_pupil_cannot_answer_another_pupils_request(w, client_for):
    p = requested(w.records["2@own"], w.club)
    response = client_for(w.user("pupil@own")).post(
        reverse("opportunities:respond", args=[p.pk]), {"choice": "withdraw"}
    )
    assert response.status_code == 404
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED


def test_teachers_answer_their_groups_and_guided_pupils_only(w, client_for):
    mine = requested(w.records["own"], w.club)
    eight = requested(w.records["own2"], w.club)
    teacher = client_for(w.user("teacher@own"))
    page = _page(teacher, "requests", w.schools["own"].pk).content.decode()
    assert "Ada Own" in page and "Pupil Eight" not in page
    assert _page(teacher, "answer", eight.pk).status_code == 404
    assert _page(teacher, "answer", mine.pk).status_code == 200
    # A learning guide without a group answers the pupils they guide.
    guide = make_user("guide.own", "Gail", "Guide")
    member(guide, Role.TEACHER, school=w.schools["own"])
    LearningGuide.objects.create(pupil=w.records["own2"], guide=guide)
    guided = client_for(guide)
    page = _page(guided, "requests", w.schools["own"].pk).content.decode()
    assert "Pupil Eight" in page and "Ada Own" not in page
    assert _page(guided, "answer", eight.pk).status_code == 200
    assert _page(guided, "pupil_opportunities", w.records["own2"].pk).status_code == 200
    assert _page(guided, "pupil_opportunities", w.records["own"].pk).status_code == 404


def test_a_carer_sees_only_their_own_childs_opportunities(w, client_for):
    requested(w.records["own"], w.club)
    carer = client_for(w.user("carer@own"))
    page = _page(carer, "pupil_opportunities", w.records["own"].pk).content.decode()
    assert "Chess club" in page
    for key in ("2@own", "own2", "other"):
        assert _page(carer, "pupil_opportunities", w.records[key].pk).status_code == 404
    assert _page(carer, "requests", w.schools["own"].pk).status_code == 404
    assert _page(carer, "menu").status_code == 403


def test_a_carer_gives_consent_on_the_page_and_not_for_another_child(w, client_for):
    lead = w.user("leading_teacher@own")
    mine = places.grant(lead, requested(w.records["own"], w.trip))
    carer = client_for(w.user("carer@own"))
    page = _page(carer, "pupil_opportunities", w.records["own"].pk).content.decode()
    assert "Can Ada take part?" in page
    response = carer.post(reverse("opportunities:consent", args=[mine.pk]), {"choice": "yes"})
    assert response["Location"].endswith(f"#participation-{mine.pk}")
    assert Participation.objects.get(pk=mine.pk).consent == Consent.GIVEN
    assert "Thank you: you said yes" in carer.get(response["Location"]).content.decode()
    other = requested(w.records["2@own"], w.club)
    response = carer.post(reverse("opportunities:consent", args=[other.pk]), {"choice": "no"})
    assert response.status_code == 404
    assert Participation.objects.get(pk=other.pk).state == State.REQUESTED


def test_staff_outside_the_school_and_la_leads_get_404(w, client_for):
    p = requested(w.records["own"], w.club)
    for who in ("la_lead@own", "national_officer@nation", "teacher@other", "head@other"):
        client = client_for(w.user(who))
        assert _page(client, "requests", w.schools["own"].pk).status_code == 404, who
        assert _page(client, "answer", p.pk).status_code == 404, who
        assert _page(client, "pupil_opportunities", w.records["own"].pk).status_code == 404, who


def _queries(client, url, django_assert_max_num_queries, limit=40) -> int:
    with django_assert_max_num_queries(limit) as counted:
        assert client.get(url).status_code == 200
    return len(counted)


def test_the_menu_page_makes_the_same_queries_however_long_it_is(
    w, client_for, django_assert_max_num_queries
):
    from risingtide.learners.models import Personalisation

    Personalisation.objects.create(school=w.schools["own"], suggestions_on=True)
    client = client_for(w.user("pupil@own"))
    url = reverse("opportunities:menu")
    requested(w.records["own"], w.club)
    client.get(url)  # warm the per-person caches
    before = _queries(client, url, django_assert_max_num_queries)
    for n in range(8):
        o = opportunity(w.schools["own"], f"Club {n}", kind=["club", "trip", "mentoring"][n % 3])
        requested(w.records["own"], o)
    assert _queries(client, url, django_assert_max_num_queries) == before


def test_the_requests_page_makes_the_same_queries_however_many_wait(
    w, client_for, django_assert_max_num_queries
):
    client = client_for(w.user("leading_teacher@own"))
    url = reverse("opportunities:requests", args=[w.schools["own"].pk])
    requested(w.records["own"], w.club)
    client.get(url)
    before = _queries(client, url, django_assert_max_num_queries)
    lead = w.user("leading_teacher@own")
    for n, record in enumerate(pupils(w.schools["own"], w.groups["own"], 6)):
        p = requested(record, w.trip if n % 2 else w.club)
        if n % 3 == 0:
            places.grant(lead, p)
    assert _queries(client, url, django_assert_max_num_queries) == before


def test_the_pupil_page_makes_the_same_queries_however_many(
    w, client_for, django_assert_max_num_queries
):
    client = client_for(w.user("teacher@own"))
    url = reverse("opportunities:pupil_opportunities", args=[w.records["own"].pk])
    requested(w.records["own"], w.club)
    client.get(url)
    before = _queries(client, url, django_assert_max_num_queries)
    for n in range(5):
        requested(w.records["own"], opportunity(w.schools["own"], f"Club {n}"))
    assert _queries(client, url, django_assert_max_num_queries) == before


def test_every_action_names_where_the_focus_goes(w, client_for):
    """The page's anchor exists for every redirect the actions make."""
    p = requested(w.records["own"], w.club)
    page = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert re.search(rf'id="mine-{p.pk}"', page)
    page = _page(client_for(w.user("leading_teacher@own")), "requests", w.schools["own"].pk)
    for anchor in ("asked-heading", "waiting-heading", "places-heading"):
        assert f'id="{anchor}"' in page.content.decode()


def test_an_alternative_must_be_on_the_pupils_menu(w, client_for):
    p = requested(w.records["own"], w.club)
    response = client_for(w.user("leading_teacher@own")).post(
        reverse("opportunities:answer", args=[p.pk]),
        {"decision": "alternative", "alternative": w.sixth.pk},
    )
    assert response.status_code == 400
    assert "“Early entry GCSE” is not open to Ada Own" in response.content.decode()
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED


def test_the_marketplace_services_the_school_shows_have_their_own_section(w, client_for):
    from risingtide.provision import opportunities as marketplace
    from risingtide.provision.models import Service

    service = Service.objects.create(
        provider=w.providers["own"],
        title="Cryptography masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=10,
        status=Service.Status.PUBLISHED,
    )
    marketplace.show(w.user("leading_teacher@own"), w.schools["own"], service, "Ask Mr Lee")
    page = _page(client_for(w.user("pupil@own")), "menu").content.decode()
    assert "From outside school" in page and "Cryptography masterclass" in page
    assert "Ask your teacher: Ask Mr Lee" in page
    other = _page(client_for(w.user("pupil@other")), "menu").content.decode()
    assert "Cryptography masterclass" not in other
