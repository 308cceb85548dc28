"""The provision map's pages through the test client: who sees the map and who edits it, the
grid in both views, adding an opportunity (and a refusal shown on its field, nothing saved),
changing and withdrawing it, the staff page (names only as far as the viewer may see pupils),
and a constant number of queries whatever the size of the map."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.opportunities.models import Opportunity, Participation
from risingtide.opportunities.tests.map_world import YEAR, add, book_service

pytestmark = pytest.mark.django_db


def map_url(world, school="own", **query) -> str:
    url = reverse("opportunities:map", args=[world.schools[school].pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


FORM = {
    "title": "Debating society",
    "description": "Argue well, listen better.",
    "kind": "club",
    "wave": "2",
    "components": ["teaching", "beyond"],
    "domain": "gifted",
    "subjects": ["english", "history"],
    "year_from": "8",
    "year_to": "10",
    "academic_year": str(YEAR),
    "term": "spring",
    "starts_on": "",
    "ends_on": "",
    "staff_lead": "",
    "capacity": "16",
    "cost_pounds": "0",
    "on_menu": "on",
}


def test_staff_of_the_school_see_the_map(world, client_for):
    add(world)
    for who in ("teacher@own", "leading_teacher@own", "head@own", "leading_teacher@cluster"):
        response = client_for(world.user(who)).get(map_url(world))
        assert response.status_code == 200, who
        assert "Maths circle" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    ["pupil@own", "carer@own", "la_lead@own", "leading_teacher@other", "national_officer@nation"],
)
def test_nobody_else_finds_the_map(world, client_for, who):
    client = client_for(world.user(who))
    assert client.get(map_url(world)).status_code == 404
    assert (
        client.get(reverse("opportunities:map_csv", args=[world.schools["own"].pk])).status_code
        == 404
    )


def test_a_teacher_sees_but_cannot_edit(world, client_for):
    made = add(world)
    client = client_for(world.user("teacher@own"))
    page = client.get(map_url(world)).content.decode()
    assert "Add an opportunity" not in page
    add_url = reverse("opportunities:opportunity_add", args=[world.schools["own"].pk])
    assert client.get(add_url).status_code == 403
    assert client.post(add_url, FORM).status_code == 403
    assert client.get(reverse("opportunities:opportunity", args=[made.pk])).status_code == 200
    edit = reverse("opportunities:opportunity_edit", args=[made.pk])
    assert client.post(edit, FORM).status_code == 403
    withdraw = reverse("opportunities:opportunity_withdraw", args=[made.pk])
    assert client.post(withdraw).status_code == 403
    assert Opportunity.objects.get(pk=made.pk).withdrawn_at is None


def test_the_grid_has_a_caption_headers_and_both_views(world, client_for):
    add(world)
    book_service(world)
    client = client_for(world.user("leading_teacher@own"))
    response = client.get(map_url(world))
    page = response.content.decode()
    assert "year group by wave</caption>" in page
    assert (
        '<th scope="col" role="columnheader" class="pm-col pm-col-3">Wave 3: individual</th>'
        in page
    )
    assert '<th scope="row" role="rowheader">Year 7' in page
    assert 'Marketplace<span class="pm-provider"> · own provider</span>' in page
    assert response.context["view"] == "years"
    response = client.get(map_url(world, view="components"))
    assert response.context["view"] == "components"
    assert "component by term</caption>" in response.content.decode()
    # A value the page does not offer is ignored: the default is shown.
    response = client.get(map_url(world, view="pie", wave="9", academic_year="1850"))
    assert response.status_code == 200
    assert response.context["view"] == "years"
    assert response.context["filters"].wave is None
    assert response.context["filters"].academic_year == YEAR


def test_a_coordinator_adds_an_opportunity(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    url = reverse("opportunities:opportunity_add", args=[world.schools["own"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**FORM, "staff_lead": str(world.user("teacher@own").pk)})
    made = Opportunity.objects.get(title="Debating society")
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:opportunity", args=[made.pk]) + "#top"
    assert made.year_from == 8 and made.year_to == 10 and made.term == "spring"
    assert sorted(made.components.values_list("component", flat=True)) == ["beyond", "teaching"]
    assert made.subjects == ["english", "history"]
    page = client.get(response["Location"]).content.decode()
    assert "Added “Debating society” to the provision map: Years 8 to 10" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"year_from": "10", "year_to": "8"}, "year_to", "comes before"),
        ({"components": []}, "components", "at least one of the five components"),
        ({"starts_on": f"{YEAR}-10-01"}, "starts_on", "outside the spring term"),
        ({"cost_pounds": "-5"}, "cost_pounds", "cannot be negative"),
        ({"cost_pounds": "=1+1"}, "cost_pounds", "Enter the cost in pounds"),
    ],
)
def test_a_refusal_is_shown_on_its_field_and_nothing_is_saved(
    world, client_for, changes, field, words
):
    client = client_for(world.user("leading_teacher@own"))
    url = reverse("opportunities:opportunity_add", args=[world.schools["own"].pk])
    response = client.post(url, {**FORM, **changes})
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert "nothing was saved" in response.content.decode()
    assert not Opportunity.objects.filter(title="Debating society").exists()


def test_a_staff_lead_of_another_school_is_refused(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    url = reverse("opportunities:opportunity_add", args=[world.schools["own"].pk])
    response = client.post(url, {**FORM, "staff_lead": str(world.user("teacher@other").pk)})
    assert response.status_code == 400
    assert "staff_lead" in response.context["form"].errors  # not even offered as a choice


def test_changing_and_withdrawing(world, client_for):
    made = add(world)
    client = client_for(world.user("head@own"))
    edit = reverse("opportunities:opportunity_edit", args=[made.pk])
    form = client.get(edit).context["form"]
    assert form.initial["title"] == "Maths circle"
    response = client.post(edit, {**FORM, "title": "Maths circle plus"})
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=made.pk).title == "Maths circle plus"
    response = client.post(reverse("opportunities:opportunity_withdraw", args=[made.pk]))
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=made.pk).withdrawn_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Withdrew “Maths circle plus”" in page
    assert "Change it" not in page
    assert "Maths circle plus" not in client.get(map_url(world)).content.decode()


def test_the_staff_page_names_only_pupils_the_viewer_may_see(world, client_for):
    made = add(world, capacity=5)
    for key in ("own", "own2"):
        Participation.objects.create(
            opportunity=made, pupil=world.records[key], state=Participation.State.PLACE
        )
    url = reverse("opportunities:opportunity", args=[made.pk])
    lead_page = client_for(world.user("leading_teacher@own")).get(url).context["page"]
    assert {p.pupil for p in lead_page.holding} == {world.records["own"], world.records["own2"]}
    assert lead_page.entry.places_left == 3
    teacher = client_for(world.user("teacher@own")).get(url)
    assert [p.pupil for p in teacher.context["page"].holding] == [world.records["own"]]
    assert "1 more place is taken by pupils outside your classes" in teacher.content.decode()
    # A pupil or a carer may know the opportunity, never who takes part: not this page.
    for who in ("pupil@own", "carer@own"):
        assert client_for(world.user(who)).get(url).status_code == 403
    for who in ("pupil@other", "leading_teacher@other", "la_lead@own"):
        assert client_for(world.user(who)).get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("view", ["years", "components"])
def test_the_map_takes_the_same_queries_for_5_or_50_lines(world, client_for, view):
    client = client_for(world.user("leading_teacher@own"))
    for n in range(5):
        add(world, title=f"Club {n}", wave=1 + n % 3, year_from=7 + n % 4, year_to=11)
    book_service(world)
    client.get(map_url(world, view=view))  # the person's anchors, cached
    few = _queries(client, map_url(world, view=view))
    for n in range(5, 50):
        add(
            world,
            title=f"Club {n}",
            wave=1 + n % 3,
            year_from=7 + n % 4,
            year_to=11,
            staff_lead_id=world.user("teacher@own").pk,
        )
    book_service(world, title="Another masterclass")
    assert _queries(client, map_url(world, view=view)) == few
