"""The menu in the API: the same reads and rules as the pages; refusals are 400 naming the
field; anything the caller cannot reach is 404."""

import pytest

from risingtide.opportunities import places
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.menu_world import opportunity, requested

State = Participation.State
API = "/api/v1"


@pytest.fixture
def w(world):
    own = world.schools["own"]
    world.club = opportunity(own, "Chess club", capacity=1)
    world.trip = opportunity(own, "Science museum", kind="trip", needs_consent=True)
    return world


def _post(client, url, body):
    return client.post(f"{API}{url}", body, content_type="application/json")


def test_a_pupil_reads_their_menu_asks_and_reads_what_they_asked(w, client_for):
    pupil = client_for(w.user("pupil@own"))
    menu = pupil.get(f"{API}/me/opportunities").json()
    cards = {c["title"]: c for s in menu["sections"] for c in s["opportunities"]}
    assert set(cards) == {"Chess club", "Science museum"}
    assert cards["Chess club"]["places_left"] == 1 and cards["Science museum"]["needs_consent"]
    asked = _post(pupil, f"/me/opportunities/{w.club.pk}/requests", {"reason": "I like chess"})
    assert asked.status_code == 201
    assert asked.json()["state"] == "requested"
    assert asked.json()["words"] == "Waiting for your teacher to answer"
    assert asked.json()["choices"] == ["withdraw"]
    mine = pupil.get(f"{API}/me/participations").json()
    assert [m["id"] for m in mine] == [asked.json()["id"]]


def test_refusals_are_400_with_the_field_and_change_nothing(w, client_for):
    pupil = client_for(w.user("pupil@own"))
    url = f"/me/opportunities/{w.club.pk}/requests"
    answer = _post(pupil, url, {"reason": "x" * 1001})
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "reason": ["Keep it to 1000 characters: this is 1001 characters long."]
    }
    assert _post(pupil, url, {"reason": ""}).json()["errors"]["reason"]
    assert not Participation.objects.exists()


def test_what_is_not_reachable_is_404(w, client_for):
    p = requested(w.records["own"], w.club)
    other = client_for(w.user("pupil@other"))
    assert (
        _post(other, f"/me/opportunities/{w.club.pk}/requests", {"reason": "x"}).status_code == 404
    )
    assert (
        _post(other, f"/me/participations/{p.pk}/answer", {"choice": "withdraw"}).status_code == 404
    )
    carer = client_for(w.user("carer@own"))
    assert carer.get(f"{API}/pupils/{w.records['2@own'].pk}/participations").status_code == 404
    assert carer.get(f"{API}/pupils/{w.records['own'].pk}/participations").status_code == 200
    la = client_for(w.user("la_lead@own"))
    assert la.get(f"{API}/schools/{w.schools['own'].pk}/requests").status_code == 404
    assert la.get(f"{API}/pupils/{w.records['own'].pk}/participations").status_code == 404
    assert _post(la, f"/requests/{p.pk}/decision", {"decision": "approve"}).status_code == 404


def test_staff_decide_give_a_place_refused_when_full(w, client_for):
    first = requested(w.records["2@own"], w.club)
    p = requested(w.records["own"], w.club)
    lead = client_for(w.user("leading_teacher@own"))
    listed = lead.get(f"{API}/schools/{w.schools['own'].pk}/requests").json()
    assert {r["id"] for r in listed["asked"]} == {first.pk, p.pk}
    assert (
        _post(lead, f"/requests/{first.pk}/decision", {"decision": "place"}).json()["state"]
        == "place"
    )
    full = _post(lead, f"/requests/{p.pk}/decision", {"decision": "place"})
    assert full.status_code == 400 and "is full" in full.json()["detail"]
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED
    waiting = _post(lead, f"/requests/{p.pk}/decision", {"decision": "approve"}).json()
    assert (waiting["state"], waiting["waiting_place"]) == ("waiting", 1)
    no_reason = _post(lead, f"/requests/{p.pk}/decision", {"decision": "not_now"})
    assert no_reason.status_code == 400 and "note" in no_reason.json()["errors"]
    wrong = _post(
        lead, f"/requests/{p.pk}/decision", {"decision": "alternative", "alternative": 999999}
    )
    assert wrong.status_code == 400 and "alternative" in wrong.json()["errors"]


def test_an_offer_then_a_carers_consent(w, client_for):
    teacher = client_for(w.user("teacher@own"))
    offered = _post(teacher, f"/pupils/{w.records['own'].pk}/offers", {"opportunity": w.trip.pk})
    assert offered.status_code == 201 and offered.json()["state"] == "offered"
    pupil = client_for(w.user("pupil@own"))
    accepted = _post(
        pupil, f"/me/participations/{offered.json()['id']}/answer", {"choice": "accept"}
    )
    assert accepted.json()["words"] == "Waiting for your grown-up to say yes"
    carer = client_for(w.user("carer@own"))
    given = _post(carer, f"/participations/{offered.json()['id']}/consent", {"choice": "yes"})
    assert given.status_code == 200 and given.json()["consent"] == "given"
    assert (
        _post(
            teacher, f"/participations/{offered.json()['id']}/consent", {"choice": "yes"}
        ).status_code
        == 403
    )
    again = _post(teacher, f"/pupils/{w.records['own'].pk}/offers", {"opportunity": w.trip.pk})
    assert again.status_code == 400 and "opportunity" in again.json()["errors"]


def test_consent_refused_gives_the_place_to_the_next_waiting(w, client_for):
    lead = w.user("leading_teacher@own")
    trip = opportunity(w.schools["own"], "Residential", needs_consent=True, capacity=1)
    mine = places.grant(lead, requested(w.records["own"], trip))
    next_one = places.grant(lead, requested(w.records["2@own"], trip))
    assert next_one.state == State.WAITING
    carer = client_for(w.user("carer@own"))
    refused = _post(carer, f"/participations/{mine.pk}/consent", {"choice": "no"}).json()
    assert (refused["state"], refused["consent"]) == ("withdrawn", "refused")
    assert Participation.objects.get(pk=next_one.pk).state == State.PLACE
