"""The provision map in the API: the same lines as the page for the same filters (and the same
default year), an unknown filter value refused, and adding, changing and withdrawing an
opportunity with each refusal a 400 naming its field, under the pages' capabilities."""

import pytest
from django.urls import reverse

from risingtide.opportunities.models import Opportunity
from risingtide.opportunities.tests.map_world import YEAR, add, book_service
from risingtide.provision.models import Service

pytestmark = pytest.mark.django_db

BODY = {
    "title": "Young engineers",
    "kind": "club",
    "wave": 2,
    "components": ["beyond", "curriculum"],
    "domain": "gifted",
    "subjects": ["design_technology"],
    "year_from": 7,
    "year_to": 9,
    "academic_year": YEAR,
    "term": "year",
    "capacity": 20,
    "cost_pounds": "0",
}


@pytest.fixture
def mapped(world):
    add(world)
    add(
        world,
        title="Chess club",
        wave=1,
        year_from=7,
        year_to=11,
        components=["teaching"],
        term="year",
        subjects=[],
    )
    add(
        world,
        title="Early entry GCSE",
        kind="early_entry",
        wave=3,
        year_from=10,
        year_to=10,
        components=["curriculum"],
        term="summer",
        subjects=[],
    )
    add(world, title="Art week", domain="talented", subjects=["art"], term="spring")
    withdrawn = add(world, title="Withdrawn trip", kind="trip")
    Opportunity.objects.filter(pk=withdrawn.pk).update(withdrawn_at="2026-11-01T10:00:00Z")
    add(world, title="Last year's trip", academic_year=YEAR - 1)
    book_service(world, title="Physics masterclass")
    book_service(world, title="Mentoring", kind=Service.Kind.MENTORING)
    return world


@pytest.mark.parametrize("who", ["teacher@own", "leading_teacher@own"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"academic_year": YEAR - 1},
        {"wave": 3},
        {"component": "beyond"},
        {"domain": "talented"},
        {"term": "year"},
        {"kind": "club"},
        {"year": 10},
        {"source": "marketplace"},
        {"source": "school", "withdrawn": "true"},
    ],
)
def test_page_and_api_list_the_same_lines(mapped, client_for, who, query):
    client = client_for(mapped.user(who))
    school = mapped.schools["own"].pk
    page = client.get(reverse("opportunities:map", args=[school]), query).context["entries"]
    api = client.get(f"/api/v1/provision-map/schools/{school}", query)
    assert api.status_code == 200
    assert [line["key"] for line in api.json()] == [e.key for e in page]
    assert page  # every filter here keeps some lines


def test_the_default_is_this_year_without_withdrawn(mapped, client_for):
    client = client_for(mapped.user("teacher@own"))
    lines = client.get(f"/api/v1/provision-map/schools/{mapped.schools['own'].pk}").json()
    titles = [line["title"] for line in lines]
    assert "Last year's trip" not in titles and "Withdrawn trip" not in titles
    assert {"Maths circle", "Physics masterclass", "Mentoring"} <= set(titles)
    market = next(line for line in lines if line["title"] == "Mentoring")
    assert (market["source"], market["provider"], market["wave"]) == (
        "marketplace",
        "own provider",
        3,
    )


def test_an_unknown_filter_value_is_refused(mapped, client_for):
    client = client_for(mapped.user("teacher@own"))
    url = f"/api/v1/provision-map/schools/{mapped.schools['own'].pk}"
    for query in ({"wave": 4}, {"term": "winter"}, {"year": 14}, {"source": "mine"}):
        assert client.get(url, query).status_code == 422


@pytest.mark.parametrize("who", ["pupil@own", "carer@own", "la_lead@own", "head@other"])
def test_nobody_outside_the_school_staff_lists_the_map(mapped, client_for, who):
    url = f"/api/v1/provision-map/schools/{mapped.schools['own'].pk}"
    assert client_for(mapped.user(who)).get(url).status_code == 404


def test_a_coordinator_adds_changes_and_withdraws(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    url = f"/api/v1/provision-map/schools/{world.schools['own'].pk}/opportunities"
    made = client.post(url, BODY, content_type="application/json")
    assert made.status_code == 201, made.json()
    line = made.json()["line"]
    assert (line["title"], line["components"], line["term"]) == (
        "Young engineers",
        ["curriculum", "beyond"],
        "year",
    )
    one = f"/api/v1/provision-map/opportunities/{line['id']}"
    changed = client.put(one, {**BODY, "capacity": None}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["line"]["capacity"] is None
    assert client.get(one).json()["places"] == []
    gone = client.post(f"{one}/withdraw")
    assert gone.status_code == 200 and gone.json()["line"]["withdrawn"] is True
    again = client.post(f"{one}/withdraw")
    assert again.status_code == 400 and "already withdrawn" in again.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year_from": 9, "year_to": 7}, "year_to"),
        ({"components": []}, "components"),
        ({"cost_pounds": "-3"}, "cost_pounds"),
        ({"starts_on": f"{YEAR + 1}-09-02"}, "starts_on"),
        ({"subjects": ["music"]}, "subjects"),
    ],
)
def test_a_refusal_is_a_400_naming_its_field(world, client_for, changes, field):
    client = client_for(world.user("leading_teacher@own"))
    url = f"/api/v1/provision-map/schools/{world.schools['own'].pk}/opportunities"
    response = client.post(url, {**BODY, **changes}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Opportunity.objects.exists()


def test_a_staff_lead_of_another_school_is_a_400(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    url = f"/api/v1/provision-map/schools/{world.schools['own'].pk}/opportunities"
    body = {**BODY, "staff_lead": world.user("teacher@other").pk}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["staff_lead"] == [
        "The staff lead must be a member of staff at Own School."
    ]


def test_a_teacher_may_not_add_change_or_withdraw(world, client_for):
    made = add(world)
    client = client_for(world.user("teacher@own"))
    url = f"/api/v1/provision-map/schools/{world.schools['own'].pk}/opportunities"
    assert client.post(url, BODY, content_type="application/json").status_code == 403
    one = f"/api/v1/provision-map/opportunities/{made.pk}"
    assert client.put(one, BODY, content_type="application/json").status_code == 403
    assert client.post(f"{one}/withdraw").status_code == 403
    assert client.get(one).status_code == 200
    assert client_for(world.user("pupil@own")).get(one).status_code == 403
    assert client_for(world.user("head@other")).get(one).status_code == 404
