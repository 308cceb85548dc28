"""The marketplace in the API: the catalogue searched and filtered, a service with sessions, a
school's bookings, booking with an Idempotency-Key (once per key, every refusal in the one
shape), cancelling; and the spend and uptake reports, scoped and suppressed as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from risingtide.insights import rollup
from risingtide.provision.models import Booking, Service
from risingtide.register.models import academic_year

pytestmark = pytest.mark.django_db
BOOK = "/api/v1/provision/schools/{}/sessions/{}/bookings"


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


def _book(client, w, pupils, key="key-1", session=None):
    headers = {"Idempotency-Key": key} if key else {}
    url = BOOK.format(w.schools["own"].pk, (session or w.session).pk)
    return client.post(url, {"pupils": pupils}, content_type="application/json", headers=headers)


def test_catalogue_search_filters_and_pages(market, client):
    w = market
    Service.objects.create(
        provider=w.providers["other"],
        title="Poetry summer school",
        kind=Service.Kind.SUMMER_SCHOOL,
        audience=Service.Audience.PUPILS,
        format=Service.Format.RESIDENTIAL,
        venue="Leeds",
        summary="Write poetry in Leeds.",
        price=500,
        status=Service.Status.PUBLISHED,
    )
    client = _as(client, w, "teacher@own")
    everything = client.get("/api/v1/provision/services").json()
    assert everything["count"] == 2 and everything["pages"] == 1
    found = client.get("/api/v1/provision/services", {"q": "poetry leeds"}).json()
    assert [s["title"] for s in found["results"]] == ["Poetry summer school"]
    assert found["results"][0]["provider"] == "other provider"
    cheap = client.get("/api/v1/provision/services", {"price_up_to": 200}).json()
    assert [s["title"] for s in cheap["results"]] == ["Number theory masterclass"]
    bad = client.get("/api/v1/provision/services", {"kind": "juggling"})
    assert bad.status_code in (400, 422) and "detail" in bad.json()
    # A teacher asking for drafts still sees published services only.
    drafts = client.get("/api/v1/provision/services", {"status": "draft"}).json()
    assert drafts["count"] == 2


def test_service_detail_with_sessions(market, client):
    w = market
    answer = _as(client, w, "head@own").get(f"/api/v1/provision/services/{w.service.pk}").json()
    assert answer["title"] == "Number theory masterclass" and answer["years"]
    assert [s["places_left"] for s in answer["sessions"]] == [3]
    draft = Service.objects.create(
        provider=w.providers["own"],
        title="Draft",
        kind=Service.Kind.MENTORING,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=1,
    )
    assert client.get(f"/api/v1/provision/services/{draft.pk}").status_code == 404


def test_booking_once_per_key_then_listing_and_cancelling(market, client):
    w = market
    client = _as(client, w, "leading_teacher@own")
    pupils = [w.records["own2"].pk, w.records["2@own"].pk]
    first = _book(client, w, pupils)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "booked" and len(body["places"]) == 2 and body["price_each"] == 100
    again = _book(client, w, pupils)
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert Booking.objects.count() == 1
    listed = client.get(f"/api/v1/provision/schools/{w.schools['own'].pk}/bookings").json()
    assert [b["id"] for b in listed] == [body["id"]]
    cancelled = client.post(f"/api/v1/provision/bookings/{body['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    twice = client.post(f"/api/v1/provision/bookings/{body['id']}/cancel")
    assert twice.status_code == 400 and "cancelled" in twice.json()["detail"]


def test_booking_refusals_in_one_shape(market, client):
    w = market
    client = _as(client, w, "leading_teacher@own")
    no_key = _book(client, w, [w.records["own2"].pk], key=None)
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["errors"]
    not_on_register = _book(client, w, [w.records["own"].pk], key="k2")
    assert not_on_register.status_code == 400
    assert set(not_on_register.json()) == {"detail", "errors"}
    nobody = _book(client, w, [], key="k3")
    assert nobody.status_code == 400 and "Choose at least one" in nobody.json()["detail"]
    missing = client.post(
        BOOK.format(w.schools["own"].pk, 999999),
        {"pupils": [1]},
        content_type="application/json",
        headers={"Idempotency-Key": "k4"},
    )
    assert missing.status_code == 404 and set(missing.json()) >= {"detail"}
    assert Booking.objects.count() == 0
    other = _as(client, w, "teacher@own")
    assert _book(other, w, [w.records["own2"].pk], key="k5").status_code == 403


def test_report_api_is_scoped_and_suppressed(market, client):
    w = market
    _book(_as(client, w, "leading_teacher@own"), w, [w.records["own2"].pk])
    rollup.school_data_changed([s.pk for s in w.schools.values()])
    rollup.rebuild_masks([academic_year()])
    today = timezone.localdate()
    period = {"period": "custom", "start": today, "end": today + timedelta(days=60)}
    la = _as(client, w, "la_lead@own").get(
        f"/api/v1/provision/reports/las/{w.las['own'].pk}", period
    )
    answer = la.json()
    assert la.status_code == 200 and not answer["exact"]
    assert answer["total"]["spent"] == 100 and answer["spend"][0]["label"] == str(w.schools["own"])
    fsm = next(g for g in answer["groups"] if g["dimension"] == "fsm")
    assert all(r["places"]["shown"] == "c" and r["places"]["value"] is None for r in fsm["rows"])
    assert client.get(f"/api/v1/provision/reports/las/{w.las['other'].pk}").status_code == 404
    assert client.get(f"/api/v1/provision/reports/nations/{w.nation.pk}").status_code == 404
    bad = client.get(
        f"/api/v1/provision/reports/las/{w.las['own'].pk}", {"period": "term:2026:winter"}
    )
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    school = _as(client, w, "head@own").get(
        f"/api/v1/provision/reports/schools/{w.schools['own'].pk}", period
    )
    assert school.json()["exact"] is True
