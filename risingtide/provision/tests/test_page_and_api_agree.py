"""The catalogue page and the API list the same services in the same order for the same search
and filters (``queries.wanted_by`` and ``queries.catalogue``); a school's bookings page and the
API list the same bookings (``queries.school_bookings``); the report page and API read the
same report (``reports.report``)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.provision import bookings
from risingtide.provision.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(market):
    w = market
    for n, (title, summary) in enumerate(
        [
            ("Poetry summer school", "Poems with authors"),
            ("Number games", "Puzzles and poems"),
            ("Science fair", "Experiments"),
        ]
    ):
        Service.objects.create(
            provider=w.providers["own" if n % 2 else "other"],
            title=title,
            summary=summary,
            kind=Service.Kind.MENTORING,
            audience=Service.Audience.PUPILS,
            format=Service.Format.ONLINE,
            price=10 + n,
            status=Service.Status.DRAFT if n == 2 else Service.Status.PUBLISHED,
        )
    return w


@pytest.mark.parametrize("who", ["teacher@own", "national_officer@nation", "provider_staff@own"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "poems"},
        {"q": "number"},
        {"kind": "mentoring"},
        {"price_up_to": 11},
        {"status": "draft"},
        {"year": 8},
        {"q": "provider"},
    ],
)
def test_catalogue_page_and_api_agree(shelf, client, who, query):
    client.force_login(shelf.user(who))
    page = client.get(reverse("provision:catalogue"), query).context["page"]
    api = client.get("/api/v1/provision/services", query).json()
    assert [s["id"] for s in api["results"]] == [s.pk for s in page]
    assert api["count"] == page.paginator.count


def test_school_bookings_page_and_api_agree(market, client):
    w = market
    lead = w.user("leading_teacher@own")
    bookings.book(lead, w.session, w.schools["own"], pupil_ids=[w.records["own2"].pk], key="a")
    second = bookings.book(
        lead, w.session, w.schools["own"], pupil_ids=[w.records["2@own"].pk], key="b"
    )
    bookings.cancel(lead, second)
    client.force_login(lead)
    page = client.get(reverse("provision:school_bookings", args=[w.schools["own"].pk]))
    api = client.get(f"/api/v1/provision/schools/{w.schools['own'].pk}/bookings").json()
    assert [(b["id"], b["status"]) for b in api] == [
        (b.pk, b.status) for b in page.context["bookings"]
    ]
    assert len(api) == 2


@pytest.mark.parametrize("by", ["la", "school", "provider", "kind"])
def test_report_page_and_api_agree(market, client, by):
    w = market
    lead = w.user("leading_teacher@own")
    bookings.book(lead, w.session, w.schools["own"], pupil_ids=[w.records["own2"].pk], key="a")
    today = timezone.localdate()
    query = {"period": "custom", "start": today, "end": today + timedelta(days=60), "by": by}
    client.force_login(w.user("national_officer@nation"))
    page = client.get(reverse("provision:report_nation", args=[w.nation.pk]), query)
    report = page.context["report"]
    api = client.get(f"/api/v1/provision/reports/nations/{w.nation.pk}", query).json()
    assert [(r["label"], r["spent"], r["places"]) for r in api["spend"]] == [
        (r.label, r.spent, r.places) for r in report.spend.rows
    ]
    assert [(r["name"], r["unspent"]) for r in api["unspent"]] == [
        (r.name, r.unspent) for r in report.unspent.rows
    ]
