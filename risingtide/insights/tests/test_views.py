"""The insights pages through Django's test client: who sees what, disclosure control, CSV
from the same figures as the screen, constant query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.insights import rollup
from risingtide.insights.tests.factories import census
from risingtide.register.models import academic_year

pytestmark = pytest.mark.django_db
YEAR = academic_year()


@pytest.fixture
def figures(world):
    own, peer, other = (world.schools[k] for k in ("own", "peer", "other"))
    for year in (YEAR - 1, YEAR):
        census(own, year, 120, fsm=30, fsm_register=3, register=20)
        census(peer, year, 80, fsm=10, fsm_register=0, register=8, start=1000)
        census(other, year, 150, fsm=40, fsm_register=10, register=10, start=2000)
    rollup.rebuild_all()
    return world


def _get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def test_a_teacher_sees_their_schools_own_figures_exactly(client, figures):
    w = figures
    response = _get(client, w.users["teacher@own"], "insights:insights_school", w.schools["own"].pk)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.control.exact
    fsm = next(c for c in report.comparisons if c.dimension.key == "fsm")
    assert fsm.school.row("Y").register.shown == "3"  # their own small group, exact
    assert fsm.school.row("Y").cohort.shown == "30"
    # The LA's FSM register is 3 at "own" + 0 at "peer": suppressed even for them.
    assert fsm.la.row("Y").register.shown == "c"
    # A teacher sees no pupil-level list; a leading teacher does.
    assert response.context["underachievers"] is None
    assert b"making less progress than expected" not in response.content


def test_another_schools_staff_and_pupils_do_not_see_the_report(client, figures):
    w = figures
    own = w.schools["own"].pk
    assert (
        _get(client, w.users["teacher@other"], "insights:insights_school", own).status_code == 404
    )
    assert _get(client, w.users["pupil@own"], "insights:insights_school", own).status_code in (
        403,
        404,
    )
    assert (
        _get(client, w.users["la_lead@other"], "insights:insights_la", w.las["own"].pk).status_code
        == 404
    )
    assert _get(
        client, w.users["teacher@own"], "insights:insights_la", w.las["own"].pk
    ).status_code in (
        403,
        404,
    )


def test_the_la_lead_sees_the_school_with_small_numbers_suppressed(client, figures):
    w = figures
    response = _get(client, w.users["la_lead@own"], "insights:insights_school", w.schools["own"].pk)
    report = response.context["report"]
    assert not report.control.exact
    fsm = next(c for c in report.comparisons if c.dimension.key == "fsm")
    row = fsm.school.row("Y")
    assert row.register.shown == "c" and row.rate.shown == "c" and row.ratio.shown == "c"
    # Complementary: the other FSM cell is hidden too, so 23 − 20 cannot give the 3 back.
    assert fsm.school.row("N").register.shown == "c"
    assert fsm.school.register.shown == "23"
    # "own" has a data-sharing agreement in force, so its LA sees the pupil-level list as it
    # sees the register; "peer" has none, so the LA sees peer's figures but no list.
    assert response.context["underachievers"] is not None
    peer = _get(client, w.users["la_lead@own"], "insights:insights_school", w.schools["peer"].pk)
    assert peer.status_code == 200 and peer.context["underachievers"] is None


def test_the_leading_teacher_sees_the_underachievement_list_and_it_is_audited(client, figures):
    w = figures
    response = _get(
        client, w.users["leading_teacher@own"], "insights:insights_school", w.schools["own"].pk
    )
    underachievers = response.context["underachievers"]
    assert underachievers, "pupils 80 points (8.0) below the rest are listed"
    assert all(u.progress <= -5 for u in underachievers)
    assert [u.progress for u in underachievers] == sorted(u.progress for u in underachievers)
    assert AuditEvent.objects.filter(action="insights.underachievement_viewed").count() == 1


def test_the_la_report_compares_its_schools_and_the_csv_matches_the_screen(client, figures):
    w = figures
    response = _get(client, w.users["la_lead@own"], "insights:insights_la", w.las["own"].pk)
    assert response.status_code == 200
    report = response.context["report"]
    names = [r.name for r in report.rows]
    assert names == ["Own School", "Peer School"]
    own = report.rows[0]
    assert own.cohort.shown == "120" and own.register.shown == "23"
    fsm = dict(zip(report.subgroups, own.groups, strict=True))
    assert fsm["Y"].register.shown == "c"
    assert report.total.cohort.shown == "200"
    body = response.content.decode()
    assert reverse("insights:insights_school", args=[w.schools["own"].pk]) in body  # drill down

    download = _get(client, w.users["la_lead@own"], "insights:insights_la_csv", w.las["own"].pk)
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header, rows = table[0], table[1:]
    by_name = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_name["Own School"]["Pupils"] == "120"
    assert by_name["Own School"]["FSM on register"] == "c"
    assert "3" not in (by_name["Own School"]["FSM on register"],)
    assert by_name["Own LA"]["Pupils"] == "200"


def test_the_national_dashboard_compares_las(client, figures):
    w = figures
    response = _get(
        client, w.users["national_officer@nation"], "insights:insights_nation", w.nation.pk
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert [r.name for r in report.rows] == ["Other LA", "Own LA"]
    assert report.total.cohort.shown == "350"
    assert len(report.trend) == 2
    assert _get(
        client, w.users["teacher@own"], "insights:insights_nation", w.nation.pk
    ).status_code in (
        403,
        404,
    )


def test_the_school_csv_has_the_screens_figures(client, figures):
    w = figures
    la = _get(client, w.users["la_lead@own"], "insights:insights_school_csv", w.schools["own"].pk)
    table = list(csv.reader(io.StringIO(la.content.decode("utf-8-sig"))))
    rows = {(r[1], r[2]): dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert rows[("Free school meals", "FSM")]["School on register"] == "c"
    own = _get(
        client, w.users["leading_teacher@own"], "insights:insights_school_csv", w.schools["own"].pk
    )
    table = list(csv.reader(io.StringIO(own.content.decode("utf-8-sig"))))
    rows = {(r[1], r[2]): dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert rows[("Free school meals", "FSM")]["School on register"] == "3"


def test_a_year_without_figures_falls_back_to_the_latest(client, figures):
    w = figures
    response = _get(
        client, w.users["teacher@own"], "insights:insights_school", w.schools["own"].pk, year="1999"
    )
    assert response.context["report"].year == YEAR
    response = _get(
        client,
        w.users["teacher@own"],
        "insights:insights_school",
        w.schools["own"].pk,
        year=str(YEAR - 1),
    )
    assert response.context["report"].year == YEAR - 1


def test_a_school_with_no_figures_says_so(client, world):
    response = _get(
        client, world.users["teacher@own"], "insights:insights_school", world.schools["own"].pk
    )
    assert response.status_code == 200
    assert b"No figures yet" in response.content


def _queries(client, user, name, pk) -> int:
    client.force_login(user)
    url = reverse(name, args=[pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_make_the_same_number_of_queries_whatever_the_size(client, figures):
    w = figures
    pages = [
        (w.users["leading_teacher@own"], "insights:insights_school", w.schools["own"].pk),
        (w.users["la_lead@own"], "insights:insights_la", w.las["own"].pk),
        (w.users["national_officer@nation"], "insights:insights_nation", w.nation.pk),
    ]
    before = [_queries(client, *page) for page in pages]
    from risingtide.schools.models import School

    for n in range(6):  # more schools, more pupils, more years
        school = School.objects.create(
            local_authority=w.las["own"],
            name=f"Extra {n}",
            establishment_number=f"{3000 + n}",
            urn=f"{910000 + n}",
            phase="primary",
        )
        for year in (YEAR - 2, YEAR - 1, YEAR):
            census(school, year, 60, fsm=12, fsm_register=2, register=6, start=10000 * (n + 1))
    census(w.schools["own"], YEAR - 2, 300, fsm=50, fsm_register=9, register=30, start=90000)
    rollup.rebuild_all()
    after = [_queries(client, *page) for page in pages]
    assert after == before
