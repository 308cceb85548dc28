"""The whole TASC journey, as the issue tells it: a teacher sets a project to a class; a pupil
clips a page (served on loopback), uploads a picture, writes a note, orders and connects items in
the graph and in the text view, and works through every stage's thinking tool; the teacher
sees it all in the progress grid. Screenshots of the wheel, portfolio, graph and grid."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_PASSWORD
from risingtide.people.models import User
from risingtide.portfolios.models import Item
from risingtide.portfolios.tasks import fetch_clipping
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser

TITLE = "Bee hotels for the school garden"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 190, 40)).save(out, "PNG")
    return out.getvalue()


def _teacher_sets_the_project(page: Page) -> None:
    sign_in_and_land_home(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Brief").fill("Find out what solitary bees need, then design them a home.")
    page.get_by_label("Key stage").select_option("ks3")
    page.get_by_label("Success criteria").fill("It shelters bees\nI can explain my design")
    page.get_by_role("button", name="Save project").click()
    page.get_by_role("link", name="Set to pupils").click()
    page.get_by_label("7A").check()
    page.get_by_role("button", name="Set the project").click()
    page.get_by_role("button", name="Open to pupils").click()
    expect(page.get_by_text("The project is now open.")).to_be_visible()
    sign_out(page)


def _collect(page: Page, clip_url: str) -> None:
    gather = page.locator("#stage-gather")
    page.get_by_label("Web address to clip into Gather and Organise").fill(clip_url)
    gather.get_by_role("button", name="Clip").click()
    expect(page.get_by_text("Fetching the page")).to_be_visible()
    assert fetch_clipping.call(Item.objects.get(url=clip_url).pk) == "ready"  # the worker's part
    expect(page.get_by_text("Garden Wildlife")).to_be_visible(timeout=10_000)
    page.get_by_role("link", name="Back to the portfolio").click()

    page.get_by_label("Add a file to Gather and Organise").set_input_files(
        files=[{"name": "hive.png", "mimeType": "image/png", "buffer": _png()}]
    )
    gather.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("img", name="hive.png")).to_be_visible()
    page.get_by_role("link", name="Back to the portfolio").click()

    page.get_by_label("Title of a new note for Gather and Organise").fill("What I know")
    gather.get_by_role("button", name="Add a note").click()
    expect(page.locator("form.autosave[data-ready]")).to_have_count(1)
    page.get_by_label("Your note").fill("**Solitary** bees nest in hollow stems.")
    expect(page.get_by_role("status")).to_have_text("All changes saved.")
    expect(page.locator("#note-preview strong")).to_have_text("Solitary")
    page.get_by_role("link", name="Back to the portfolio").click()


def _reorder(page: Page) -> None:
    cards = page.locator("#stage-gather li.card")
    expect(cards).to_have_count(3)
    expect(cards.nth(2)).to_contain_text("What I know")
    cards.nth(2).drag_to(cards.nth(0))
    expect(page.locator("#reorder-status")).to_contain_text("Moved What I know to place 1 of 3")
    page.reload()
    expect(page.locator("#stage-gather li.card").nth(0)).to_contain_text("What I know")


def _connect(page: Page) -> None:
    page.get_by_role("link", name="Connections between items").click()
    box = page.locator("#graph.ready")
    expect(box).to_be_visible()
    nodes = page.evaluate(
        """() => document.getElementById("graph").graph.nodes().map((n) => (
            { title: n.data("label"), ...n.renderedPosition() }))"""
    )
    at = {n["title"]: n for n in nodes}
    origin = box.bounding_box()
    for title in ("hive.png", "What I know"):  # click one node, then the other
        page.mouse.click(origin["x"] + at[title]["x"], origin["y"] + at[title]["y"])
    expect(page.get_by_label("From")).to_have_value(str(Item.objects.get(title="hive.png").pk))
    page.get_by_label("How are they connected?").fill("supports")
    page.get_by_label("Why? (one sentence)").fill("The picture shows a real nest")
    page.get_by_role("button", name="Add the connection").click()
    expect(page.get_by_text("Connection added.")).to_be_visible()

    # The same again from the keyboard-friendly text view.
    page.get_by_label("From").select_option(label="Bee hotels (Gather and Organise)")
    page.get_by_label("How are they connected?").fill("is an example of")
    page.get_by_label("To").select_option(label="What I know (Gather and Organise)")
    page.get_by_role("button", name="Add the connection").click()
    expect(page.locator(".connection-list li")).to_have_count(2)
    expect(page.locator(".connection-list")).to_contain_text("hive.png supports What I know")
    edges = page.evaluate(
        "() => fetch(document.getElementById('graph').dataset.graphUrl).then(r => r.json())"
    )["edges"]
    assert sorted(e["label"] for e in edges) == ["is an example of", "supports"]
    expect(page.locator("#graph.ready")).to_be_visible()
    screenshot(page, "journey-graph")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the portfolio").click()


def _tool(page: Page, stage_title: str, fill) -> None:
    page.get_by_role("link", name=f"Open the thinking tool for {stage_title}").click()
    fill()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name="I have finished this stage").click()
    expect(page.locator(".stage-panel .tag", has_text="done")).not_to_have_count(0)


def _every_stage(page: Page) -> None:
    _tool(
        page,
        "Gather and Organise",
        lambda: page.get_by_label(re.compile("^Everything I already know")).fill(
            "Bees nest in stems\nSome bees live alone"
        ),
    )
    _tool(
        page,
        "Identify",
        lambda: page.get_by_label(re.compile("^My questions")).fill("Where do bees nest?"),
    )
    _tool(
        page,
        "Generate",
        lambda: page.get_by_label(re.compile("^My ideas")).fill("Bamboo tubes\nDrilled log"),
    )

    def decide():
        page.get_by_label(re.compile("^What makes an idea good")).fill("cost\ntime")
        page.get_by_role("button", name="Save", exact=True).click()
        page.locator("#s-0-0").select_option("3")
        page.locator("#s-1-0").select_option("1")
        page.get_by_label("Choose Bamboo tubes").check()
        page.get_by_label("Why I chose this idea").fill("Cheapest")

    _tool(page, "Decide", decide)

    def implement():
        page.get_by_label("Step 1", exact=True).fill("Cut the bamboo")
        page.get_by_label("Step 1: who").fill("Me")

    _tool(page, "Implement", implement)

    def evaluate():
        page.get_by_label(re.compile("^⭐ First star")).fill("Bees moved in")
        page.get_by_label(re.compile("^⭐ Second star")).fill("It was cheap")
        page.get_by_label(re.compile("^A wish")).fill("Add a roof")
        page.get_by_role("group", name="It shelters bees").get_by_label("met").check()

    _tool(page, "Evaluate", evaluate)

    def communicate():
        page.get_by_label(re.compile("^Who I will tell")).fill("Year 7 assembly")
        page.get_by_label("hive.png").check()
        page.get_by_label("What I know").check()

    _tool(page, "Communicate", communicate)
    _tool(
        page,
        "Learn from Experience",
        lambda: page.get_by_label(re.compile("^New entry")).fill("Plan the cutting first"),
    )


def test_teacher_sets_a_project_and_a_pupil_goes_round_the_wheel(page: Page, demo, page_server):
    _teacher_sets_the_project(page)

    sign_in_and_land_home(page, "pupil", DEMO_PASSWORD)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Open my portfolio").click()
    _collect(page, page_server)
    _reorder(page)
    screenshot(page, "journey-portfolio")
    assert_accessible(page)
    _connect(page)
    _every_stage(page)

    wheel = page.get_by_role("img", name="Where this portfolio is on the TASC wheel")
    expect(page.locator(".stage-panel h2 .tag", has_text="done")).to_have_count(8)
    screenshot(page, "journey-wheel", wheel)
    assert_accessible(page)
    page.get_by_role("link", name="Presentation").click()
    expect(page.get_by_role("img", name="hive.png")).to_be_visible()
    sign_out(page)

    sign_in_and_land_home(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Progress").click()
    pupil = User.objects.get(username="pupil")
    row = page.get_by_role("row", name=re.compile(f"{pupil.last_name}, {pupil.first_name}"))
    expect(row.locator("td", has_text="done")).to_have_count(8)
    expect(row).to_contain_text("(3)")  # three items in Gather and Organise
    screenshot(page, "journey-progress-grid")
    assert_accessible(page)
