"""Reading a clipped page: metadata as plain text, an excerpt of the main content, and a
snapshot that keeps nothing the page could use against the pupil who views it."""

import time

import nh3
import pytest

from risingtide.lib.clip.metadata import extract
from risingtide.lib.clip.snapshot import SNAPSHOT_CHARS
from risingtide.lib.clip.tree import EXCERPT_CHARS, decode

BASE = "https://www.seashore.example/guides/rock-pools"


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


ARTICLE = (
    "<article><h1>Rock pools</h1>"
    "<p>Rock pools are left behind by the tide. They hold crabs, anemones and small fish.</p>"
    "<p>Go at low tide, turn stones back over, and never take anything home with you.</p>"
    "<p>Look for beadlet anemones: red blobs out of water, a crown of tentacles under it.</p>"
    "</article>"
)


# --- Metadata ---------------------------------------------------------------------------------


def test_open_graph_comes_first():
    html = page(
        '<title>Rock pools | Seashore</title><meta name="description" content="Plain.">'
        '<meta property="og:title" content="A guide to rock pools">'
        '<meta property="og:description" content="What lives in them.">'
        '<meta property="og:site_name" content="Seashore Trust">'
        '<meta property="og:image" content="/img/pool.jpg">'
        '<meta name="twitter:image" content="https://cdn.example/other.jpg">',
        ARTICLE,
    )
    meta = extract(html, BASE)
    assert meta.title == "A guide to rock pools"
    assert meta.description == "What lives in them."
    assert meta.site_name == "Seashore Trust"
    assert meta.image_url == "https://www.seashore.example/img/pool.jpg"


def test_twitter_cards_then_title_and_description():
    html = page(
        '<title>  Rock\n pools &amp; more </title><meta name="description" content="Plain.">'
        '<meta name="twitter:image" content="//cdn.example/pool.png">'
    )
    meta = extract(html, BASE)
    assert meta.title == "Rock pools & more"
    assert meta.description == "Plain."
    assert meta.site_name == "seashore.example"
    assert meta.image_url == "https://cdn.example/pool.png"
    twitter = extract(page('<meta name="twitter:title" content="Tweeted">'), BASE)
    assert twitter.title == "Tweeted"


def test_a_page_without_a_title_uses_its_heading_then_its_site():
    assert extract(page(body="<h1>Crabs <em>and</em> lobsters</h1>"), BASE).title == (
        "Crabs and lobsters"
    )
    empty = extract(b"", BASE)
    assert (empty.title, empty.site_name, empty.description) == (
        "seashore.example",
        "seashore.example",
        "",
    )
    assert (empty.image_url, empty.excerpt, empty.snapshot_html) == (None, "", "")


def test_an_svg_title_is_not_the_page_title():
    html = page(body="<svg><title>icon</title></svg><h1>Real heading</h1>")
    assert extract(html, BASE).title == "Real heading"


def test_base_href_resolves_the_image():
    html = page('<base href="https://img.example/a/"><meta property="og:image" content="b.png">')
    assert extract(html, BASE).image_url == "https://img.example/a/b.png"
    hostile_base = page('<base href="javascript:alert(1)//"><meta property="og:image" content="b">')
    assert extract(hostile_base, BASE).image_url == "https://www.seashore.example/guides/b"


# --- Hostile metadata -------------------------------------------------------------------------


def test_markup_in_the_title_never_becomes_markup():
    meta = extract(page("<title><script>alert(1)</script></title>", "<h1>Safe</h1>"), BASE)
    assert "<" not in meta.title
    assert "alert" not in meta.title
    escaped = extract(page("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"), BASE)
    # Plain text: the template escapes it, so it shows as the characters, never runs.
    assert escaped.title == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "image",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://files.example/pool.jpg",
        "https://user:secret@img.example/pool.jpg",
        "http://",
        "https://img.example/" + "a" * 5000,
        "",
    ],
)
def test_only_plain_web_addresses_are_kept_for_the_image(image):
    html = page(f'<meta property="og:image" content="{image}">')
    assert extract(html, BASE).image_url is None


def test_a_bad_image_falls_back_to_the_next_one():
    html = page(
        '<meta property="og:image" content="javascript:alert(1)">'
        '<meta name="twitter:image" content="https://img.example/ok.png">'
    )
    assert extract(html, BASE).image_url == "https://img.example/ok.png"


def test_control_and_direction_characters_are_removed():
    html = page(
        "<title>Rock\u202epools\x00\x07 \u2066x\u2069</title>"
        '<meta name="description" content="line\none\ttab">'
    )
    meta = extract(html, BASE)
    assert meta.title == "Rockpools x"
    assert meta.description == "line one tab"


