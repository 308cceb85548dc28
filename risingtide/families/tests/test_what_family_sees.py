"""A pupil from 13 sees which carers are linked to them and what each was shown; a younger
pupil gets a friendly page saying their school can tell them (no list is read)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from risingtide.families import services
from risingtide.families.queries import age_on

URL = reverse("families:what_family_sees")


def _turn(world, age: int) -> None:
    record = world.records["own"]
    today = timezone.localdate()
    record.date_of_birth = date(today.year - age, 1, 1)
    record.save()


def test_age_is_counted_from_the_birthday():
    assert age_on(date(2013, 12, 7), date(2026, 12, 6)) == 12
    assert age_on(date(2013, 12, 6), date(2026, 12, 6)) == 13


def test_a_pupil_of_13_sees_their_carers_and_what_they_were_shown(world, client_for):
    _turn(world, 13)
    pupil = world.users["pupil@own"]
    services.note_shown(world.users["carer@own"], pupil, [("plan", "Learning plan: 2 targets")])
    services.note_shown(world.users["carer@own"], world.users["pupil2@own"], [("plan", "Ben's")])
    page = client_for(world.user("pupil@own")).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cara Own" in text and "Learning plan: 2 targets" in text
    assert "Ben&#x27;s" not in text and "Ben's" not in text


def test_the_list_costs_the_same_however_long(world, client_for, django_assert_max_num_queries):
    _turn(world, 14)
    client = client_for(world.user("pupil@own"))
    client.get(URL)
    with django_assert_max_num_queries(10) as first:
        client.get(URL)
    budget = len(first)
    for n in range(20):
        services.note_shown(world.users["carer@own"], world.users["pupil@own"], [("plan", str(n))])
    with django_assert_max_num_queries(budget):
        client.get(URL)


def test_a_younger_pupil_is_told_their_school_can_tell_them(
    world, client_for, django_assert_max_num_queries
):
    _turn(world, 11)
    services.note_shown(world.users["carer@own"], world.users["pupil@own"], [("plan", "secret")])
    client = client_for(world.user("pupil@own"))
    page = client.get(URL)
    text = page.content.decode()
    assert page.status_code == 200 and "your school can tell you" in text
    assert "secret" not in text and "Cara Own" not in text


def test_only_pupils_have_this_page(world, client_for):
    assert client_for(world.user("carer@own")).get(URL).status_code == 403
    assert client_for(world.user("teacher@own")).get(URL).status_code == 403


def test_a_pupil_finds_the_page_under_their_name(world, client_for):
    text = client_for(world.user("pupil@own")).get(reverse("home:home")).content.decode()
    account = text.split('id="menu-account"')[1].split("</details>")[0]
    assert f'href="{URL}"' in account and "What my family sees" in account
