"""What a clipped page is about: its title, description, site name and main picture from its
metadata, then an excerpt and a snapshot of its main content (:func:`extract`).

Kept apart from the tree it reads (:mod:`.tree`) and the sanitiser it calls
(:mod:`.snapshot`): this is the choice of what to keep, not how the page is read or cleaned.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from risingtide.lib.clip.snapshot import _snapshot
from risingtide.lib.clip.tree import (
    EXCERPT_CHARS,
    _absolute,
    _main_content,
    _Node,
    _paragraphs,
    _parse,
    _plain,
    _truncate,
    _walk,
    decode,
)

TITLE_CHARS = 300
DESCRIPTION_CHARS = 1_000
SITE_NAME_CHARS = 200


@dataclass(frozen=True)
class PageMetadata:
    title: str
    description: str
    site_name: str
    image_url: str | None  # absolute http(s), or None
    excerpt: str  # plain text, paragraphs separated by a blank line
    snapshot_html: str  # sanitised HTML fragment of the main content


# --- Putting it together ----------------------------------------------------------------------


def _first(meta: dict[str, str], *keys: str) -> str:
    for key in keys:
        if meta.get(key, "").strip():
            return meta[key]
    return ""


def _title_text(root: _Node) -> str:
    for node in _walk_all(root):
        if node.tag == "title":
            return "".join(c for c in node.children if isinstance(c, str))
    return ""


def _walk_all(node: _Node):
    """Elements in document order, not descending into <svg> or <math> (whose <title>s are
    tooltips, not the page's)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if current.tag not in ("svg", "math"):
            pending.extend(c for c in reversed(current.children) if isinstance(c, _Node))


def extract(html_: bytes | str, base_url: str, charset: str | None = None) -> PageMetadata:
    """What a pupil will see of the page at ``base_url`` without visiting it again.

    Prefers Open Graph and Twitter card metadata, then ``<title>`` and the description meta tag;
    the excerpt and snapshot come from the page's main content (``<article>``, ``<main>``, or
    the largest run of paragraphs), without navigation, scripts or forms.
    """
    page = _parse(decode(html_, charset))
    meta = page.meta
    base = base_url
    if page.base_href:
        base = _absolute(page.base_href, base_url) or base_url
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")

    headings = [n for n in _walk(page.root) if n.tag == "h1"]
    title = (
        _plain(_first(meta, "og:title", "twitter:title"), TITLE_CHARS)
        or _plain(_title_text(page.root), TITLE_CHARS)
        or (_plain(" ".join(_paragraphs(headings[0])), TITLE_CHARS) if headings else "")
        or host
    )
    description = _plain(
        _first(meta, "og:description", "twitter:description", "description"), DESCRIPTION_CHARS
    )
    site_name = _plain(_first(meta, "og:site_name", "application-name"), SITE_NAME_CHARS) or host
    image_url = None
    for key in (
        "og:image:secure_url",
        "og:image",
        "og:image:url",
        "twitter:image",
        "twitter:image:src",
    ):
        if meta.get(key) and (image_url := _absolute(meta[key], base)):
            break

    main = _main_content(page.root)
    excerpt = snapshot = ""
    if main is not None:
        excerpt = _truncate("\n\n".join(_paragraphs(main)), EXCERPT_CHARS)
        snapshot = _snapshot(main, base)
    return PageMetadata(title, description, site_name, image_url, excerpt, snapshot)
