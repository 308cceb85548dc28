"""The portfolio page's cost per item: no ``reverse()`` and no CSRF token per item (a 500-item
portfolio once called ``reverse()`` 1,068 times), while every item keeps its links and its
Up/Down buttons, which post to the item's move address with the stage's one token."""

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.urls.resolvers import URLResolver

from risingtide.portfolios import services

pytestmark = pytest.mark.django_db


def _render(client, portfolio) -> tuple[str, int, int]:
    real = URLResolver._reverse_with_prefix
    calls = []

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return real(self, *args, **kwargs)

    with mock.patch.object(URLResolver, "_reverse_with_prefix", counting):
        html = client.get(reverse("portfolio", args=[portfolio.pk])).content.decode()
    return html, len(calls), html.count('name="csrfmiddlewaretoken"')


def test_more_items_cost_no_more_reverses_or_tokens(world, client_for):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    client = client_for(pupil)
    _, few_reverses, few_tokens = _render(client, portfolio)
    for n in range(30):
        services.add_note(pupil, portfolio, "gather", f"Note {n}")
    html, many_reverses, many_tokens = _render(client, portfolio)
    assert (many_reverses, many_tokens) == (few_reverses, few_tokens)
    note = portfolio.items.get(title="Note 7")
    move = reverse("move_item", args=[note.pk])
    # Each card still links to its item and moves through its own address.
    assert f'href="{reverse("item", args=[note.pk])}"' in html
    assert html.count(f'formaction="{move}"') == 2  # Up and Down
    assert re.search(r'<form id="move-gather" method="post" hidden>', html)


def test_up_posts_through_the_stages_form_and_moves_the_item(world, client_for):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    first = services.add_note(pupil, portfolio, "gather", "First")
    second = services.add_note(pupil, portfolio, "gather", "Second")
    client = client_for(pupil)
    response = client.post(reverse("move_item", args=[second.pk]), {"direction": "up"})
    assert response.status_code in (200, 302)
    order = list(portfolio.items.filter(stage="gather").order_by("position", "pk"))
    assert order.index(second) < order.index(first)
