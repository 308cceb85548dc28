"""The coverage pages through the test client: the LA lead's page opens with the schools to
act on, the national officer's page has each chart's table and a CSV, each page in a constant
number of queries, and the training home links to the pages the person may see."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.schools.models import School
from risingtide.training.models import Completion
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world):
    return add_training(world)


def _signed_in(client, world, key):
    client.force_login(world.users[key])
    return client


def _add_schools(w, n):
    for i in range(n):
        school = School.objects.create(
            local_authority=w.las["own"],
            name=f"Added {n}-{i}",
            establishment_number=f"{6000 + n * 40 + i}",
            urn=f"{960000 + n * 100 + i}",
            phase=School.Phase.PRIMARY,
        )
        if i % 2:
            person = make_user(f"added.{n}.{i}")
            member(person, Role.LEADING_TEACHER, school=school)
            if i % 4 == 1:
                Completion.objects.create(
                    learner=person, programme=w.programmes["nation"], completed_at=timezone.now()
                )


def test_the_la_page_opens_with_the_schools_to_act_on(
    training, client, django_assert_max_num_queries
):
    w = training
    c = _signed_in(client, w, "la_lead@own")
    url = reverse("training:coverage_la", args=[w.las["own"].pk])
    c.get(url)
    with django_assert_max_num_queries(30) as before:
        c.get(url)
    _add_schools(w, 9)
    with django_assert_max_num_queries(len(before)):
        page = c.get(url).content.decode()
    action = page.index("No leading teacher named (5)")
    assert action < page.index("Still to finish training") < page.index("Trained (2)")
    assert "Added 9-0" in page[action : page.index("Still to finish training")]
    assert "Pass every core module (0 of 1 passed)" in page
    assert "Own cluster (2 schools)" in page
    assert "Other School" not in page


def test_the_national_page_has_each_chart_with_its_table(
    training, client, django_assert_max_num_queries
):
    w = training
    Completion.objects.create(
        learner=w.users["leading_teacher@other"],
        programme=w.programmes["nation"],
        completed_at=timezone.now(),
    )
    c = _signed_in(client, w, "national_officer@nation")
    url = reverse("training:coverage_nation", args=[w.nation.pk])
    c.get(url)
    with django_assert_max_num_queries(30) as before:
        c.get(url)
    _add_schools(w, 11)
    with django_assert_max_num_queries(len(before)):
        page = c.get(url).content.decode()
    assert page.count('<figure class="chart"') == 2
    assert "Share of schools with a trained leading teacher by month (%)" in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert reverse("training:coverage_la", args=[w.las["other"].pk]) in page
    assert reverse("training:coverage_csv", args=[w.nation.pk]) in page


def test_the_csv_by_la_and_phase_and_by_month(training, client):
    w = training
    Completion.objects.create(
        learner=w.users["leading_teacher@cluster"],
        programme=w.programmes["nation"],
        completed_at=timezone.now(),
    )
    c = _signed_in(client, w, "national_officer@nation")
    url = reverse("training:coverage_csv", args=[w.nation.pk])
    response = c.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:4] == ["Programme", "LA code", "Local authority", "Phase"]
    own_primary = next(r for r in rows if r[1] == "101" and r[3] == "Primary")
    assert own_primary[4:] == ["1", "1", "1", "100.0"]
    by_month = c.get(url, {"by": "month"}).content.decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(by_month)))
    assert rows[0][:3] == ["Month", "Completions", "Schools with a trained leading teacher"]
    assert rows[-1][1:3] == ["1", "2"]
    # A choice that is not a programme of this nation counts against the newest national one.
    assert c.get(url, {"programme": "x", "by": "nonsense"}).status_code == 200


def test_the_training_home_links_to_the_coverage_one_may_see(training, client):
    w = training
    home = reverse("training:home")
    page = _signed_in(client, w, "la_lead@own").get(home).content.decode()
    assert reverse("training:coverage_la", args=[w.las["own"].pk]) in page
    assert "coverage/nations" not in page
    page = _signed_in(client, w, "national_officer@nation").get(home).content.decode()
    assert reverse("training:coverage_nation", args=[w.nation.pk]) in page
    page = _signed_in(client, w, "leading_teacher@own").get(home).content.decode()
    assert "Coverage" not in page
