"""Pupils' notes are Markdown: rendered here to HTML, then cleaned by nh3 whatever the renderer
let through. Raw HTML in a note is shown as text, never as markup; pictures from other sites
are not shown (they would tell a stranger's server who is reading, and CSP blocks them anyway).
"""

from html import unescape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table").disable("image")

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "hr",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def markdown(text: str) -> SafeString:
    """Safe HTML for a note. A note's headings start at h3: the page has its own h1 and h2."""
    tokens = _md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    html = _md.renderer.render(tokens, _md.options, {})
    # nh3 has just removed every tag and attribute not in the lists above.
    return mark_safe(  # noqa: S308
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def plain_text(text: str, limit: int = 160) -> str:
    """The first words of a note as plain text (for a card): the Markdown rendered and cleaned
    as above, then every tag dropped. Only the start is read, so a long note costs no more."""
    html = markdown(text[: limit * 4])
    words = " ".join(unescape(nh3.clean(html, tags=set())).split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