def test_huge_attributes_and_titles_are_cut_short():
    huge = "word " * 400_000  # 2 MB
    html = page(
        f'<title>{huge}</title><meta name="description" content="{huge}">'
        f'<meta property="og:site_name" content="{huge}">'
        f'<meta property="og:image" content="https://img.example/{"a" * 100_000}">',
        f'<p title="{huge}">text</p>',
    )
    started = time.monotonic()
    meta = extract(html, BASE)
    assert time.monotonic() - started < 3
    assert len(meta.title) <= 300 and meta.title.endswith("…")
    assert len(meta.description) <= 1000
    assert len(meta.site_name) <= 200
    assert meta.image_url is None


def test_deeply_nested_and_broken_markup_is_survived():
    nested = "<div>" * 20_000 + "<p>deep</p>" + "<b><i>" * 5000
    meta = extract(page(body=nested + "<p>unclosed <a href='/x'>link" + "</span>" * 100), BASE)
    assert "deep" in meta.excerpt
    assert "deep" in meta.snapshot_html
    assert meta.snapshot_html == nh3.clean(
        meta.snapshot_html, link_rel="noopener noreferrer nofollow"
    )  # balanced: nothing for a browser to repair


# --- Encodings ----------------------------------------------------------------------------------


def test_the_header_charset_wins_over_the_meta_charset():
    body = page('<meta charset="windows-1252"><title>Caf\u00e9 \u2013 pools</title>')
    assert extract(body.encode("utf-8"), BASE, charset="utf-8").title == "Café – pools"


def test_the_meta_charset_when_the_header_has_none():
    body = page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
                "<title>Caf\u00e9 \u201cpools\u201d</title>")  # fmt: skip
    assert extract(body.encode("cp1252"), BASE).title == "Café “pools”"
    latin1 = page('<meta charset="iso-8859-1"><title>\u201cquoted\u201d</title>')
    # Browsers read Latin-1 as Windows-1252, where 0x93 and 0x94 are curly quotes.
    assert extract(latin1.encode("cp1252"), BASE).title == "“quoted”"


def test_a_byte_order_mark_wins_over_everything():
    body = "\ufeff" + page("<title>Gr\u00fc\u00dfe</title>")
    assert extract(body.encode("utf-8"), BASE, charset="windows-1252").title == "Grüße"
    assert extract(body.encode("utf-16"), BASE).title == "Grüße"


@pytest.mark.parametrize("charset", [None, "utf-8", "x-no-such-charset", "utf-16", '"UTF-8"'])
def test_broken_bytes_never_raise(charset):
    body = b"<title>Rock \xff\xfe\xc3 pools</title><p>\x80\x81 text</p>"
    meta = extract(body, BASE, charset=charset)
    assert "Rock" in meta.title and "pools" in meta.title


def test_undeclared_pages_are_utf8_if_they_can_be_else_windows_1252():
    assert decode("Café".encode()) == "Café"
    assert decode("Café".encode("cp1252")) == "Café"
    assert decode("ok", "utf-8") == "ok"


# --- The excerpt ------------------------------------------------------------------------------


def test_the_excerpt_is_the_article_without_navigation_or_scripts():
    html = page(
        "<style>p { color: red }</style>",
        "<header><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav></header>"
        "<script>var tracking = 1;</script>"
        "<div role='navigation'>Menu</div>"
        f"{ARTICLE}"
        "<aside><p>Related: beach huts for sale, beach huts for sale, beach huts.</p></aside>"
        "<footer><p>Copyright Seashore Trust</p></footer>",
    )
    excerpt = extract(html, BASE).excerpt
    assert excerpt.startswith("Rock pools\n\nRock pools are left behind by the tide.")
    for absent in ("Home", "Shop", "tracking", "Menu", "beach huts", "Copyright", "color"):
        assert absent not in excerpt


def test_without_an_article_the_largest_run_of_paragraphs():
    html = page(
        body="<div class='sidebar'><p>Short.</p></div>"
        "<div class='content'>"
        + "".join(f"<p>Paragraph {n} about limpets clinging to the rocks.</p>" for n in range(8))
        + "</div><div><p>Another short one.</p></div>"
    )
    excerpt = extract(html, BASE).excerpt
    assert excerpt.startswith("Paragraph 0 about limpets")
    assert "Short." not in excerpt and "Another short one" not in excerpt


def test_main_is_used_when_there_is_no_article():
    html = page(body="<div><p>Cookie banner text.</p></div><main><p>Main text.</p></main>")
    assert extract(html, BASE).excerpt == "Main text."


