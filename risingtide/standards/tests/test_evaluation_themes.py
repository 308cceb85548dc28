"""A draft self-evaluation a theme at a time: the summary of every theme's progress, the theme
shown, the way to the next, where each save comes back to, and the submit panel naming the
themes still to finish."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.standards import frameworks, queries, services
from risingtide.standards.models import EvidenceLink, Judgement, SelfEvaluation

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# The IQS as shipped: A 1-3, B 4, C 5-6, D 7-12, E 13-14.
THEMES = {"A": [1, 2, 3], "B": [4], "C": [5, 6], "D": [7, 8, 9, 10, 11, 12], "E": [13, 14]}


def answer(evaluation, numbers, level=2, evidence="Seen in lessons"):
    Judgement.objects.filter(evaluation=evaluation, element__number__in=numbers).update(
        level=level, evidence=evidence
    )


def page(client, evaluation, theme=None):
    url = reverse("standards:self_evaluation", args=[evaluation.pk])
    return client.get(url, {"theme": theme} if theme else {})


def elements_shown(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="element card" id="element-(\d+)"', body)]


def summary_of(body: str) -> dict[str, str]:
    """Each theme's link in the summary: code -> "n of m elements answered" (and "current")."""
    start = body.index('id="theme-progress"')
    nav = body[start : body.index("</nav>", start)]
    found = {}
    for attrs, code, count in re.findall(
        r'<a href="[^"]*\?theme=(?:[^"]*)"([^>]*)>\s*<span class="theme-step-name">(\w+) [^<]*'
        r'</span>\s*<span class="theme-step-count">(?:<span aria-hidden="true">✓ </span>)?([^<]*)'
        r"</span>",
        nav,
    ):
        found[code] = count + (" (current)" if 'aria-current="page"' in attrs else "")
    return found


def save_post(evaluation, number, level, evidence, next_steps=""):
    judgement = Judgement.objects.get(evaluation=evaluation, element__number=number)
    prefix = f"e{number}"
    return reverse("standards:self_evaluation_judge", args=[evaluation.pk, judgement.element_id]), {
        f"{prefix}-level": level,
        f"{prefix}-evidence": evidence,
        f"{prefix}-next_steps": next_steps,
        f"{prefix}-revision": judgement.revision,
    }


