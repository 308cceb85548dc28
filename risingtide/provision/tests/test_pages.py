"""The marketplace's pages through the test client: the catalogue and its query budget, a
provider's draft through review, booking with eligibility shown before submitting and every
refusal on the form, cancelling with the refund said first, the waiting list, and the
provider's names-only view of its bookings and attendance."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risingtide.credits import services as credits
from risingtide.lib.testing import without_tokens
from risingtide.provision import bookings
from risingtide.provision.models import Booking, Service, Session, WaitingEntry

pytestmark = pytest.mark.django_db


def signed_in(client, world, key):
    client.force_login(world.user(key))
    return client


def book_url(w, session=None, school="own"):
    return reverse("provision:book", args=[w.schools[school].pk, (session or w.session).pk])


def make_service(w, n, **extra):
    fields = dict(
        provider=w.providers["own"],
        title=f"Service {n}",
        kind=Service.Kind.MENTORING,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=10 + n,
        status=Service.Status.PUBLISHED,
    )
    return Service.objects.create(**{**fields, **extra})


# --- the catalogue -----------------------------------------------------------------------


def test_catalogue_filters_and_searches_published_services(market, client):
    w = market
    make_service(w, 1, title="Poetry summer school", kind=Service.Kind.SUMMER_SCHOOL, price=500)
    make_service(w, 2, title="Hidden draft", status=Service.Status.DRAFT)
    signed_in(client, w, "teacher@own")
    page = client.get(reverse("provision:catalogue")).content.decode()
    assert "Number theory masterclass" in page and "Poetry summer school" in page
    assert "Hidden draft" not in page
    found = client.get(reverse("provision:catalogue"), {"q": "poetry"}).content.decode()
    assert "Poetry summer school" in found and "Number theory" not in found
    cheap = client.get(reverse("provision:catalogue"), {"price_up_to": 200}).content.decode()
    assert "Number theory" in cheap and "Poetry" not in cheap
    years = client.get(reverse("provision:catalogue"), {"year": 11}).content.decode()
    assert "Number theory" not in years  # Years 7 to 9
    kind = client.get(reverse("provision:catalogue"), {"kind": "masterclass"}).content.decode()
    assert "Number theory" in kind and "Poetry" not in kind
    # A teacher cannot see drafts by asking for them.
    drafts = client.get(reverse("provision:catalogue"), {"status": "draft"}).content.decode()
    assert "Hidden draft" not in drafts


def test_catalogue_query_count_does_not_grow_with_services(market, client):
    w = market
    signed_in(client, w, "teacher@own")
    client.get(reverse("provision:catalogue"))  # warm the session and anchors

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("provision:catalogue")).status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        make_service(w, n)
    assert count() == few


def test_service_page_shows_sessions_places_price_and_consent(market, client):
    w = market
    Service.objects.filter(pk=w.service.pk).update(consent_needed=True)
    signed_in(client, w, "leading_teacher@own")
    page = client.get(reverse("provision:service", args=[w.service.pk])).content.decode()
    assert "100 e-credits a place" in page and "Parental consent needed" in page
    assert "Only pupils on the G&amp;T register this year" in page
    assert book_url(w) in page


def test_a_draft_is_not_found_by_school_staff(market, client):
    draft = make_service(market, 1, status=Service.Status.DRAFT)
    signed_in(client, market, "teacher@own")
    assert client.get(reverse("provision:service", args=[draft.pk])).status_code == 404


# --- offering and review -----------------------------------------------------------------


def service_post(**extra):
    # A wall-clock time the form reads in the school's zone: 10:00, which every day has (a
    # time taken from UTC could fall in the hour a clock change skips or repeats).
    start = (timezone.localtime() + timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    data = {
        "title": "Robotics workshop",
        "summary": "Build and program a robot.",
        "kind": "masterclass",
        "audience": "pupils",
        "year_from": 7,
        "year_to": 9,
        "format": "in_person",
        "venue": "Science Park",
        "price": 50,
        "register_only": "on",
        "fsm_priority_places": 0,
        "full_refund_days": 14,
        "late_refund_percent": 0,
        "session-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "session-ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "session-capacity": 10,
    }
    return {**data, **extra}


def test_provider_drafts_submits_and_the_contract_manager_approves(market, client_for):
    w = market
    provider = client_for(w.user("provider_staff@own"))
    new = reverse("provision:service_new", args=[w.providers["own"].pk])
    assert provider.get(new).status_code == 200
    response = provider.post(new, service_post())
    service = Service.objects.get(title="Robotics workshop")
    assert response.status_code == 302 and service.status == "draft"
    assert service.sessions.get().capacity == 10
    provider.post(reverse("provision:service_submit", args=[service.pk]))
    service.refresh_from_db()
    assert service.status == "submitted"
    officer = client_for(w.user("national_officer@nation"))
    queue = officer.get(reverse("provision:catalogue"), {"status": "submitted"}).content.decode()
    assert "Robotics workshop" in queue
    review = reverse("provision:service_review", args=[service.pk])
    refused = officer.post(review, {"decision": "changes", "note": ""})
    assert refused.status_code == 400 and "Say what needs to change." in refused.content.decode()
    officer.post(review, {"decision": "approve"})
    service.refresh_from_db()
    assert service.status == "published"


def test_a_change_to_a_published_service_goes_back_for_approval_and_keeps_bookings(market, client):
    w = market
    booking = bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="k",
    )
    signed_in(client, w, "provider_staff@own")
    edit = reverse("provision:service_edit", args=[w.service.pk])
    data = service_post(title="Number theory masterclass", price=300, venue="Hall")
    assert client.post(edit, data).status_code == 302
    w.service.refresh_from_db()
    assert w.service.status == "submitted" and w.service.price == 300
    booking.refresh_from_db()
    assert booking.price_each == 100


def test_provider_cannot_edit_another_providers_service(market, client):
    other = make_service(market, 1, provider=market.providers["other"])
    signed_in(client, market, "provider_staff@own")
    assert client.get(reverse("provision:service_edit", args=[other.pk])).status_code == 404


# --- booking -----------------------------------------------------------------------------


def test_booking_page_shows_each_pupils_eligibility_before_submitting(market, client):
    w = market
    signed_in(client, w, "leading_teacher@own")
    page = client.get(book_url(w)).content.decode()
    assert "Not eligible: Ada is not on the G&amp;T register this year." in page
    assert f'value="{w.records["own2"].pk}" id="pupil-{w.records["own2"].pk}">' in page
    assert "1000 e-credits" in page


def test_booking_two_pupils_says_what_was_spent_and_what_is_left(market, client):
    w = market
    signed_in(client, w, "leading_teacher@own")
    data = {"pupils": [w.records["own2"].pk, w.records["2@own"].pk], "key": "a" * 32}
    response = client.post(book_url(w), data, follow=True)
    page = response.content.decode()
    assert "Booked 2 places for 200 e-credits." in page
    assert "has 800 e-credits left" in page
    # The same form again books once.
    client.post(book_url(w), data)
    assert Booking.objects.count() == 1


def test_an_ineligible_pupil_is_refused_on_the_form(market, client):
    w = market
    signed_in(client, w, "leading_teacher@own")
    response = client.post(book_url(w), {"pupils": [w.records["own"].pk], "key": "b" * 32})
    assert response.status_code == 400
    assert "is not on the G&amp;T register this year" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_pupil_of_another_school_is_refused(market, client):
    w = market
    signed_in(client, w, "leading_teacher@own")
    response = client.post(book_url(w), {"pupils": [w.records["other"].pk], "key": "c" * 32})
    assert response.status_code == 400 and not Booking.objects.exists()


def test_a_stale_page_after_capacity_changed_is_refused(market, client):
    w = market
    signed_in(client, w, "leading_teacher@own")
    assert client.get(book_url(w)).status_code == 200  # shows 3 places left
    Session.objects.filter(pk=w.session.pk).update(capacity=1)
    data = {"pupils": [w.records["own2"].pk, w.records["2@own"].pk], "key": "d" * 32}
    response = client.post(book_url(w), data)
    assert response.status_code == 400
    assert "Only 1 place left at this session" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_full_session_offers_the_waiting_list_and_then_the_offer(market, client):
    w = market
    Session.objects.filter(pk=w.session.pk).update(places_taken=3, general_taken=3)
    signed_in(client, w, "leading_teacher@own")
    page = client.get(book_url(w)).content.decode()
    assert "Join the waiting list" in page
    posted = client.post(book_url(w), {"pupils": [w.records["own2"].pk], "key": "e" * 32})
    assert posted.status_code == 400 and "This session is full" in posted.content.decode()
    join = reverse("provision:join_waiting", args=[w.schools["own"].pk, w.session.pk])
    client.post(join, {"places": 1})
    entry = WaitingEntry.objects.get()
    Session.objects.filter(pk=w.session.pk).update(places_taken=2, general_taken=2)
    bookings.offer_next(w.session, timezone.now())
    bookings_page = reverse("provision:school_bookings", args=[w.schools["own"].pk])
    listing = client.get(bookings_page).content.decode()
    assert f"?offer={entry.pk}" in listing
    response = client.post(
        book_url(w), {"pupils": [w.records["own2"].pk], "key": "f" * 32, "offer": entry.pk}
    )
    assert response.status_code == 302
    assert WaitingEntry.objects.get().status == "taken"


def test_cancel_says_the_refund_before_confirming(market, client):
    w = market
    booking = bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="k",
    )
    signed_in(client, w, "leading_teacher@own")
    url = reverse("provision:booking_cancel", args=[booking.pk])
    assert "gives back <strong>100 e-credits</strong>" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 400  # not confirmed: nothing happens
    assert Booking.objects.get().status == "booked"
    client.post(url, {"confirm": "on"})
    assert Booking.objects.get().status == "cancelled"
    assert credits.account_of(w.schools["own"]).balance == 1_000


def test_a_teacher_cannot_book(market, client):
    signed_in(client, market, "teacher@own")
    assert client.get(book_url(market)).status_code == 403


# --- the provider's side -----------------------------------------------------------------


def booked(w):
    return bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk, w.records["2@own"].pk],
        key="k",
    )


def test_provider_sees_names_never_characteristics(market, client):
    w = market
    booking = booked(w)
    past = timezone.now() - timedelta(hours=1)  # so the attendance form and its names show
    Session.objects.filter(pk=w.session.pk).update(starts_at=past, ends_at=past)
    signed_in(client, w, "provider_staff@own")
    pages = [
        client.get(reverse("provision:provider", args=[w.providers["own"].pk])),
        client.get(reverse("provision:booking", args=[booking.pk])),
        client.get(reverse("provision:attendance", args=[booking.pk])),
    ]
    record = w.records["own2"]
    for response in pages:
        page = without_tokens(response.content.decode())
        assert response.status_code == 200
        for secret in (record.upn, "WBRI", "White", "ENG", "2014"):
            assert secret not in page
    assert str(record) in pages[1].content.decode()
    assert str(record) in pages[2].content.decode()  # the form names who may have attended


def test_attendance_is_offered_once_the_session_has_begun(market, client):
    w = market
    booking = booked(w)
    signed_in(client, w, "provider_staff@own")
    url = reverse("provision:attendance", args=[booking.pk])
    provider_page = reverse("provision:provider", args=[w.providers["own"].pk])
    booking_page = reverse("provision:booking", args=[booking.pk])
    # Before: no link to a form that would only refuse; each page says when it opens.
    assert url not in client.get(provider_page).content.decode()
    before = client.get(booking_page).content.decode()
    assert url not in before and "once the session begins, on" in before
    early = client.get(url).content.decode()
    assert "You can record who attended once it has begun." in early
    assert 'name="attended"' not in early
    # Once it has begun, every page offers it.
    past = timezone.now() - timedelta(minutes=5)
    Session.objects.filter(pk=w.session.pk).update(starts_at=past, ends_at=past)
    assert url in client.get(provider_page).content.decode()
    assert url in client.get(booking_page).content.decode()
    assert 'name="attended"' in client.get(url).content.decode()


def test_another_providers_booking_is_not_found(market, client):
    booking = booked(market)
    signed_in(client, market, "provider_staff@own")
    Service.objects.filter(pk=market.service.pk).update(provider=market.providers["other"])
    assert client.get(reverse("provision:booking", args=[booking.pk])).status_code == 404
    assert client.get(reverse("provision:attendance", args=[booking.pk])).status_code == 404


def test_provider_records_attendance_and_is_paid(market, client):
    w = market
    booking = booked(w)
    past = timezone.now() - timedelta(hours=1)
    Session.objects.filter(pk=w.session.pk).update(starts_at=past, ends_at=past)
    signed_in(client, w, "provider_staff@own")
    place = booking.places.first()
    url = reverse("provision:attendance", args=[booking.pk])
    assert client.post(url, {"attended": [place.pk]}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "delivered"
    assert credits.account_of(w.providers["own"]).balance == 200


def test_attendance_before_the_session_is_refused_on_the_form(market, client):
    booking = booked(market)
    signed_in(client, market, "provider_staff@own")
    response = client.post(reverse("provision:attendance", args=[booking.pk]), {})
    assert response.status_code == 400
    assert "once the session has begun" in response.content.decode()


def test_school_bookings_and_provider_pages_cost_the_same_for_more_bookings(market, client_for):
    w = market
    lead = client_for(w.user("leading_teacher@own"))
    provider = client_for(w.user("provider_staff@own"))
    pages = [
        (lead, reverse("provision:school_bookings", args=[w.schools["own"].pk])),
        (provider, reverse("provision:provider", args=[w.providers["own"].pk])),
    ]

    def counts():
        found = []
        for client, url in pages:
            client.get(url)  # the first page builds the person's menu, kept after
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="one",
    )
    few = counts()
    bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["2@own"].pk],
        key="two",
    )
    assert counts() == few