def test_hidden_content_is_left_out():
    html = page(
        body="<main><p>Seen.</p><p hidden>Hidden.</p><div aria-hidden='true'>Also hidden.</div>"
        "<noscript>Enable JavaScript.</noscript><template><p>Template.</p></template></main>"
    )
    assert extract(html, BASE).excerpt == "Seen."


def test_the_excerpt_is_about_a_thousand_characters():
    html = page(body="<article>" + "<p>" + "barnacle " * 400 + "</p>" * 3 + "</article>")
    excerpt = extract(html, BASE).excerpt
    assert EXCERPT_CHARS - 20 < len(excerpt) <= EXCERPT_CHARS
    assert excerpt.endswith("barnacle…")


def test_unclosed_paragraphs_are_still_paragraphs():
    html = page(body="<main><p>One<p>Two<ul><li>Three<li>Four</ul></main>")
    assert extract(html, BASE).excerpt == "One\n\nTwo\n\nThree\n\nFour"


# --- The snapshot -------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src='javascript:alert(1)'>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<p style='background:url(javascript:alert(1))' onclick='alert(1)'>x</p>",
    "<iframe src='https://evil.example/'></iframe>",
    "<form action='https://evil.example/'><input name=q><button>go</button></form>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<object data='https://evil.example/x.swf'></object><embed src='https://evil.example/x'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example/'>",
    "<link rel=stylesheet href='https://evil.example/x.css'>",
    "<base href='https://evil.example/'>",
    "<!-- <script>alert(1)</script> -->",
    "<div id='x' class='y' data-x='1'>attrs</div>",
    "<a href='https://ok.example/' target='_blank' rel='opener'>ok</a>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_snapshot_keeps_nothing_dangerous(payload):
    html = page(body=f"<article><p>{'Safe text. ' * 30}</p>{payload}<p>After.</p></article>")
    snapshot = extract(html, BASE).snapshot_html.lower()
    assert "safe text." in snapshot
    for danger in (
        "<script", "javascript:", "onerror", "onclick", "style=", "<iframe", "<form", "<input",
        "<svg", "<math", "<object", "<embed", "<meta", "<link", "<base", "<!--", "data:",
        "id=", "class=", "target=", "<style", "opener\"",
    ):  # fmt: skip
        assert danger not in snapshot, danger
    # Already clean: cleaning it again with nh3's defaults changes nothing.
    assert snapshot == nh3.clean(snapshot, link_rel="noopener noreferrer nofollow").lower()


def test_snapshot_links_and_images_are_absolute_and_inert():
    html = page(
        body="<article><h1>Pools</h1><p>" + "Text. " * 40 + "<a href='/crabs'>Crabs</a> "
        "<a href='#top'>top</a> <img src='/img/crab.jpg' alt='A crab' width='200' "
        "height='x' srcset='/big.jpg 2x'> <img src='data:image/png;base64,AAAA' alt='dot'>"
        "</p></article>"
    )
    snapshot = extract(html, BASE).snapshot_html
    assert (
        '<a href="https://www.seashore.example/crabs" rel="noopener noreferrer nofollow">Crabs</a>'
        in snapshot
    )
    assert '<img alt="A crab" src="https://www.seashore.example/img/crab.jpg" width="200">' in (
        snapshot
    )
    assert "srcset" not in snapshot and "data:" not in snapshot and "dot" not in snapshot
    assert "<h2>Pools</h2>" in snapshot  # the clipping's own title is the only <h1>
    assert 'href="https://www.seashore.example/guides/rock-pools#top"' in snapshot


def test_the_snapshot_has_a_size_limit():
    html = page(body="<article>" + "<p>Anemone &amp; starfish.</p>" * 50_000 + "</article>")
    snapshot = extract(html, BASE).snapshot_html
    assert SNAPSHOT_CHARS <= len(snapshot) < SNAPSHOT_CHARS + 1_000
    assert snapshot.endswith("</p></div>")


def test_empty_wrappers_are_dropped_but_table_cells_kept():
    html = page(
        body="<article><div><div> </div></div><p>" + "Tide table. " * 20 + "</p>"
        "<table><tr><th>Low</th><th></th></tr><tr><td>06:10</td><td> </td></tr></table>"
        "</article>"
    )
    snapshot = extract(html, BASE).snapshot_html
    assert snapshot.startswith("<div><p>Tide table.")
    assert "<th>Low</th><th></th>" in snapshot
    assert "<td>06:10</td><td> </td>" in snapshot