def test_a_new_draft_opens_at_its_first_theme_with_every_theme_summarised(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    body = page(lead, world.evaluations["own"]).content.decode()
    assert elements_shown(body) == THEMES["A"]
    assert summary_of(body) == {
        "A": "0 of 3 elements answered (current)",
        "B": "0 of 1 element answered",
        "C": "0 of 2 elements answered",
        "D": "0 of 6 elements answered",
        "E": "0 of 2 elements answered",
    }
    assert "0 of 14 elements answered" in body
    assert "Theme A: Effective teaching and learning strategies</h2>" in body
    assert re.search(r'rel="next".*</span> B Enabling curriculum entitlement and choice</a>', body)
    assert 'rel="prev"' not in body


def test_the_page_opens_at_the_first_theme_with_an_element_to_answer(world, client_for):
    draft = world.evaluations["own"]
    answer(draft, THEMES["A"] + THEMES["B"])
    # Element 5 has a level but no evidence: theme C is not finished.
    Judgement.objects.filter(evaluation=draft, element__number=5).update(level=3)
    lead = client_for(world.user("leading_teacher@own"))
    body = page(lead, draft).content.decode()
    assert elements_shown(body) == THEMES["C"]
    summary = summary_of(body)
    assert summary["A"] == "3 of 3 elements answered"
    assert summary["B"] == "1 of 1 element answered"
    assert summary["C"] == "0 of 2 elements answered (current)"
    assert "No evidence yet" in body  # element 5's heading says what it lacks
    assert 'class="theme-step is-complete"' in body


def test_once_every_element_is_answered_the_page_opens_at_the_first_theme(world, client_for):
    draft = world.evaluations["own"]
    answer(draft, range(1, 15))
    body = page(client_for(world.user("leading_teacher@own")), draft).content.decode()
    assert elements_shown(body) == THEMES["A"]
    assert "Every element has a level and evidence." in body


def test_a_theme_is_chosen_by_its_code_with_the_themes_either_side(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    body = page(lead, world.evaluations["own"], "D").content.decode()
    assert elements_shown(body) == THEMES["D"]
    assert summary_of(body)["D"].endswith("(current)")
    prev = re.search(r'<a href="([^"]+)" rel="prev"[^>]*>(.+?)</a>', body)
    nxt = re.search(r'<a href="([^"]+)" rel="next"[^>]*>(.+?)</a>', body)
    assert prev[1].endswith("?theme=C") and "Previous theme" in prev[2]
    assert prev[2].endswith("</span> C Assessment for learning")
    assert nxt[1].endswith("?theme=E") and "Next theme" in nxt[2]
    assert nxt[2].endswith("</span> E Strong partnerships beyond the school")
    last = page(lead, world.evaluations["own"], "E").content.decode()
    assert 'rel="next"' not in last


def test_a_theme_the_framework_does_not_have_is_not_found(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    assert page(lead, world.evaluations["own"], "Z").status_code == 404


def test_a_submitted_judgement_reads_whole(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    body = page(lead, world.evaluations["other"]).content.decode()
    assert elements_shown(body) == list(range(1, 15))
    assert 'id="theme-progress"' not in body


def test_a_save_comes_back_to_its_element_in_its_theme(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    url, data = save_post(draft, 8, 2, "Policy reviewed")
    response = lead.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("standards:self_evaluation", args=[draft.pk]) + "?theme=D#element-8"
    )
    body = lead.get(response["Location"]).content.decode()
    assert "Element 8 saved." in body
    assert summary_of(body)["D"] == "1 of 6 elements answered (current)"


def test_an_htmx_save_answers_with_the_element_its_focus_and_the_new_counts(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    answer(draft, [13])
    url, data = save_post(draft, 14, 3, "Summer school")
    body = lead.post(url, data, **HTMX).content.decode()
    # The element, its heading marked to take the focus.
    assert re.search(r'<h3 id="element-14-name" tabindex="-1" data-focus>', body)
    assert "Saved " in body
    # Out of band: the summary (theme E now complete), the submit panel, the live region.
    assert 'id="theme-progress" aria-labelledby="theme-progress-heading" hx-swap-oob="true"' in body
    assert summary_of(body)["E"] == "2 of 2 elements answered (current)"
    assert "2 of 14 elements answered" in body
    assert 'id="submit-panel" hx-swap-oob="true"' in body
    news = re.search(r'<p id="evaluation-news" hx-swap-oob="innerHTML">([^<]*)</p>', body)
    assert news[1] == "Element 14 saved. Every element of theme E is answered."
    panel = body[body.index('id="submit-panel"') :]
    assert "E Strong partnerships" not in panel  # finished, so no longer listed
    assert "A Effective teaching and learning strategies</a>" in panel


def test_a_refused_htmx_save_keeps_the_words_and_says_so(world, client_for):
    draft = world.evaluations["own"]
    head = client_for(world.user("head@own"))
    lead = client_for(world.user("leading_teacher@own"))
    url, data = save_post(draft, 2, 1, "The head's view")
    head.post(url, data, **HTMX)
    url, data = save_post(draft, 2, 3, "My own view")
    data["e2-revision"] = 0  # the page the lead loaded before the head saved
    body = lead.post(url, data, **HTMX).content.decode()
    assert "My own view" in body and "The head&#x27;s view" in body
    assert "data-unsaved" in body and "Not saved." in body
    news = re.search(r'<p id="evaluation-news" hx-swap-oob="innerHTML">([^<]*)</p>', body)
    assert news[1] == "Element 2 was not saved: see why under its heading."
    assert re.search(r'<h3 id="element-2-name" tabindex="-1" data-focus>', body)


def test_evidence_added_or_removed_comes_back_to_its_theme(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    element_id = Judgement.objects.get(evaluation=draft, element__number=6).element_id
    added = lead.post(
        reverse("standards:self_evaluation_evidence", args=[draft.pk, element_id]),
        {"kind": "equity"},
    )
    page_url = reverse("standards:self_evaluation", args=[draft.pk])
    assert added["Location"] == f"{page_url}?theme=C#element-6"
    link = EvidenceLink.objects.get(judgement__evaluation=draft)
    removed = lead.post(
        reverse("standards:self_evaluation_evidence_remove", args=[draft.pk, link.pk])
    )
    assert removed["Location"] == f"{page_url}?theme=C#element-6"


def test_the_submit_panel_names_each_theme_still_to_finish_on_every_theme(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    answer(draft, [n for n in range(1, 15) if n not in (2, 9)])
    Judgement.objects.filter(evaluation=draft, element__number=9).update(level=2, evidence="")
    for theme in THEMES:
        body = page(lead, draft, theme).content.decode()
        panel = body[body.index('id="submit-panel"') :]
        assert "Submit the self-evaluation</button>" in panel
        items = re.findall(r"<li><a href=\"[^\"]+\?theme=(\w)\">[^<]+</a>: ([^<]+)</li>", panel)
        assert items == [
            ("A", "1 of 3 elements to answer: 2."),
            ("D", "1 of 6 elements to answer: 9 (needs evidence)."),
        ]


def test_a_teacher_reads_the_draft_a_theme_at_a_time_without_forms(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    body = page(teacher, world.evaluations["own"], "B").content.decode()
    assert elements_shown(body) == THEMES["B"]
    assert "Save element" not in body and 'id="submit-panel"' not in body
    assert summary_of(body)["B"].endswith("(current)")


def test_answered_means_what_submission_asks_for(world):
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    answer(draft, [1, 2])
    Judgement.objects.filter(evaluation=draft, element__number=3).update(level=1)
    Judgement.objects.filter(evaluation=draft, element__number=4).update(evidence="Notes")
    element_5 = Judgement.objects.get(evaluation=draft, element__number=5)
    Judgement.objects.filter(pk=element_5.pk).update(level=2)
    services.add_evidence(lead, draft, element_5.element_id, EvidenceLink.Kind.EQUITY)
    profile = queries.profile(SelfEvaluation.objects.get(pk=draft.pk))
    missing = {int(m.split()[1]) for m in services.missing(draft)}
    assert {r.element.number for r in profile.rows if not r.answered} == missing
    assert {r.element.number: r.needs for r in profile.rows[:5]} == {
        1: [],
        2: [],
        3: ["evidence"],
        4: ["a level"],
        5: [],
    }
    assert profile.answered == 3
    assert [(t.theme.code, t.answered, t.total) for t in profile.progress][:3] == [
        ("A", 2, 3),
        ("B", 0, 1),
        ("C", 1, 2),
    ]
    assert profile.theme_to_show().theme.code == "A"
    assert profile.theme_to_show("D").theme.code == "D"
    assert profile.theme_to_show("nope") is None


def _framework_of(themes: int, per_theme: int):
    """A framework of ``themes`` themes of ``per_theme`` elements each."""
    key = f"m{themes}x{per_theme}"
    text = "format: rising-tide-framework/1\n"
    text += f"framework: {{key: {key}, name: {key}, kind: school}}\n"
    text += "version: {label: '1'}\nthemes:\n"
    number = 0
    for t in range(themes):
        text += f"  - code: {chr(65 + t)}\n    name: Theme {t}\n    elements:\n"
        for _ in range(per_theme):
            number += 1
            text += (
                f"      - {{number: {number}, name: E{number}, "
                "levels: {entry: a, developing: b, exemplary: c}}\n"
            )
    return frameworks.load(frameworks.parse(text.encode()))


def _queries_for(client, url) -> int:
    client.get(url)  # the session and the like, warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_theme_reads_the_same_queries_whatever_its_size_or_the_frameworks(world, client_for):
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    draft = world.evaluations["own"]
    page_url = reverse("standards:self_evaluation", args=[draft.pk])
    counts = [_queries_for(client, f"{page_url}?theme={code}") for code in ("A", "B", "D")]
    _framework_of(2, 2)
    small = services.start(lead, world.schools["own"], framework_key="m2x2")
    _framework_of(8, 12)
    big = services.start(lead, world.schools["own"], framework_key="m8x12")
    for other in (small, big):
        counts.append(_queries_for(client, reverse("standards:self_evaluation", args=[other.pk])))
    assert len(set(counts)) == 1, counts


def test_an_htmx_save_reads_the_same_queries_for_a_small_or_a_big_framework(world, client_for):
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    _framework_of(2, 2)
    small = services.start(lead, world.schools["own"], framework_key="m2x2")
    _framework_of(8, 12)
    big = services.start(lead, world.schools["own"], framework_key="m8x12")
    counts = []
    for evaluation in (small, big):
        url, data = save_post(evaluation, 1, 2, "Evidence")
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url, data, **HTMX).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
