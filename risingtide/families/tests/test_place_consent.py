"""A marketplace place on a service that needs a parent's consent waits for it (issue 19): the
pupil's carer says yes or no on their child's page; the school's booking shows the answer; the
entitlement counts the place only once consent is given. Anyone else's carer finds nothing."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from risingtide.families.models import Shown
from risingtide.opportunities import entitlement
from risingtide.opportunities.tests.test_entitlement_world import identify, market_place
from risingtide.provision import periods
from risingtide.provision.models import Consent, Place
from risingtide.register.models import academic_year


def _booked(world, *, consent_needed=True):
    record = world.records["own"]
    identify(record)
    starts = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    starts += timedelta(days=3)
    booking = market_place(world, record, starts, consent_needed=consent_needed)
    return booking.places.get(pupil=record)


def _term_of(place) -> str:
    day = timezone.localdate(place.session.starts_at)
    return periods.term(academic_year(day), periods.term_of(day)).code


def test_a_place_on_a_service_needing_consent_waits_for_the_carer(world, client_for):
    place = _booked(world)
    assert place.consent == Consent.AWAITING
    carer = client_for(world.user("carer@own"))
    child = world.users["pupil@own"]
    page = carer.get(reverse("families:child", args=[child.pk])).content.decode()
    assert "Masterclass" in page and "Waiting for your answer" in page
    assert Shown.objects.filter(child=child, what="marketplace").exists()

    response = carer.post(
        reverse("families:place_consent", args=[child.pk]), {"place": place.pk, "answer": "give"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#place-{place.pk}")
    place.refresh_from_db()
    assert (place.consent, place.consent_by) == (Consent.GIVEN, world.users["carer@own"])
    # The school's booking page says so.
    booking = client_for(world.user("leading_teacher@own")).get(
        reverse("provision:booking", args=[place.booking_id])
    )
    assert "Consent: given" in booking.content.decode()


def test_the_entitlement_counts_the_place_only_once_consent_is_given(world):
    place = _booked(world)
    code = _term_of(place)
    school, pupil = world.schools["own"], world.records["own"].pk
    assert entitlement.standing(school, code)[pupil].marketplace == 0
    Place.objects.filter(pk=place.pk).update(consent=Consent.GIVEN)
    assert entitlement.standing(school, code)[pupil].marketplace == 1


def test_no_answer_for_a_place_that_needs_none_or_another_childs(world, client_for):
    place = _booked(world, consent_needed=False)
    assert place.consent == Consent.NOT_NEEDED
    carer = client_for(world.user("carer@own"))
    child = world.users["pupil@own"]
    url = reverse("families:place_consent", args=[child.pk])
    carer.post(url, {"place": place.pk, "answer": "give"})
    place.refresh_from_db()
    assert place.consent == Consent.NOT_NEEDED  # refused, said so, nothing changed
    # Another child's page, or another child's place through this child's page: not found.
    other = world.users["pupil2@own"]
    assert (
        carer.post(
            reverse("families:place_consent", args=[other.pk]),
            {"place": place.pk, "answer": "give"},
        ).status_code
        == 404
    )
    Place.objects.filter(pk=place.pk).update(consent=Consent.AWAITING, pupil=world.records["2@own"])
    assert carer.post(url, {"place": place.pk, "answer": "give"}).status_code == 404
    assert Place.objects.get(pk=place.pk).consent == Consent.AWAITING


def test_the_api_lists_the_place_and_takes_the_carers_answer(world, client_for):
    place = _booked(world)
    carer = client_for(world.user("carer@own"))
    child = world.users["pupil@own"]
    summary = carer.get(f"/api/v1/families/children/{child.pk}").json()
    assert [p["place"] for p in summary["places"] if p["can_answer"]] == [place.pk]
    url = f"/api/v1/places/{place.pk}/consent"
    answer = carer.post(url, {"choice": "no"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["consent"] == "refused"
    # Nobody else answers for it: another carer's child's place is not found.
    assert client_for(world.user("leading_teacher@own")).post(
        url, {"choice": "yes"}, content_type="application/json"
    ).status_code in (403, 404)
