"""The demo's own web pages, read in place of the network.

The demo's pupils clip small pages bundled with it (``static/demo/pages/``: a few pages about
bees and surveys, each with a picture). ``clip`` makes each clipping as a pupil does, through
``portfolios.services.add_clipping``, then stores the page through the same code the
background fetch uses (``portfolios.tasks.keep_clipping``), given ``bundled`` to read the
page and its picture from the bundled files instead of ``lib.fetch``: loading the demo never
reaches the internet. The pages are served with the static files too, so a clipping's
original opens in the demo (at the address the demo was loaded for).
"""

from pathlib import Path
from urllib.parse import urlsplit

from risingtide.lib.fetch.addresses import FetchRefused
from risingtide.lib.fetch.client import PAGE_TYPES, FetchResult
from risingtide.people.models import User
from risingtide.portfolios.models import Item, Portfolio
from risingtide.portfolios.services import add_clipping
from risingtide.portfolios.tasks import keep_clipping

FOLDER = Path(__file__).resolve().parent / "static" / "demo" / "pages"
PATH = "/static/demo/pages/"
TYPES = {".html": "text/html", ".png": "image/png"}


def url_of(site: str, name: str) -> str:
    """The page's address in the demo served at ``site`` (e.g. http://127.0.0.1:8000)."""
    return f"{site.rstrip('/')}{PATH}{name}"


def bundled(url: str, *, accept: tuple[str, ...] = PAGE_TYPES) -> FetchResult:
    """What ``lib.fetch.client.fetch`` would give for one of the bundled files, read from the
    package; anything else is refused, as the real fetch refuses what it may not read."""
    path = urlsplit(url).path
    name = path.removeprefix(PATH)
    found = FOLDER / name
    kind = TYPES.get(found.suffix)
    if not path.startswith(PATH) or "/" in name or kind is None or not found.is_file():
        raise FetchRefused("not one of the demo's pages")
    if kind not in accept:
        raise FetchRefused(f"{kind} is not what was asked for")
    charset = "utf-8" if kind == "text/html" else None
    return FetchResult(url, url, 200, kind, charset, found.read_bytes())


def clip(pupil: User, portfolio: Portfolio, stage: str, site: str, name: str) -> Item:
    """The pupil clips the bundled page ``name``: kept at once, then read and stored."""
    item = add_clipping(pupil, portfolio, stage, url_of(site, name))
    outcome = keep_clipping(item.pk, bundled)
    if outcome != "ready":  # the demo's own pages: anything else is a bug here
        raise RuntimeError(f"The demo's page {name} could not be clipped: {outcome}")
    item.refresh_from_db()
    return item
