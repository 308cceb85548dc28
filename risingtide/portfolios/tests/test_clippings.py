"""Web clippings: kept at once, fetched in the background from a local page server (reached
only through the test allow-list), hostile page metadata kept as inert text."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from risingtide.portfolios.models import ClipStatus, Item
from risingtide.portfolios.services import add_clipping
from risingtide.portfolios.tasks import fetch_clipping

pytestmark = pytest.mark.django_db

PAGE = b"""<!doctype html><html><head>
<title><script>alert(1)</script>Solitary bees</title>
<meta property="og:site_name" content="Bee Facts">
<meta name="description" content="How solitary bees <b>nest</b>" onload="alert(2)">
<meta property="og:image" content="/bee.png">
</head><body><nav>menu</nav><article><h1>Solitary bees</h1>
<p>Most bees in Britain live alone and nest in hollow stems.</p>
<p onclick="alert(3)">Leafcutter bees line their nests with leaves.<script>alert(4)</script></p>
</article></body></html>"""


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 150, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def pages(settings):
    routes = {"/bees": ("text/html; charset=utf-8", PAGE), "/bee.png": ("image/png", _png())}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            kind, body = routes.get(self.path, ("text/plain", b"missing"))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{port}"]
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_a_clipped_page_arrives_with_metadata_image_and_safe_copy(world, pages, client_for):
    pupil = world.user("pupil@own")
    item = add_clipping(pupil, world.portfolios["own"], "gather", f"{pages}/bees")
    assert (item.clip_status, item.title) == (ClipStatus.PENDING, f"{pages}/bees")
    assert fetch_clipping.call(item.pk) == "ready"
    assert fetch_clipping.call(item.pk) == "nothing to do"  # idempotent
    item.refresh_from_db()
    assert item.title == "Solitary bees" and item.site_name == "Bee Facts"
    assert "Most bees in Britain live alone" in item.excerpt
    assert "<script" not in item.snapshot and "onclick" not in item.snapshot
    assert item.thumbnail
    page = client_for(pupil).get(reverse("portfolios:item", args=[item.pk])).content.decode()
    assert "alert(" not in item.title + item.description + item.excerpt
    assert "<script>alert" not in page and "onclick" not in page and "onload" not in page
    assert "Leafcutter bees line their nests with leaves." in page


def test_a_refused_page_keeps_the_link_and_says_why(world, settings):
    settings.FETCH_ALLOW_HOSTS = []
    pupil = world.user("pupil@own")
    for url in ("http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        item = add_clipping(pupil, world.portfolios["own"], "gather", url)
        fetch_clipping.call(item.pk)
        item.refresh_from_db()
        assert item.clip_status == ClipStatus.FAILED and item.url == url
        assert item.clip_error


def test_the_item_page_polls_until_ready(world, pages, client_for):
    pupil = world.user("pupil@own")
    item = add_clipping(pupil, world.portfolios["own"], "gather", f"{pages}/bees")
    client = client_for(pupil)
    fragment = client.get(reverse("portfolios:clip_status", args=[item.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "Fetching the page" in fragment
    fetch_clipping.call(item.pk)
    fragment = client.get(reverse("portfolios:clip_status", args=[item.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Bee Facts" in fragment


def test_bad_links_are_refused_at_once(world):
    pupil = world.user("pupil@own")
    for url in ("javascript:alert(1)", "ftp://example.org/x", "not a link", ""):
        with pytest.raises(ValidationError, match="Paste a web address"):
            add_clipping(pupil, world.portfolios["own"], "gather", url)
    item = add_clipping(pupil, world.portfolios["own"], "gather", "example.org/bees")
    assert item.url == "https://example.org/bees"
    assert Item.objects.filter(kind="clipping").count() == 1


def test_enqueued_on_commit(world, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        add_clipping(
            world.user("pupil@own"), world.portfolios["own"], "gather", "https://a.example/"
        )
    assert DBTaskResult.objects.filter(task_path__endswith="fetch_clipping").count() == 1


def test_a_stored_snapshot_is_cleaned_again_when_shown(world, client_for):
    """Even a snapshot stored by an older or broken cleaner cannot run script, and pictures
    from other sites are left out (CSP blocks them; they would tell a stranger who reads)."""
    pupil = world.user("pupil@own")
    item = world.items["own"]
    Item.objects.filter(pk=item.pk).update(
        kind=Item.Kind.CLIPPING,
        url="https://example.org/",
        clip_status=ClipStatus.READY,
        snapshot='<p>Bees</p><img src="https://tracker.example/p.png"><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><p onclick="alert(1)">y</p>',
    )
    page = client_for(pupil).get(reverse("portfolios:item", args=[item.pk])).content.decode()
    assert "<p>Bees</p>" in page
    assert "tracker.example" not in page and "<script>alert" not in page
    assert "javascript:" not in page and "onclick" not in page
