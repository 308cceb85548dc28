"""Notes are Markdown: formatted, but nothing a pupil types can become script or a tracker."""

from html.parser import HTMLParser

import pytest

from risingtide.lib.markup import markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)">',
    "<iframe src=https://example.org></iframe>",
    "![x](https://tracker.example/pixel.png)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "`<script>` and ```\n<script>alert(1)</script>\n```",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_becomes_markup(payload):
    parser = _Tags()
    parser.feed(markdown(payload))
    for tag, attrs in parser.seen:
        assert tag in {"p", "a", "code", "pre", "br"}, tag
        assert set(attrs) <= {"href", "rel"}, attrs
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), attrs


def test_formatting_survives_and_headings_fit_the_page():
    html = markdown(
        "# Bees\n**busy** and *small*\n\n- one\n- two\n\n[RSPB](https://www.rspb.org.uk)"
    )
    assert "<h3>Bees</h3>" in html
    assert "<strong>busy</strong>" in html and "<em>small</em>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://www.rspb.org.uk" rel="noopener noreferrer nofollow">RSPB</a>' in html


def test_line_breaks_are_kept_as_a_child_types_them():
    assert "<br" in markdown("roses are red\nviolets are blue")
