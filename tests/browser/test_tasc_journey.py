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
from tests.browser.steps import board_ready, made, screenshot, sign_in_and_land_home, sign_out

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
    add = page.get_by_label("Add to Gather and Organise")
    board_ready(page)
    add.fill(clip_url)
    add.press("Enter")  # a web address: Enter adds it as a link
    clip = made(lambda: Item.objects.filter(url=clip_url).first())
    card = page.locator(f"#card-{clip.pk}")
    expect(card).to_contain_text("Getting the page")
    assert fetch_clipping.call(clip.pk) == "ready"  # the worker's part
    expect(card).to_contain_text("Garden Wildlife", timeout=10_000)

    page.get_by_label("Add a Picture or file").set_input_files(
        files=[{"name": "hive.png", "mimeType": "image/png", "buffer": _png()}]
    )  # chosen: it goes in at once
    expect(page.get_by_text("Your picture “hive.png” is on the board.")).to_be_visible()
    expect(page.get_by_role("link", name="hive.png", exact=True)).to_be_focused()

    page.get_by_label("Add to Gather and Organise").fill("What I know")
    page.get_by_role("button", name="Add a Note").click()
    expect(page.locator("form.autosave[data-ready]")).to_have_count(1)
    page.get_by_label("Your note").fill("**Solitary** bees nest in hollow stems.")
    expect(page.locator("#note-status")).to_have_text("All changes saved.")
    expect(page.locator("#note-preview strong")).to_have_text("Solitary")
    page.get_by_role("link", name="Back to the portfolio").click()


def _reorder(page: Page) -> None:
    cards = page.locator(".stage-board li.card")
    expect(cards).to_have_count(3)
    expect(cards.nth(2)).to_contain_text("What I know")
    # Dragged by its handle with the mouse, in small steps as a hand moves.
    handle, goal = cards.nth(2).locator(".drag-handle").bounding_box(), cards.nth(0).bounding_box()
    page.mouse.move(handle["x"] + 20, handle["y"] + 20)
    page.mouse.down()
    page.mouse.move(goal["x"] + 30, goal["y"] + 20, steps=15)
    page.mouse.up()
    expect(page.locator("#board-status")).to_contain_text("Moved What I know to place 1 of 3")
    page.reload()
    expect(page.locator(".stage-board li.card").nth(0)).to_contain_text("What I know")


def _connect(page: Page) -> None:
    page.get_by_role("link", name="Connections").click()
    box = page.locator("#graph.ready")
    expect(box).to_be_visible()
    box.scroll_into_view_if_needed()  # the nodes are clicked where they are on the screen
    # Where each node is on the screen, read in one go with the box's own position, and only
    # once two reads a moment apart agree (the layout and the scroll may still be settling).
    where = """() => {
        const graph = document.getElementById("graph");
        const box = graph.getBoundingClientRect();
        return graph.graph.nodes().map((n) => ({
            title: n.data("title"),
            x: box.x + n.renderedPosition().x,
            y: box.y + n.renderedPosition().y,
        }));
    }"""
    nodes = page.evaluate(where)
    for _ in range(20):
        page.wait_for_timeout(100)
        again = page.evaluate(where)
        if again == nodes:
            break
        nodes = again
    at = {n["title"]: n for n in nodes}
    for title in ("hive.png", "What I know"):  # click one node, then the other
        page.mouse.click(at[title]["x"], at[title]["y"])
    expect(page.get_by_label("From")).to_have_value(str(Item.objects.get(title="hive.png").pk))
    page.get_by_label("How are they connected?").fill("supports")
    page.get_by_label("Why? (one sentence)").fill("The picture shows a real nest")
    page.get_by_role("button", name="Add the connection").click()
    expect(page.get_by_text("Connection added: hive.png supports What I know.")).to_be_visible()

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
    expect(page.locator("form[data-tool-autosave][data-ready]")).to_have_count(1)
    fill()
    page.locator("#tool-save").click()
    if stage_title in ("Decide", "Learn from Experience"):  # the server draws these again
        expect(page.get_by_text("Saved.")).to_be_visible()
    else:
        expect(page.locator("#tool-status")).to_have_text("All changes saved.")
    page.get_by_role("button", name="I have finished this stage").click()
    expect(page.get_by_text(f"You finished {stage_title}")).to_be_visible()


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
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("link", name="Open my portfolio").click()
    _collect(page, page_server)
    _reorder(page)
    screenshot(page, "journey-portfolio")
    assert_accessible(page)
    _connect(page)
    _every_stage(page)

    wheel = page.get_by_role("navigation", name="Stages of the TASC wheel")
    expect(wheel.locator(".stage-tab.is-done")).to_have_count(8)
    screenshot(page, "journey-wheel", page.locator(".board"))
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
    expect(row).to_contain_text("Gather and Organise: done, 3 items")
    screenshot(page, "journey-progress-grid")
    assert_accessible(page)
