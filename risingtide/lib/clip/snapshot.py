"""The snapshot: a readable copy of a clipped page's main content, rebuilt from an allow-list
of tags and attributes and then cleaned by nh3, and cleaned again (without pictures) each time
it is shown.

Kept apart from reading the page (:mod:`.tree`, :mod:`.metadata`) because this is the only part
of clipping whose output reaches a browser as HTML: it is the sanitiser.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe

from risingtide.lib.clip.tree import _INVISIBLE, _VOID, _absolute, _Node, _plain, _skipped

SNAPSHOT_CHARS = 200_000

# --- The snapshot -----------------------------------------------------------------------------

_SNAPSHOT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
# The clipping's own title is the page's heading; a heading inside it steps down a level.
_RENAMED = {"h1": "h2", "article": "div", "section": "div", "main": "div", "b": "strong"}
_SNAPSHOT_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
}
_CLEANER = nh3.Cleaner(
    tags=_SNAPSHOT_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "form", "template", "svg", "math"},
    attributes=_SNAPSHOT_ATTRIBUTES,
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


# Showing a stored snapshot cleans it again (whatever cleaner stored it) and leaves out its
# pictures: they live on other sites, which CSP blocks and which would learn who is reading.
_SHOW_CLEANER = nh3.Cleaner(
    tags=_SNAPSHOT_TAGS - {"img"},
    clean_content_tags={"script", "style", "iframe", "object", "form", "template", "svg", "math"},
    attributes={tag: names for tag, names in _SNAPSHOT_ATTRIBUTES.items() if tag != "img"},
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def show_snapshot(stored: str) -> SafeString:
    return mark_safe(_SHOW_CLEANER.clean(stored))  # noqa: S308  (just cleaned by nh3)


_KEEP_EMPTY = {"td", "th", "tr"}  # an empty cell still holds its column's place


def _snapshot(node: _Node, base: str) -> str:
    out: list[str] = []
    size = 0
    # Items are nodes to open, text, or (tag, index of its opening tag): an element's end.
    pending: list[_Node | str | tuple[str, int]] = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            tag, start = item
            if tag not in _KEEP_EMPTY and all(not part.strip() for part in out[start + 1 :]):
                # Nothing but space inside: leave the element out, so a page of empty
                # wrappers cannot use up the budget before its text.
                size -= sum(len(part) for part in out[start:])
                del out[start:]
            else:
                out.append(f"</{tag}>")
                size += len(tag) + 3
            continue
        if size > SNAPSHOT_CHARS:
            continue  # past the budget: only close what is open
        if isinstance(item, str):
            text = html.escape(_INVISIBLE.sub("", item), quote=False)
            out.append(text)
            size += len(text)
            continue
        if _skipped(item):
            continue
        tag = _RENAMED.get(item.tag, item.tag)
        if tag not in _SNAPSHOT_TAGS:
            pending.extend(reversed(item.children))
            continue
        attrs = []
        for name in sorted(_SNAPSHOT_ATTRIBUTES.get(tag, ())):
            value = item.attrs.get(name)
            if value is None:
                continue
            if name in ("href", "src"):
                value = _absolute(value, base)
                if value is None:
                    continue
            elif name in ("width", "height", "colspan", "rowspan", "start") and not (
                value.strip().isdigit()
            ):
                continue
            value = _plain(value, 300) if name not in ("href", "src") else value
            attrs.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "img" and not any(a.startswith(" src=") for a in attrs):
            continue  # a picture we cannot show safely is left out
        opening = f"<{tag}{''.join(attrs)}>"
        out.append(opening)
        size += len(opening)
        if tag in _VOID:
            continue
        pending.append((tag, len(out) - 1))
        pending.extend(reversed(item.children))
    return _CLEANER.clean("".join(out)).strip()
