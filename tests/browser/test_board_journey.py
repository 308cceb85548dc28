"""A seven-year-old's journey round the board, as issue 16 tells it: open a project, add a note,
add a picture, paste a link, finish the stage and arrive at the next. Once with the keyboard
alone (every step reached by Tab, pressed with Enter or Space, and the focus left on what was
acted on), once on a phone by touch (every target at least 44 px; a picture dropped on the
stage; a card dragged into a new place)."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, FileChooser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios.models import Item
from risingtide.portfolios.tasks import fetch_clipping
from tests.browser.axe import assert_accessible
from tests.browser.board_world import fill_portfolio
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def _png(colour=(240, 190, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "PNG")
    return out.getvalue()


def tab_to(page: Page, target: Locator, backwards: bool = False, most: int = 60) -> int:
    """Press Tab (or Shift+Tab) until ``target`` has the focus; how many presses it took."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, most + 1):
        page.keyboard.press(key)
        if target.evaluate("(el) => el === document.activeElement"):
            return presses
    raise AssertionError(f"{target} never got the focus in {most} presses of {key}")


def open_chooser_with_space(page: Page, picker: Locator, tries: int = 3) -> FileChooser:
    """Press Space on the focused file button and return the chooser it opens.

    A busy CI machine has once let a Space press go by without a chooser (the press reached the
    input, Chromium showed nothing in 30 s), so a press that opens nothing in 10 s is tried
    again, the focus checked first; the keyboard is still the only way in."""
    for attempt in range(1, tries + 1):
        expect(picker).to_be_focused()
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


