"""The insights pages and the API read the same comparisons (``insights.comparing``): an LA's
schools and the nation's LAs, for every year and dimension both offer and each person who may
read them, are the same rows in the same order with the same published figures."""

import pytest
from django.urls import reverse

from risingtide.api.tests.clients import as_user
from risingtide.insights.tests.test_api import YEAR, build_figures

pytestmark = pytest.mark.django_db

# (page query, API query): the same year and dimension. A year without figures is the latest.
FILTERS = [
    ("", ""),
    ("dimension=fsm", "dimension=fsm"),
    (f"year={YEAR - 1}", f"year={YEAR - 1}"),
    (f"year={YEAR - 1}&dimension=gender", f"year={YEAR - 1}&dimension=gender"),
    ("year=1999", "year=1999"),
]


def _rows(rows) -> list[tuple]:
    return [(r.pk, r.cohort.shown, r.rate.shown) for r in rows]


def _api_rows(rows) -> list[tuple]:
    return [(r["id"], r["pupils"]["shown"], r["rate"]["shown"]) for r in rows]


@pytest.fixture
def figures(world):
    build_figures(world)
    return world


@pytest.mark.parametrize(
    "who, how", [("la_lead@own", "token"), ("national_officer@nation", "session")]
)
@pytest.mark.parametrize("page_query, api_query", FILTERS)
def test_the_la_page_and_api_compare_the_same_schools(
    figures, client_for, who, how, page_query, api_query
):
    la = figures.las["own"].pk
    browser = client_for(figures.user(who))
    page = browser.get(f"{reverse('insights:insights_la', args=[la])}?{page_query}")
    assert page.status_code == 200
    api = as_user(figures.user(who)) if how == "token" else browser
    answer = api.get(f"/api/v1/insights/las/{la}?{api_query}", secure=True)
    assert answer.status_code == 200
    report = page.context["report"]
    assert _api_rows(answer.json()["schools"]) == _rows(report.rows)
    assert answer.json()["year"] == report.year and len(report.rows) == 2


@pytest.mark.parametrize("page_query, api_query", FILTERS)
def test_the_nation_page_and_api_compare_the_same_las(figures, client_for, page_query, api_query):
    nation = figures.nation.pk
    who = figures.user("national_officer@nation")
    page = client_for(who).get(f"{reverse('insights:insights_nation', args=[nation])}?{page_query}")
    assert page.status_code == 200
    answer = as_user(who).get(f"/api/v1/insights/nations/{nation}?{api_query}", secure=True)
    assert answer.status_code == 200
    report = page.context["report"]
    assert _api_rows(answer.json()["local_authorities"]) == _rows(report.rows)
    assert len(report.rows) == 2
