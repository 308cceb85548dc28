"""The board's cost per item: no query, ``reverse()`` or CSRF token per item (a 500-item
portfolio once called ``reverse()`` 1,068 times), while every card keeps its content (a note's
first words, its picture, its connections, its unread feedback), its links and its Up/Down
buttons, which post to the item's move address with the stage's one token."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.urls.resolvers import URLResolver

from risingtide.feedback.services import give
from risingtide.lib.testing import png_file
from risingtide.portfolios import services
from risingtide.portfolios.models import Portfolio

pytestmark = pytest.mark.django_db


def _render(client, portfolio, kept: bool = False) -> tuple[str, int, int, int]:
    """The board as rendered afresh (its kept copy made stale first), or as kept."""
    if not kept:
        Portfolio.objects.filter(pk=portfolio.pk).update(content_version=F("content_version") + 1)
    real = URLResolver._reverse_with_prefix
    calls = []

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return real(self, *args, **kwargs)

    with (
        mock.patch.object(URLResolver, "_reverse_with_prefix", counting),
        CaptureQueriesContext(connection) as queries,
    ):
        html = client.get(reverse("portfolios:portfolio", args=[portfolio.pk])).content.decode()
    return html, len(calls), html.count('name="csrfmiddlewaretoken"'), len(queries)


def test_more_items_cost_no_more_queries_reverses_or_tokens(world, client_for):
    pupil, teacher = world.user("pupil@own"), world.user("teacher@own")
    portfolio = world.portfolios["own"]
    client = client_for(pupil)
    _render(client, portfolio)  # the first page of a session keeps the menu for the next
    _, few_reverses, few_tokens, few_queries = _render(client, portfolio)
    before = list(portfolio.items.all())
    for n in range(12):
        note = services.add_note(pupil, portfolio, "gather", f"Note {n}")
        services.save_note(pupil, note, f"Note {n} says **bees** can dance {n} ways.", 1)
        picture = services.add_upload(pupil, portfolio, "gather", f"Picture {n}", png_file())
        services.connect(pupil, portfolio, note.pk, picture.pk, "shows", "")
        services.connect(pupil, portfolio, picture.pk, before[n % 2].pk, f"joins {n}", "")
        services.update_item(
            pupil, note, title=note.title, stage="gather", importance=n % 6, categories=[f"c{n}"]
        )
        give(teacher, portfolio, "question", f"Why {n}?", item_id=note.pk)
    html, many_reverses, many_tokens, many_queries = _render(client, portfolio)
    assert (many_reverses, many_tokens, many_queries) == (few_reverses, few_tokens, few_queries)
    # Shown again with nothing written: the kept board, the same page, from three queries
    # (the session, the person, the portfolio with its version) and the same number of tokens.
    again, _, kept_tokens, kept_queries = _render(client, portfolio, kept=True)
    assert kept_queries == 3 and kept_tokens == many_tokens
    tokens = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    assert tokens.sub("", again) == tokens.sub("", html)

    note = portfolio.items.get(title="Note 7")
    move = reverse("portfolios:move_item", args=[note.pk])
    # Each card still links to its item, says what it holds and moves through its own address.
    assert f'href="{reverse("portfolios:item", args=[note.pk])}"' in html
    assert "Note 7 says bees can dance 7 ways." in html
    assert html.count(f'formaction="{move}"') == 2  # Up and Down
    assert re.search(r'<form id="move-gather" method="post" hidden>', html)
    card = html.split(f'id="card-{note.pk}"')[1].split("</li>")[0]
    assert "1 connection<" in card and "1 new" in card and "1 of 5" in card


def test_up_posts_through_the_stages_form_and_moves_the_item(world, client_for):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    first = services.add_note(pupil, portfolio, "gather", "First")
    second = services.add_note(pupil, portfolio, "gather", "Second")
    client = client_for(pupil)
    response = client.post(reverse("portfolios:move_item", args=[second.pk]), {"direction": "up"})
    assert response.status_code in (200, 302)
    order = list(portfolio.items.filter(stage="gather").order_by("position", "pk"))
    assert order.index(second) < order.index(first)