def test_the_journey_with_the_keyboard_alone(page: Page, tiny_world, page_server):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    tab_to(page, page.get_by_role("link", name="own project", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Open my portfolio"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Gather and Organise")).to_be_visible()
    assert_accessible(page)

    # A note: its title in the Add box, Enter, then its words (the focus is already there).
    add = page.get_by_label("Add to Gather and Organise")
    tab_to(page, add)
    page.keyboard.type("Bee facts")
    page.keyboard.press("Enter")
    note = page.get_by_label("Your note")
    expect(note).to_be_focused()
    expect(page.locator("#note-status")).to_have_text(re.compile("Your new note is ready"))
    page.keyboard.type("Bees **dance** to tell each other where flowers are.")
    expect(page.locator("#note-status")).to_have_text("All changes saved.")
    tab_to(page, page.get_by_role("link", name="Back to the portfolio"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Bee facts")).to_be_focused()  # back on its card
    expect(page.locator(".card", has_text="Bee facts")).to_contain_text("Bees dance to tell")

    # A picture: the file button opens the chooser, and the choice goes in at once.
    picker = page.get_by_label("Add a Picture or file")
    tab_to(page, picker, backwards=True)
    expect(picker).to_be_focused()  # a busy machine must not press Space before focus lands
    chooser = open_chooser_with_space(page, picker)
    chooser.set_files(files=[{"name": "garden.png", "mimeType": "image/png", "buffer": _png()}])
    expect(page.get_by_text("Your picture “garden.png” is on the board.")).to_be_visible()
    expect(page.get_by_role("link", name="garden.png", exact=True)).to_be_focused()
    card = page.locator(".card", has_text="garden.png")
    expect(card.locator(".card-picture img")).to_be_visible()
    expect(card).to_contain_text("Picture")

    # A link, pasted into the box: Enter adds it as a link, and its page arrives on the card.
    tab_to(page, add, backwards=True)
    page.keyboard.insert_text(page_server)
    expect(page.locator("#board-status")).to_have_text(re.compile("That is a web address"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your link is on the board. Getting the page…")).to_be_visible()
    clip = Item.objects.get(url=page_server)
    link = page.locator(f"#item-{clip.pk}")
    expect(link).to_be_focused()
    expect(page.locator(f"#card-{clip.pk}")).to_contain_text("Getting the page")
    assert fetch_clipping.call(clip.pk) == "ready"  # the worker's part
    expect(page.locator(f"#card-{clip.pk}")).to_contain_text("Garden Wildlife", timeout=10_000)

    # Moving a card up: no page load, the focus stays on Up, the move is said.
    up = page.get_by_role("button", name="Up Bee hotels")
    tab_to(page, up)
    page.keyboard.press("Enter")
    expect(page.locator("#board-status")).to_have_text("Moved Bee hotels to place 4 of 5.")
    expect(up).to_be_focused()
    cards = page.locator(".stage-board li.card .card-link")
    expect(cards.nth(3)).to_have_text("Bee hotels")

    screenshot(page, "board-journey-1280")
    assert_accessible(page)

    # Finished: on to the next stage, said in words, with the focus on its title.
    tab_to(page, page.get_by_role("button", name="I have finished this stage"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Identify")).to_be_focused()
    expect(
        page.get_by_text("Well done! You finished Gather and Organise. Now: Identify.")
    ).to_be_visible()
    gather = page.get_by_role("link", name=re.compile("^Stage 1: Gather and Organise"))
    expect(gather).to_contain_text("done")
    expect(page.get_by_role("link", name=re.compile("^Stage 2: Identify"))).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "board-next-stage-1280")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "board-next-stage-390")
    assert_accessible(page)


# Everything a finger presses on the board (the file input hides behind its label).
TARGETS = """() => Array.from(document.querySelectorAll(
    "main a[href], main button, main input:not([type=hidden]):not([type=file]), main select, "
    + "main summary, main label.file-label, main .drag-handle"))
  .filter((el) => el.getClientRects().length && !el.closest("[hidden], .visually-hidden"))
  .map((el) => el.matches(".card-link") ? el.closest(".card") : el)  // it covers its card
  .map((el) => { const r = el.getBoundingClientRect();
    return { what: (el.textContent || el.name || el.tagName).trim().slice(0, 40),
             width: Math.round(r.width), height: Math.round(r.height) }; })"""


def test_the_board_by_touch_on_a_phone(browser: Browser, server, tiny_world, browser_log):
    portfolio = fill_portfolio(tiny_world)
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
        locale="en-GB",
    )
    page = context.new_page()
    page.on("pageerror", browser_log.on_page_error)
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/")
    expect(page.get_by_role("heading", level=2, name="Identify")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways
    small = [t for t in page.evaluate(TARGETS) if t["width"] < 44 or t["height"] < 44]
    assert small == [], f"targets under 44 px: {small}"
    screenshot(page, "board-phone-390")
    assert_accessible(page)

    # Tapping a stage on the wheel opens it.
    page.locator(".wheel-links a").nth(0).tap()
    expect(page.get_by_role("heading", level=2, name="Gather and Organise")).to_be_visible()
    page.locator(".wheel-links a").nth(1).tap()
    expect(page.get_by_role("heading", level=2, name="Identify")).to_be_visible()

    # A picture dropped anywhere on the stage goes in.
    stage = page.locator(".stage-board")
    transfer = page.evaluate_handle(
        """(bytes) => { const t = new DataTransfer();
            t.items.add(new File([new Uint8Array(bytes)], "pond.png", { type: "image/png" }));
            return t; }""",
        list(_png((60, 120, 200))),
    )
    stage.dispatch_event("dragover", {"dataTransfer": transfer})
    stage.dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.get_by_text("Your picture “pond.png” is on the board.")).to_be_visible()

    # A card dragged by its handle with a finger moves, and stays moved.
    cards = page.locator(".stage-board li.card")
    last = cards.last
    expect(last).to_contain_text("pond.png")
    handle = last.locator(".drag-handle")
    cards.nth(4).evaluate("(card) => card.scrollIntoView({ block: 'start' })")  # both in view
    start = handle.bounding_box()
    goal = cards.nth(4).bounding_box()
    cdp = context.new_cdp_session(page)
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    steps = 12
    for n in range(1, steps + 1):
        ty = y + (goal["y"] + 10 - y) * n / steps
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": ty}]}
        )
        page.wait_for_timeout(30)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(page.locator("#board-status")).to_have_text(re.compile("Moved pond.png to place 5 of 6"))
    page.reload()
    expect(page.locator(".stage-board li.card .card-link").nth(4)).to_have_text("pond.png")
    context.close()


def test_the_graph_and_its_pictures(page: Page, tiny_world):
    """The connections page with some of everything: cards by stage, words on the lines, the
    form beside the graph; and the before/after pictures for docs/img."""
    portfolio = fill_portfolio(tiny_world)
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/connections/")
    expect(page.locator("#graph.ready")).to_be_visible()
    zoom = page.evaluate("() => document.getElementById('graph').graph.zoom()")
    assert zoom >= 0.85  # labels readable as it opens
    nodes = page.evaluate(
        """() => document.getElementById('graph').graph.nodes().map((n) => n.data('label'))"""
    )
    assert "Bee hotels\nLink · Identify" in nodes
    # The form sits beside the graph on a wide screen, not below the feedback.
    graph_box = page.locator("#graph").bounding_box()
    form_box = page.locator("#connection-form").bounding_box()
    assert form_box["x"] > graph_box["x"] + graph_box["width"] - 1
    assert form_box["y"] < graph_box["y"] + graph_box["height"]
    page.wait_for_timeout(200)
    screenshot(page, "graph-1280")
    assert_accessible(page)

    page.get_by_label("From").select_option(label="Words to look up (Identify)")
    page.get_by_label("How are they connected?").fill("explains")
    page.get_by_label("To").select_option(label="Bee fact sheet (Identify)")
    page.get_by_role("button", name="Add the connection").click()
    added = page.locator(".connection-list li.is-new")
    expect(added).to_be_focused()
    expect(added).to_contain_text("Words to look up explains Bee fact sheet")
    expect(page.locator("#graph.ready")).to_be_visible()
    picked = page.evaluate(
        "() => document.getElementById('graph').graph.edges('.picked').map((e) => e.data('label'))"
    )
    assert picked == ["explains"]
    page.get_by_role("button", name="Remove Words to look up explains Bee fact sheet").click()
    expect(page.get_by_text("Connection removed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Every connection")).to_be_focused()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#graph.ready")).to_be_visible()
    page.wait_for_timeout(200)
    screenshot(page, "graph-390")
    assert_accessible(page)
