"""The register page and the API read the same lists (``register.lists``): for every filter
both offer, they list the same pupils — including with no filter at all, where they once had
different defaults."""

import pytest
from django.urls import reverse

from risingtide.api.tests.clients import as_user
from risingtide.register.models import Pupil
from risingtide.register.services import add_evidence, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    lead = world.user("leading_teacher@own")
    add_evidence(lead, world.records["2@own"], kind="test_score", summary="CAT 135")
    decide(lead, world.records["own"], status="identified", domains=["maths", "music"])
    decide(lead, world.records["2@own"], status="identified", domains=["english"], top_5=True)
    decide(lead, world.records["own2"], status="not_identified", reason="Not this year")
    Pupil.objects.filter(pk=world.records["own2"].pk).update(on_roll=False, nc_year="8")
    return lead


def _page_rows(client, url, query, marker: str) -> set[int]:
    """The pupil ids a page links to (each row links to the pupil's record)."""
    html = client.get(f"{url}?{query}").content.decode()
    return {int(part.split("/")[0]) for part in html.split(marker)[1:]}


# (page query, API query) pairs that mean the same filter.
REGISTER_FILTERS = [
    ("", ""),
    ("status=all", "status=all"),
    ("status=not_identified", "status=not_identified"),
    ("status=identified", "status=identified"),
    ("kind=gifted", "gifted=true"),
    ("kind=talented", "talented=true"),
    ("kind=top_5", "top_5=true"),
    ("domain=music", "domain=music"),
    ("status=all&domain=maths", "status=all&domain=maths"),
]


@pytest.mark.parametrize("page_query, api_query", REGISTER_FILTERS)
def test_the_register_page_and_api_list_the_same_pupils(
    register, world, client_for, page_query, api_query
):
    client = client_for(register)
    school = world.schools["own"].pk
    marker = 'href="/register/pupils/'
    page = _page_rows(client, reverse("register:register", args=[school]), page_query, marker)
    api = client.get(f"/api/v1/schools/{school}/register?{api_query}").json()
    assert page == {row["pupil"]["id"] for row in api["items"]}
    assert page  # every filter here matches someone, so agreement is not two empty lists
    if not page_query:
        assert world.records["own2"].pk not in page  # decided not identified: off the list


PUPIL_FILTERS = [
    "",
    "on_roll=false",
    "on_roll=all",
    "on_roll=all&nc_year=8",
    "status=identified",
    "q=ben",
]


@pytest.mark.parametrize("query", PUPIL_FILTERS)
def test_the_pupil_page_and_api_list_the_same_pupils(register, world, client_for, query):
    client = client_for(register)
    school = world.schools["own"].pk
    page = _page_rows(
        client, reverse("register:register_pupils", args=[school]), query, 'href="/register/pupils/'
    )
    api = client.get(f"/api/v1/schools/{school}/pupils?{query}").json()
    assert page == {row["id"] for row in api["items"]}
    assert page


@pytest.mark.parametrize("who, how", [("leading_teacher@own", "token"), ("head@own", "session")])
def test_the_import_page_and_api_list_the_same_row_errors(world, client_for, who, how):
    """Every row error the batch kept, on both: the API once gave only the first hundred."""
    batch = world.imports["own"]
    errors = [
        {"row": n, "upn": f"X{n}", "field": "upn", "reason": "Not a UPN."} for n in range(2, 152)
    ]
    batch.summary = {"error_count": len(errors), "errors": errors}
    batch.save(update_fields=["summary"])
    browser = client_for(world.user(who))
    page = browser.get(reverse("register:register_import", args=[batch.pk]))
    assert page.status_code == 200
    shown = [e["row"] for e in page.context["summary"]["errors"]]
    assert page.content.decode().count("<td><code>X") == len(shown)
    api = as_user(world.user(who)) if how == "token" else browser
    answer = api.get(f"/api/v1/imports/{batch.pk}", secure=True).json()
    assert [e["row"] for e in answer["errors"]] == shown
    assert len(shown) == 150
