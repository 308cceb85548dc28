"""Register insights through the API: the same query functions as the pages, so the same
suppression (a school's own staff see it exactly, everyone else under disclosure control), the
same answers as the pages' CSVs, the LA lead's run of reports within their LA, and a fixed
number of queries however big the census."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.api.tests.clients import as_user, call
from risingtide.insights import comparing, exports, queries, rollup
from risingtide.insights.models import CensusRecord, ReportRun, Summary, prior_band
from risingtide.portfolios.tests.test_query_counts import Queries

pytestmark = pytest.mark.django_db

YEAR = 2025
SMALL = 3  # FSM pupils on the register at "own": below the threshold of 6


def census(school, year, groups, *, upn_prefix="A", **common) -> None:
    """Census records for ``school``: ``groups`` is ``(count, fsm, on_register, prior_x10,
    attainment_x10)`` tuples; every pupil is otherwise alike (``common`` overrides)."""
    start = CensusRecord.objects.count()
    records = []
    for count, fsm, on_register, prior, attainment in groups:
        for _ in range(count):
            n = start + len(records)
            fields = {
                "nc_year": "7",
                "gender": "F",
                "eal": False,
                "sen": "N",
                "ethnic_group": "White",
                "looked_after": False,
                **common,
            }
            records.append(
                CensusRecord(
                    school=school,
                    year=year,
                    upn=f"{upn_prefix}{n:012d}",
                    fsm=fsm,
                    ever_6=fsm,
                    on_register=on_register,
                    gifted=on_register,
                    talented=False,
                    top_5=False,
                    prior_x10=prior,
                    attainment_x10=attainment,
                    band=prior_band(prior) if attainment is not None else None,
                    **fields,
                )
            )
    CensusRecord.objects.bulk_create(records)


def build_figures(world, years=(YEAR - 1, YEAR)) -> None:
    """A known census: at "own", 40 pupils of whom 10 FSM, and of those only 3 on the register
    (a small cell); "peer" and "other" big enough everywhere."""
    CensusRecord.objects.all().delete()
    Summary.objects.all().delete()
    for year in years:
        census(
            world.schools["own"],
            year,
            [
                (SMALL, True, True, 1100, 1160),
                (7, True, False, 1000, 1000),
                (12, False, True, 1100, 1100),
                (18, False, False, 1000, 1000),
            ],
        )
        census(
            world.schools["peer"],
            year,
            [
                (8, True, True, 1100, 1100),
                (8, True, False, 1000, 1000),
                (9, False, True, 1100, 1100),
                (15, False, False, 1000, 1000),
            ],
        )
        census(
            world.schools["other"],
            year,
            [
                (9, True, True, 1100, 1100),
                (9, True, False, 1000, 1000),
                (10, False, True, 1100, 1100),
                (21, False, False, 1000, 1000),
            ],
        )
    rollup.rebuild_all()


def school_path(world, key="own", query=""):
    return f"/insights/schools/{world.schools[key].pk}{query}"


def la_path(world, key="own", query=""):
    return f"/insights/las/{world.las[key].pk}{query}"


def get(user, path):
    return call(as_user(user), "get", path)


def fsm_line(data, subgroup="Y", dimension="fsm") -> dict:
    comparison = next(c for c in data["dimensions"] if c["dimension"]["key"] == dimension)
    return next(s for s in comparison["subgroups"] if s["subgroup"] == subgroup)


def figures(node) -> list[dict]:
    """Every figure anywhere in an answer."""
    found = []
    if isinstance(node, dict):
        if set(node) == {"value", "shown"}:
            return [node]
        for value in node.values():
            found += figures(value)
    elif isinstance(node, list):
        for value in node:
            found += figures(value)
    return found


def assert_well_formed(data) -> None:
    """Each figure is a value and its text, and a suppressed one has no value."""
    every = figures(data)
    assert every
    for f in every:
        assert (f["value"] is None) == (f["shown"] == "c"), f
    assert '"raw"' not in json.dumps(data)


def test_openapi_schema_has_the_insights_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/v1/insights/schools/{school_id}",
        "/api/v1/insights/las/{la_id}",
        "/api/v1/insights/nations/{nation_id}",
        "/api/v1/insights/las/{la_id}/reports",
        "/api/v1/insights/las/{la_id}/reports/{run_id}",
    }
    school = paths["/api/v1/insights/schools/{school_id}"]["get"]
    assert '"shown": "c"' in school["description"]
    start = paths["/api/v1/insights/las/{la_id}/reports"]["post"]
    assert "requestBody" not in start
    assert [p["name"] for p in start["parameters"] if p["in"] == "query"] == ["year"]


# --- a school's report ---------------------------------------------------------------------


def test_a_teacher_sees_their_own_school_exactly(world):
    build_figures(world)
    response = get(world.user("teacher@own"), school_path(world))
    assert response.status_code == 200, response.content
    data = response.json()
    assert_well_formed(data)
    assert data["exact"] is True
    assert (data["year"], data["year_label"]) == (YEAR, "2025/26")
    assert [y["year"] for y in data["years"]] == [YEAR, YEAR - 1]
    assert data["school"]["code"] == world.schools["own"].urn
    school = data["headline"]["school"]
    assert (school["pupils"], school["on_register"], school["rate"]) == (
        {"value": 40, "shown": "40"},
        {"value": 15, "shown": "15"},
        {"value": 38, "shown": "38%"},  # 37.5% rounds half up
    )
    assert school["gifted"]["value"] == 15 and school["talented"]["value"] == 0
    fsm = fsm_line(data)
    assert fsm["label"] == "FSM"
    assert fsm["school"]["on_register"] == {"value": SMALL, "shown": "3"}
    assert fsm["school"]["cohort"] == {"value": 10, "shown": "10"}
    assert fsm["school"]["rate"] == {"value": 30, "shown": "30%"}
    assert fsm["school"]["gt_progress"]["value"] is not None
    # The LA's and the nation's figures are never exact, even for the school's own staff.
    assert data["headline"]["la"]["talented"]["shown"] == "c"
    assert fsm["la"]["on_register"]["value"] == 3 + 8
    # Trend: both years, the school's rate exact beside the LA's and nation's.
    assert [t["year"] for t in data["trend"]] == [YEAR - 1, YEAR]
    assert data["trend"][-1]["rate"]["school"]["shown"] == "38%"
    assert data["trend_dimension"]["key"] == "fsm"
    assert isinstance(data["prompts"], list)
    # Summary figures only: nothing about any pupil.
    text = response.content.decode()
    assert "underachiev" not in text.lower() and "upn" not in text.lower()


def test_outside_the_school_the_small_cell_is_suppressed_and_never_leaks(world):
    build_figures(world)
    for viewer in ("la_lead@own", "national_officer@nation"):
        response = get(world.user(viewer), school_path(world))
        assert response.status_code == 200, (viewer, response.content)
        data = response.json()
        assert_well_formed(data)
        assert data["exact"] is False
        assert data["threshold"] == 6
        fsm = fsm_line(data)["school"]
        assert fsm["on_register"] == {"value": None, "shown": "c"}
        # Its complement is hidden with it (else 15 − 12 would give it away), and so is
        # everything derived from it.
        assert fsm_line(data, "N")["school"]["on_register"]["shown"] == "c"
        for name in ("cohort", "rate", "share_of_register", "ratio", "gt_progress"):
            assert fsm[name] == {"value": None, "shown": "c"}, name
        assert fsm["flagged"] is False
        # The number 3 is nowhere in the answer, as a figure or in words, nor is it the
        # register's total less any figure shown about the other pupils (all 15 on the
        # register have both scores, so a count of G&T pupils behind a mean would give it).
        assert SMALL not in [f["value"] for f in figures(data)]
        others = [f["value"] for f in figures(fsm_line(data, "N")["school"])]
        assert 15 - SMALL not in others
        assert not any(" 3 " in p or "(3" in p for p in data["prompts"])
        # The totals stay: 40 pupils, 15 on the register.
        assert data["headline"]["school"]["pupils"]["value"] == 40
        assert data["headline"]["school"]["on_register"]["value"] == 15


def test_the_school_report_matches_the_pages_csv(world):
    build_figures(world)
    lead = world.user("la_lead@own")
    data = get(lead, school_path(world)).json()
    report = queries.school_report(lead, world.schools["own"], YEAR)
    rows = list(exports.school_rows(report))[1:]
    from_api = [
        [
            data["year_label"],
            c["dimension"]["label"],
            s["label"],
            *(
                s[place][name]["shown"]
                for place in ("school", "la", "nation")
                for name in (
                    "cohort",
                    "on_register",
                    "rate",
                    "share_of_cohort",
                    "share_of_register",
                )
            ),
            *(s[place]["ratio"]["shown"] for place in ("school", "la", "nation")),
            s["school"]["gt_attainment"]["shown"],
            s["school"]["gt_progress"]["shown"],
        ]
        for c in data["dimensions"]
        for s in c["subgroups"]
    ]
    assert from_api == [row[: len(from_api[0])] for row in rows]


def test_a_year_and_the_trend_dimension_can_be_chosen(world):
    build_figures(world)
    lead = world.user("leading_teacher@own")
    data = get(lead, school_path(world, query=f"?year={YEAR - 1}&dimension=gender")).json()
    assert data["year"] == YEAR - 1
    assert [t["year"] for t in data["trend"]] == [YEAR - 1]
    assert data["trend_dimension"]["key"] == "gender"
    # A year without figures shows the latest; an unknown dimension is refused.
    assert get(lead, school_path(world, query="?year=1999")).json()["year"] == YEAR
    refused = get(lead, school_path(world, query="?dimension=shoe_size"))
    assert refused.status_code == 400
    assert "dimension" in refused.json()["errors"]


def test_a_school_without_figures_answers_with_none(world):
    CensusRecord.objects.all().delete()
    Summary.objects.all().delete()
    data = get(world.user("teacher@own"), school_path(world)).json()
    assert (data["year"], data["headline"], data["dimensions"], data["trend"]) == (
        None,
        None,
        [],
        [],
    )


def test_who_may_see_a_schools_report(world):
    build_figures(world)
    path = school_path(world)
    for viewer in ("teacher@own", "head@own", "leading_teacher@cluster", "la_lead@own"):
        assert get(world.user(viewer), path).status_code == 200, viewer
    # Another LA's lead, another school's staff and pupils do not see the school at all.
    for viewer in ("la_lead@other", "teacher@other", "pupil@own", "provider_staff@own"):
        assert get(world.user(viewer), path).status_code == 404, viewer
    assert get(world.user("teacher@own"), "/insights/schools/999999").status_code == 404


def test_anonymous_is_401(world, client):
    response = client.get(f"/api/v1{school_path(world)}", secure=True)
    assert response.status_code == 401


# --- an LA's and the nation's reports ------------------------------------------------------


def comparing_rows_from(data, rows_key) -> list[list[str]]:
    """The API's answer written out as the page's CSV writes its report."""
    rows = [*data[rows_key], *([data["total"]] if data["total"] else [])]
    return [
        [
            data["year_label"],
            row["name"],
            row["code"],
            row["pupils"]["shown"],
            row["on_register"]["shown"],
            row["rate"]["shown"],
            *(
                g[name]["shown"]
                for g in row["groups"]
                for name in ("cohort", "on_register", "rate", "ratio")
            ),
            row["gt_progress"]["shown"],
            "; ".join(row["stands_out"]),
        ]
        for row in rows
    ]


@pytest.mark.parametrize("dimension", ["fsm", "gender"])
def test_an_la_report_is_suppressed_and_matches_the_pages_csv(world, dimension):
    build_figures(world)
    response = get(world.user("la_lead@own"), la_path(world, query=f"?dimension={dimension}"))
    assert response.status_code == 200, response.content
    data = response.json()
    assert_well_formed(data)
    assert data["local_authority"]["id"] == world.las["own"].pk
    assert [s["name"] for s in data["schools"]] == ["Own School", "Peer School"]
    assert data["total"]["id"] is None
    report = comparing.la_report(world.las["own"], None, dimension)
    assert comparing_rows_from(data, "schools") == list(exports.comparing_rows(report))[1:]
    assert [t["year"] for t in data["trend"]] == [YEAR - 1, YEAR]
    if dimension == "fsm":
        own = data["schools"][0]["groups"][0]
        assert own["subgroup"] == "Y" and own["on_register"] == {"value": None, "shown": "c"}
        assert SMALL not in [f["value"] for f in figures(data)]


def test_who_may_see_an_las_report(world):
    build_figures(world)
    path = la_path(world)
    assert get(world.user("national_officer@nation"), path).status_code == 200
    for viewer in ("la_lead@other", "teacher@own", "head@own", "pupil@own"):
        assert get(world.user(viewer), path).status_code == 404, viewer


def test_the_nation_compares_its_las(world):
    build_figures(world)
    path = f"/insights/nations/{world.nation.pk}"
    response = get(world.user("national_officer@nation"), path)
    assert response.status_code == 200, response.content
    data = response.json()
    assert_well_formed(data)
    assert data["nation"]["name"] == "Testland"
    assert [r["name"] for r in data["local_authorities"]] == ["Other LA", "Own LA"]  # by name
    assert data["total"]["pupils"]["value"] == 40 + 40 + 49
    report = comparing.nation_report(world.nation)
    assert (
        comparing_rows_from(data, "local_authorities") == list(exports.comparing_rows(report))[1:]
    )
    for viewer in ("teacher@own", "pupil@own", "head@other"):
        assert get(world.user(viewer), path).status_code == 404, viewer


# --- the LA lead's run of reports ----------------------------------------------------------


def test_a_run_is_started_refused_while_going_and_read_within_its_la(world):
    build_figures(world)
    lead = as_user(world.user("la_lead@own"))
    started = call(lead, "post", f"{la_path(world)}/reports?year={YEAR}")
    assert started.status_code == 202, started.content
    run = started.json()
    assert (run["state"], run["done"], run["total"], run["percent"]) == ("queued", 0, 2, 0)
    assert (run["year"], run["download"]) == (YEAR, None)

    again = call(lead, "post", f"{la_path(world)}/reports")  # no year: the latest year
    assert again.status_code == 400
    # A bare form POST (no JSON at all) is answered, not a server error.
    assert lead.post(f"/api/v1{la_path(world)}/reports", secure=True).status_code == 400
    assert again.json()["detail"] and again.json()["errors"] == {}

    status = call(lead, "get", f"{la_path(world)}/reports/{run['id']}")
    assert status.status_code == 200 and status.json()["id"] == run["id"]

    ReportRun.objects.filter(pk=run["id"]).update(
        state=ReportRun.State.DONE, done=2, archive="insights/runs/101.zip"
    )
    done = call(lead, "get", f"{la_path(world)}/reports/{run['id']}").json()
    assert (done["state"], done["done"], done["percent"]) == ("done", 2, 100)
    assert done["download"].endswith(
        f"/api/v1/insights/las/{world.las['own'].pk}/reports/{run['id']}/zip"
    )

    # Another LA's lead: the LA is not theirs (404); their own LA does not hold this run (404).
    other = as_user(world.user("la_lead@other"))
    assert call(other, "get", f"{la_path(world)}/reports/{run['id']}").status_code == 404
    assert call(other, "get", f"{la_path(world, 'other')}/reports/{run['id']}").status_code == 404
    assert call(other, "post", f"{la_path(world)}/reports").status_code == 404


def test_a_run_needs_figures_and_the_lead_role(world):
    CensusRecord.objects.all().delete()
    Summary.objects.all().delete()
    lead = as_user(world.user("la_lead@own"))
    refused = call(lead, "post", f"{la_path(world)}/reports?year={YEAR}")
    assert refused.status_code == 400 and "2025/26" in refused.json()["detail"]
    assert not ReportRun.objects.exists()
    # The national officer sees the LA but does not make its reports.
    officer = as_user(world.user("national_officer@nation"))
    assert call(officer, "post", f"{la_path(world)}/reports").status_code == 403
    assert (
        call(as_user(world.user("head@own")), "post", f"{la_path(world)}/reports").status_code
        == 404
    )


# --- query budget --------------------------------------------------------------------------

READERS = {
    "school": ["teacher@own", "la_lead@own", "national_officer@nation"],
    "la": ["la_lead@own", "national_officer@nation"],
}


def api_queries(world, path, readers) -> dict[str, Queries]:
    counted = {}
    for viewer in readers:
        client = as_user(world.user(viewer))
        assert call(client, "get", path).status_code == 200  # records the token's first use
        with CaptureQueriesContext(connection) as ctx:
            response = call(client, "get", path)
        assert response.status_code == 200
        counted[viewer] = Queries(q["sql"] for q in ctx.captured_queries)
        counted[viewer].data = response.json()
    return counted


def grow(world) -> None:
    """Five times the pupils at every school, in more subgroups, and three more years."""
    for year in range(YEAR - 4, YEAR + 1):
        for key in ("own", "peer", "other"):
            for k, (gender, group, nc) in enumerate(
                [("M", "Asian", "8"), ("U", "Black", "9"), ("M", "Mixed", "10")]
            ):
                census(
                    world.schools[key],
                    year,
                    [(30, k % 2 == 0, True, 900 + 50 * k, 1050), (40, False, False, 1200, None)],
                    upn_prefix="G",
                    gender=gender,
                    ethnic_group=group,
                    nc_year=nc,
                    sen="K",
                    eal=True,
                )
    rollup.rebuild_all()


@pytest.mark.parametrize("what", ["school", "la"])
def test_the_reports_make_the_same_queries_however_big_the_census(world, what):
    build_figures(world)
    path = school_path(world) if what == "school" else la_path(world)
    few = api_queries(world, path, READERS[what])
    grow(world)
    many = api_queries(world, path, READERS[what])
    assert many == few
    if what == "school":
        assert many["teacher@own"].data["headline"]["school"]["pupils"]["value"] == 40 + 210
        assert len(many["teacher@own"].data["trend"]) == 5
    else:
        assert len(many["la_lead@own"].data["trend"]) == 5


def test_a_finished_runs_zip_and_a_schools_pdf_come_through_the_api(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_figures(world)
    lead = as_user(world.user("la_lead@own"))
    run = call(lead, "post", f"{la_path(world)}/reports?year={YEAR}").json()
    zip_path = f"{la_path(world)}/reports/{run['id']}/zip"
    assert call(lead, "get", zip_path).status_code == 404  # not made yet
    from risingtide.insights.tasks import make_school_reports

    assert make_school_reports.call(run["id"]) == "done"
    download = call(lead, "get", f"{la_path(world)}/reports/{run['id']}").json()["download"]
    response = lead.get(download, secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2
    other = as_user(world.user("la_lead@other"))
    assert call(other, "get", zip_path).status_code == 404
    officer = as_user(world.user("national_officer@nation"))
    assert call(officer, "get", zip_path).status_code == 403

    # A school's PDF: exact for its own staff, suppressed for the LA (3 FSM on the register).
    pdf_path = f"{school_path(world)}/pdf?year={YEAR}"
    own = call(as_user(world.user("leading_teacher@own")), "get", pdf_path)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    outside = call(lead, "get", pdf_path)
    assert outside.status_code == 200
    from pypdf import PdfReader

    def text(pdf: bytes) -> str:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "Exact figures: for the school’s own staff" in text(own.content)
    assert "Figures under disclosure control" in text(outside.content)
    assert "Exact figures" not in text(outside.content)
    assert call(as_user(world.user("teacher@other")), "get", pdf_path).status_code == 404
