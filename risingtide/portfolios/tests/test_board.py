"""The pupil's board: one stage open at a time, cards with content, and every action coming back
to the thing it acted on with a word about what happened."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from risingtide.feedback.services import give
from risingtide.lib.testing import png_file
from risingtide.portfolios import queries, services, tools
from risingtide.portfolios.models import Item, StageWork

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_board_opens_at_the_current_stage_and_shows_one_stage(world):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    services.add_note(pupil, portfolio, "identify", "A question")
    page = queries.portfolio_page(pupil, portfolio)
    assert page["stage"].stage == "gather" and page["stage"].open
    assert [c.title for c in page["cards"]] == ["own note", "own picture"]
    assert {s.stage: s.count for s in page["stages"]}["identify"] == 1

    services.set_stage_done(pupil, portfolio, "gather", True)
    page = queries.portfolio_page(pupil, portfolio)
    assert page["stage"].stage == "identify"
    assert [c.title for c in page["cards"]] == ["A question"]
    assert next(s for s in page["stages"] if s.stage == "gather").done

    other = queries.portfolio_page(pupil, portfolio, queries.ItemFilter(stage="gather"))
    assert other["stage"].stage == "gather" and other["next_stage"].stage == "identify"


def test_searching_finds_things_in_every_stage_in_the_wheels_order(world):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    services.add_note(pupil, portfolio, "decide", "Bees decide")
    services.add_note(pupil, portfolio, "identify", "Bees identify")
    found = queries.portfolio_page(pupil, portfolio, queries.ItemFilter(text="bees"))
    assert [(c.title, c.stage_title) for c in found["cards"]] == [
        ("Bees identify", "Identify"),
        ("Bees decide", "Decide"),
    ]
    # An address that names a stage searches that stage only, as the API's filter does.
    one = queries.portfolio_page(pupil, portfolio, queries.ItemFilter(stage="decide", text="bees"))
    assert [c.title for c in one["cards"]] == ["Bees decide"]


def test_cards_say_what_each_item_holds(world):
    pupil, teacher = world.user("pupil@own"), world.user("teacher@own")
    portfolio = world.portfolios["own"]
    note = services.add_note(pupil, portfolio, "gather", "Facts")
    services.save_note(pupil, note, "# Bees\n\nThey **make** honey. " + "More words. " * 40, 1)
    sheet = services.add_upload(
        pupil,
        portfolio,
        "gather",
        "Sheet",
        SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
    )
    services.connect(pupil, portfolio, note.pk, sheet.pk, "supports", "")
    services.connect(pupil, portfolio, world.uploads["own"].pk, note.pk, "shows", "")
    give(teacher, portfolio, "praise", "Lovely", item_id=note.pk)
    services.update_item(
        pupil, note, title="Facts", stage="gather", importance=4, categories=["bees"]
    )
    cards = {c.title: c for c in queries.portfolio_page(pupil, portfolio)["cards"]}

    facts = cards["Facts"]
    assert facts.snippet.startswith("Bees They make honey. More words.")
    assert facts.snippet.endswith("…") and len(facts.snippet) <= 141
    assert (facts.label, facts.icon) == ("Note", "pencil")
    assert (facts.importance, facts.connections) == (4, 2)
    assert (facts.feedback, facts.unread) == (1, 1) and facts.categories == ["bees"]
    assert (cards["Sheet"].label, cards["Sheet"].icon, cards["Sheet"].picture_url) == (
        "PDF",
        "file-text",
        "",
    )
    picture = cards["own picture"]
    assert picture.label == "Picture"
    assert picture.picture_url == reverse("portfolios:item_thumbnail", args=[picture.pk])
    # The teacher wrote it, so it is not news to them; the pupil reading it makes it old news.
    teachers = {c.title: c for c in queries.portfolio_page(teacher, portfolio)["cards"]}
    assert (teachers["Facts"].feedback, teachers["Facts"].unread) == (1, 0)


def test_reading_the_feedback_clears_the_badge(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    note = world.items["own"]  # the tiny world's teacher left a next step on it
    client = client_for(pupil)
    board = client.get(reverse("portfolios:portfolio", args=[portfolio.pk])).content.decode()
    assert (
        "1 new" in board
        and f'href="{reverse("portfolios:item", args=[note.pk])}#feedback"' in board
    )
    client.get(reverse("portfolios:item", args=[note.pk]))
    board = client.get(reverse("portfolios:portfolio", args=[portfolio.pk])).content.decode()
    assert "1 new" not in board and "feedback (1)" in board


def test_a_hostile_note_is_plain_text_on_its_card(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    note = services.add_note(pupil, portfolio, "gather", "X")
    services.save_note(pupil, note, "<img src=x onerror=alert(1)> *hi*", 1)
    html = (
        client_for(pupil).get(reverse("portfolios:portfolio", args=[portfolio.pk])).content.decode()
    )
    assert "&lt;img src=x onerror=alert(1)&gt; hi" in html and "<img src=x" not in html


def test_finishing_a_stage_goes_on_to_the_next_and_says_so(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    client = client_for(pupil)
    response = client.post(
        reverse("portfolios:stage_done", args=[portfolio.pk, "gather"]), {"done": "1"}
    )
    assert response["Location"].endswith("?stage=identify#stage")
    assert _said(response) == ["Well done! You finished Gather and Organise. Now: Identify."]
    board = client.get(response["Location"]).content.decode()
    assert '<h2 id="stage" tabindex="-1">Identify</h2>' in board

    response = client.post(
        reverse("portfolios:stage_done", args=[portfolio.pk, "gather"]), {"done": "0"}
    )
    assert response["Location"].endswith("?stage=gather#stage")
    assert _said(response) == ["Gather and Organise is open again."]
    last = client.post(
        reverse("portfolios:stage_done", args=[portfolio.pk, "learn"]), {"done": "1"}
    )
    assert last["Location"].endswith("?stage=learn#stage")
    assert "the last stage" in _said(last)[-1]


def test_adding_comes_back_to_the_new_card(world, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    client = client_for(pupil)
    board = reverse("portfolios:portfolio", args=[portfolio.pk])

    response = client.post(
        reverse("portfolios:add_upload", args=[portfolio.pk]),
        {"stage": "decide", "title": "", "file": png_file("hive.png")},
    )
    item = portfolio.items.get(file_name="hive.png")
    assert response["Location"] == f"{board}?stage=decide#item-{item.pk}"
    assert _said(response) == ["Your picture “hive.png” is on the board."]

    # The board's one box sends its words as the title, whichever button was pressed.
    response = client.post(
        reverse("portfolios:add_clipping", args=[portfolio.pk]),
        {"stage": "decide", "title": "example.org/bees"},
    )
    clip = portfolio.items.get(kind=Item.Kind.CLIPPING)
    assert clip.url == "https://example.org/bees"
    assert response["Location"] == f"{board}?stage=decide#item-{clip.pk}"
    card = client.get(
        reverse("portfolios:clip_status", args=[clip.pk]), {"card": "1"}
    ).content.decode()
    assert "Getting the page…" in card and 'hx-trigger="every 2s"' in card

    refused = client.post(
        reverse("portfolios:add_clipping", args=[portfolio.pk]),
        {"stage": "decide", "title": "bees"},
    )
    assert refused["Location"] == f"{board}?stage=decide#add"
    assert "web address" in _said(refused)[-1]
    nothing = client.post(
        reverse("portfolios:add_upload", args=[portfolio.pk]), {"stage": "decide"}
    )
    assert nothing["Location"] == f"{board}?stage=decide#add"


def test_up_and_down_come_back_to_the_button_and_drag_answers_json(world, client_for):
    pupil, first = world.user("pupil@own"), world.items["own"]
    client = client_for(pupil)
    response = client.post(reverse("portfolios:move_item", args=[first.pk]), {"direction": "down"})
    assert response["Location"].endswith(f"?stage=gather#down-{first.pk}")
    assert _said(response) == ["Moved “own note” to place 2."]
    dragged = client.post(reverse("portfolios:move_item", args=[first.pk]), {"to": "0"})
    assert dragged.json() == {"index": 0}


def test_the_thinking_tool_autosaves_with_a_version_check(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    client = client_for(pupil)
    url = reverse("portfolios:stage_tool", args=[portfolio.pk, "generate"])
    auto = {"HTTP_ACCEPT": "application/json"}
    saved = client.post(url, {"ideas": "A hive\nA log", "version": "0"}, **auto)
    assert saved.status_code == 200 and saved.json()["version"] == 1
    again = client.post(url, {"ideas": "A hive\nA log\nA pot", "version": "1"}, **auto)
    assert again.json()["version"] == 2
    stale = client.post(url, {"ideas": "Old", "version": "1"}, **auto)
    assert stale.status_code == 409 and stale.json()["version"] == 2
    assert "Someone else saved" in stale.json()["message"]
    assert client.post(url, {"ideas": "x", "version": "x"}, **auto).status_code == 400
    work = StageWork.objects.get(portfolio=portfolio, stage="generate")
    assert work.data["ideas"] == ["A hive", "A log", "A pot"]
    # Without script, Save posts the form and comes back to the Save button.
    plain = client.post(url, {"ideas": "A hive", "version": "2"})
    assert plain["Location"] == f"{url}#tool-save"


def test_the_journal_autosaves_a_draft_and_adds_it_when_asked(world):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    tools.save_stage_work(pupil, portfolio, "learn", QueryDict("entry=I+learn&draft=1"), 0)
    tools.save_stage_work(pupil, portfolio, "learn", QueryDict("entry=I+learned&draft=1"), 1)
    work = StageWork.objects.get(portfolio=portfolio, stage="learn")
    assert work.data == {"entries": [], "draft": "I learned"}
    tools.save_stage_work(pupil, portfolio, "learn", QueryDict("entry=I+learned"), 2)
    work.refresh_from_db()
    assert [e["text"] for e in work.data["entries"]] == ["I learned"] and work.data["draft"] == ""


def test_the_tool_panel_says_what_the_tool_holds(world):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    tools.save_stage_work(pupil, portfolio, "gather", QueryDict("known=Bees%0AHoney"), 0)
    page = queries.portfolio_page(pupil, portfolio)
    assert page["stage"].tool_name == "Mind dump: what I already know"
    assert page["stage"].tool_summary == "2 things you know"
    assert tools.summary("implement", {"steps": [{"done": True}, {}]}) == "1 of 2 steps done"
    assert tools.summary("decide", {}) == ""


def test_connections_come_back_to_the_connection(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    note, picture = world.items["own"], world.uploads["own"]
    client = client_for(pupil)
    page = reverse("portfolios:connections", args=[portfolio.pk])
    response = client.post(
        reverse("portfolios:add_connection", args=[portfolio.pk]),
        {"source": picture.pk, "target": note.pk, "label": "shows", "reason": ""},
    )
    connection = portfolio.connections.get()
    assert response["Location"] == f"{page}?added={connection.pk}#connection-{connection.pk}"
    assert _said(response) == ["Connection added: own picture shows own note."]
    html = client.get(response["Location"]).content.decode()
    assert f'data-selected="c{connection.pk}"' in html
    assert f'<li id="connection-{connection.pk}" tabindex="-1" class="is-new">' in html

    same = client.post(
        reverse("portfolios:add_connection", args=[portfolio.pk]),
        {"source": picture.pk, "target": note.pk, "label": "shows"},
    )
    assert same["Location"] == f"{page}#id_source" and "already" in _said(same)[-1]
    gone = client.post(reverse("portfolios:remove_connection", args=[portfolio.pk, connection.pk]))
    assert gone["Location"] == f"{page}#list-title" and _said(gone)[-1] == "Connection removed."


def test_graph_nodes_say_what_and_where(world, client_for):
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    data = client_for(pupil).get(reverse("portfolios:graph", args=[portfolio.pk])).json()
    nodes = {n["title"]: n for n in data["nodes"]}
    assert nodes["own note"]["kind_label"] == "Note" and nodes["own note"]["picture"] == ""
    assert nodes["own picture"]["kind_label"] == "Picture"
    assert nodes["own picture"]["picture"] == reverse(
        "portfolios:item_thumbnail", args=[nodes["own picture"]["item"]]
    )
    assert nodes["own note"]["stage_title"] == "Gather and Organise"
    assert data["stages"][0] == "gather"
