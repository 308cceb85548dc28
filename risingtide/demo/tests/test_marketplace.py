"""The demo's marketplace has something on every page its people open: a funding round, services
of every kind with one waiting for approval, the coordinator's bookings, a full session with a
waiting list, a delivered session paid and redeemed; and its ledger adds up."""

import pytest
from django.test import Client
from django.urls import reverse

from risingtide.credits import queries
from risingtide.credits.models import Redemption, Transaction
from risingtide.people.models import User
from risingtide.provision import contracts, opportunities
from risingtide.provision.models import (
    Booking,
    Place,
    Rating,
    Service,
    ShownToPupils,
    WaitingEntry,
)
from risingtide.schools.models import Provider, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo):
    return shared_demo  # loaded once per run (conftest.py)


def test_the_demo_marketplace_has_every_kind_and_every_state(demo):
    assert set(Service.objects.values_list("kind", flat=True)) == set(Service.Kind.values)
    assert Service.objects.filter(status=Service.Status.SUBMITTED).count() == 1
    academy = School.objects.get(name="Riverton Academy")
    booked = Booking.objects.filter(school=academy)
    assert booked.filter(status=Booking.Status.BOOKED).count() == 1
    delivered = booked.get(status=Booking.Status.DELIVERED)
    assert list(delivered.places.order_by("pk").values_list("attended", flat=True)) == [
        True,
        False,
    ]
    assert WaitingEntry.objects.get(school=academy).status == WaitingEntry.Status.WAITING
    full = WaitingEntry.objects.get(school=academy).session
    assert full.places_left == 0
    assert Place.objects.filter(session=full, active=True).exclude(pupil__school=academy).count()
    # One provider contracted, one listed; the contract on the renewal list; a rating given.
    standing = dict(
        contracts.with_standing(Provider.objects.all()).values_list("name", "contracted")
    )
    assert sorted(standing.values()) == [False, True]
    national = User.objects.get(username="national")
    assert [c.reference for c in contracts.renewals(national, 90)] == ["RT-2025-014"]
    assert Rating.objects.count() == 1
    kinds = set(Transaction.objects.values_list("kind", flat=True))
    assert {"funding", "allocation", "redemption"} <= kinds
    # One request approved, the rest of what the provider earned waiting for a decision.
    assert sorted(Redemption.objects.values_list("status", flat=True)) == ["approved", "requested"]
    assert queries.problems() == []


# One demo load for all the pages (loading it is most of this file's time).
PAGES = [
    ("coordinator", "provision:catalogue", None, "", "Engineering challenge day"),
    ("provider", "provision:catalogue", None, "", "Number theory masterclass"),
    ("national", "provision:catalogue", None, "?status=submitted", "Debating for the more able"),
    # The Academy's bookings, and the challenge day it waits for.
    ("coordinator", "provision:school_bookings", "academy", "", "Number theory masterclass"),
    ("coordinator", "provision:school_bookings", "academy", "", "Engineering challenge day"),
    # The contract manager's queue holds the provider's second request.
    ("national", "credits:redemption_queue", "nation", "", "Stretch &amp; Challenge"),
    ("national", "provision:renewals", None, "", "Stretch &amp; Challenge"),
]


def test_the_marketplace_pages_have_something_in_them(demo):
    owners = {"academy": School.objects.get(name="Riverton Academy"), "nation": demo}
    for username, url, owner, query, expected in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        args = [owners[owner].pk] if owner else []
        page = client.get(reverse(url, args=args) + query, secure=True)
        assert page.status_code == 200, (username, url)
        assert expected in page.content.decode(), (username, url, expected)


def test_the_academy_shows_its_pupils_two_services_and_maya_sees_hers(demo):
    academy = School.objects.get(name="Riverton Academy")
    shown = ShownToPupils.objects.filter(school=academy).select_related("service")
    assert {s.service.title for s in shown} == {
        "Number theory masterclass",
        "Codes and ciphers: an online course",
    }
    assert all(s.note.startswith("Ask ") for s in shown)
    maya = User.objects.get(username="pupil")
    year = opportunities.year_of_pupil(maya, academy)
    client = Client()
    client.force_login(maya)
    page = client.get(reverse("provision:opportunities", args=[academy.pk]), secure=True)
    text = page.content.decode()
    for s in shown:
        fits = s.service.year_from <= year <= s.service.year_to
        assert (s.service.title in text) == fits, (s.service.title, year)
    assert any(s.service.title in text for s in shown), f"Maya (Year {year}) sees none"
