"""Hostile text in every place a pupil can type is shown as text on every page that shows it."""

from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse

from risingtide.portfolios import services, tools

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    """Every element that would run or fetch something the pupil wrote."""

    def __init__(self):
        super().__init__()
        self.hostile = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers or (tag == "script" and not attrs.get("src")) or attrs.get("src") == "x":
            self.hostile.append((tag, attrs))


PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"


def test_hostile_text_never_becomes_markup(world, client_for):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    note = services.add_note(pupil, portfolio, "gather", PAYLOAD, "")
    services.save_note(pupil, note, PAYLOAD + "\n\n**bold** " + PAYLOAD, 1)
    services.update_item(
        pupil, note, title=PAYLOAD[:200], stage="gather", importance=3, categories=[PAYLOAD[:40]]
    )
    services.annotate(pupil, note, PAYLOAD)
    services.connect(pupil, portfolio, note.pk, world.uploads["own"].pk, PAYLOAD[:60], PAYLOAD)
    q = QueryDict(mutable=True)
    q.setlist("item", [str(note.pk)])
    q["audience"] = PAYLOAD
    tools.save_stage_work(pupil, portfolio, "communicate", q, 0)
    tools.save_stage_work(pupil, portfolio, "gather", QueryDict(f"known={PAYLOAD}"), 0)
    pages = [
        reverse("portfolios:portfolio", args=[portfolio.pk]),
        reverse("portfolios:item", args=[note.pk]),
        reverse("portfolios:connections", args=[portfolio.pk]),
        reverse("portfolios:graph", args=[portfolio.pk]),
        reverse("portfolios:presentation", args=[portfolio.pk]),
        reverse("portfolios:stage_tool", args=[portfolio.pk, "gather"]),
        reverse("portfolios:stage_tool", args=[portfolio.pk, "communicate"]),
    ]
    teacher_only = [reverse("portfolios:project_progress", args=[portfolio.project_id])]
    for who in ("pupil@own", "teacher@own"):
        client = client_for(world.user(who))
        for url in pages + (teacher_only if who.startswith("teacher") else []):
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            if url.endswith(".json"):  # data, never a page: the graph script sets textContent
                assert response["Content-Type"] == "application/json"
                continue
            tags = _Tags()
            tags.feed(response.content.decode())
            assert tags.hostile == [], (who, url)
