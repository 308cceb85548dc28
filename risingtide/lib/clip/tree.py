"""Reading a hostile page: decoding its bytes as browsers do, a small forgiving tree over at
most ``MAX_PARSE_CHARS``, plain text without invisible characters, its main content, and safe
absolute URLs.

Kept apart from the metadata and the snapshot because both read the page through this and
nothing else: every limit on how much of a page is parsed lives here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MAX_PARSE_CHARS = 2_000_000
MAX_NODES = 50_000
MAX_DEPTH = 200
URL_CHARS = 2_000
EXCERPT_CHARS = 1_000

# --- Decoding ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
# What browsers actually do with these labels (WHATWG Encoding): Latin-1 means Windows-1252, and
# a page cannot be UTF-16 once it has been read as ASCII far enough to find its <meta>.
_LABELS = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes | str, charset: str | None = None) -> str:
    """The page as text: byte-order mark, then the HTTP header's charset, then ``<meta>``, then
    UTF-8 if it is valid, else Windows-1252 (the order browsers use)."""
    if isinstance(data, str):
        return data
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    name = _codec(charset)
    if name is None:
        match = _META_CHARSET.search(data[:4096])
        name = _codec(match.group(1).decode("ascii")) if match else None
    if name is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            name = "cp1252"
    return data.decode(name, errors="replace")


# --- A small, forgiving tree ----------------------------------------------------------------


class _Node:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[_Node | str] = []


_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_BLOCK = {
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "br",
}  # fmt: skip
# Never part of a page's readable content.
_SKIP = {
    "script", "style", "noscript", "template", "svg", "math", "nav", "header", "footer",
    "aside", "form", "button", "input", "select", "textarea", "label", "iframe", "frame",
    "frameset", "object", "embed", "canvas", "dialog", "audio", "video", "picture", "source",
    "head", "title", "meta", "link", "base", "menu",
}  # fmt: skip
_SKIP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"}
# Opening one of these closes an open <p>; opening the same item closes the previous one.
_SIBLINGS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"table"}, "td": {"tr"},
             "th": {"tr"}, "option": {"select"}}  # fmt: skip


_P_SCOPE = {"button", "table", "td", "th", "caption", "template", "object"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]
        self.nodes = 0
        self.meta: dict[str, str] = {}
        self.base_href: str | None = None

    @property
    def current(self) -> _Node:
        return self.stack[-1]

    def _close(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def _open_within(self, tag: str, scopes: set[str]) -> bool:
        for node in reversed(self.stack):
            if node.tag == tag:
                return True
            if node.tag in scopes:
                return False
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Attribute values far longer than any limit here are cut early, so a page of one huge
        # attribute costs no more than a page of text.
        values = {k: (v or "")[: URL_CHARS * 4] for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and key not in self.meta and "content" in values:
                self.meta[key] = values["content"]
        elif tag == "base" and self.base_href is None:
            self.base_href = values.get("href", "")
        if self.nodes >= MAX_NODES:
            return
        self.nodes += 1
        if tag in _BLOCK and self._open_within("p", _P_SCOPE):
            self._close("p")
        if tag in _SIBLINGS and self._open_within(tag, _SIBLINGS[tag]):
            self._close(tag)
        node = _Node(tag, values, self.current)
        self.current.children.append(node)
        if tag not in _VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = len(self.stack)
        self.handle_starttag(tag, attrs)
        if len(self.stack) > depth:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def handle_data(self, data: str) -> None:
        children = self.current.children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _parse(text: str) -> _TreeBuilder:
    builder = _TreeBuilder()
    builder.feed(text[:MAX_PARSE_CHARS])
    builder.close()
    return builder


def _skipped(node: _Node) -> bool:
    return (
        node.tag in _SKIP
        or "hidden" in node.attrs
        or node.attrs.get("aria-hidden", "").lower() == "true"
        or node.attrs.get("role", "").lower() in _SKIP_ROLES
    )


def _walk(node: _Node):
    """Every visible element under ``node`` (itself included), in document order."""
    pending = [node]
    while pending:
        current = pending.pop()
        if _skipped(current):
            continue
        yield current
        pending.extend(c for c in reversed(current.children) if isinstance(c, _Node))


# --- Plain text -------------------------------------------------------------------------------

# Control characters and the bidirectional overrides that could make a title read backwards.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def _plain(text: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return _truncate(_SPACES.sub(" ", text).strip(), limit)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _paragraphs(node: _Node) -> list[str]:
    """The visible text under ``node`` as paragraphs, broken where block elements break it."""
    paragraphs: list[str] = []
    line: list[str] = []

    def flush() -> None:
        text = _plain("".join(line), EXCERPT_CHARS * 4)
        if text:
            paragraphs.append(text)
        line.clear()

    pending: list[_Node | str | None] = [node]
    while pending:
        item = pending.pop()
        if item is None:  # the end of a block
            flush()
        elif isinstance(item, str):
            line.append(item)
        elif not _skipped(item):
            if item.tag in _BLOCK:
                flush()
                pending.append(None)
            pending.extend(reversed(item.children))
    flush()
    return paragraphs


def _text_length(node: _Node) -> int:
    return sum(len(p) for p in _paragraphs(node))


def _main_content(root: _Node) -> _Node | None:
    """The element holding the page's main text: the fullest <article>, else <main>, else the
    element whose own paragraphs hold the most text, else <body>."""
    articles = [n for n in _walk(root) if n.tag == "article"]
    if articles:
        best = max(articles, key=_text_length)
        if _text_length(best) >= 200:
            return best
    for node in _walk(root):
        if node.tag == "main" or node.attrs.get("role", "").lower() == "main":
            return node
    scores: dict[int, tuple[int, _Node]] = {}
    for node in _walk(root):
        if node.tag == "p" and node.parent is not None:
            score, _ = scores.get(id(node.parent), (0, node.parent))
            scores[id(node.parent)] = (score + _text_length(node), node.parent)
    if scores:
        score, parent = max(scores.values(), key=lambda pair: pair[0])
        if score >= 100:
            return parent
    bodies = [n for n in _walk(root) if n.tag == "body"]
    return bodies[0] if bodies else root


# --- URLs -------------------------------------------------------------------------------------


def _absolute(url: str, base: str) -> str | None:
    """``url`` made absolute against ``base``, if it is a plain http(s) address."""
    url = _INVISIBLE.sub("", url).strip().replace(" ", "%20")
    if not url or len(url) > URL_CHARS or _SPACES.search(url):
        return None
    try:
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return absolute
