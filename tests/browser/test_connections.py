"""A pupil connects items in the graph and in the text view; both show the same connections."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_pupil_connects_items_in_graph_and_list(page: Page, tiny_world):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/")
    page.get_by_role("link", name="Connections").click()
    graph = page.locator("#graph.ready canvas").first
    expect(graph).to_be_visible()

    # Keyboard-friendly way: the form.
    page.get_by_label("From").select_option(label="own picture (Gather and Organise)")
    page.get_by_label("How are they connected?").fill("is an example of")
    page.get_by_label("To").select_option(label="own note (Gather and Organise)")
    page.get_by_label("Why? (one sentence)").fill("The picture shows what I wrote")
    page.get_by_role("button", name="Add the connection").click()
    expect(
        page.get_by_text("Connection added: own picture is an example of own note.")
    ).to_be_visible()
    expect(page.locator(".connection-list li")).to_have_count(1)
    expect(page.locator(".connection-list li")).to_be_focused()  # on the connection just made
    expect(page.locator(".connection-list li")).to_contain_text(
        "own picture is an example of own note: The picture shows what I wrote"
    )

    # The graph shows the same edge, and clicking two nodes fills the form.
    expect(page.locator("#graph.ready")).to_be_visible()
    edges = page.evaluate(
        "() => fetch(document.getElementById('graph').dataset.graphUrl).then(r => r.json())"
    )["edges"]
    assert [e["label"] for e in edges] == ["is an example of"]
    screenshot(page, "connections-graph")
    assert_accessible(page)
