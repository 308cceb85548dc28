"""A carer's home page: their children, each linking to the child's page, what waits for
their answer first, and the bar: their child (a menu of children when there are several) and
adding another child."""

import re

from django.urls import reverse

from risingtide.families import services
from risingtide.families.tests.family_world import add_family


def test_a_carers_home_lists_their_children_and_what_waits(world, client_for):
    add_family(world)
    page = client_for(world.user("carer@own")).get(reverse("home:home"))
    assert page.status_code == 200
    text = page.content.decode()
    child_url = reverse("families:child", args=[world.users["pupil@own"].pk])
    assert f'href="{child_url}"' in text
    assert "Say yes or no for Ada: 1 opportunity waiting for your consent" in text
    assert "1 answer needed from you" in text
    assert "My children" in text and not re.search(r"\bBen\b", text)
    assert 'href="/families/join/"' in text


def test_a_carer_of_two_gets_a_menu_of_children(world, client_for):
    _, code = services.invite(world.user("head@own"), world.records["2@own"])
    services.redeem(code, carer=world.user("carer@own"))
    text = client_for(world.user("carer@own")).get(reverse("home:home")).content.decode()
    assert "My children" in text
    for key in ("pupil@own", "pupil2@own"):
        assert reverse("families:child", args=[world.users[key].pk]) in text


def test_the_carers_home_makes_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    add_family(world)
    client = client_for(world.user("carer@own"))
    client.get(reverse("home:home"))
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("home:home"))
    budget = len(first)  # now: the next request clears the connection's query log
    _, code = services.invite(world.user("head@own"), world.records["2@own"])
    services.redeem(code, carer=world.user("carer@own"))
    client.get(reverse("home:home"))  # the bar is built again once, for the new child
    with django_assert_max_num_queries(budget):
        client.get(reverse("home:home"))
