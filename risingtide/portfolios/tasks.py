"""Background work for portfolios, through the django.tasks API (run by ``risingtide worker``)."""

import io
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from risingtide.lib import storage, uploads
from risingtide.lib.clip.metadata import extract
from risingtide.lib.fetch.addresses import FetchRefused
from risingtide.lib.fetch.client import IMAGE_TYPES, FetchResult, fetch
from risingtide.lib.uploads import make_thumbnail
from risingtide.portfolios.models import ClipStatus, Item

logger = logging.getLogger(__name__)


# Gets a page or a picture as ``lib.fetch.client.fetch`` does: (url, accept=...) -> FetchResult.
Getter = Callable[..., FetchResult]


@task()
def fetch_clipping(item_id: int) -> str:
    """Fetch a clipped page, keep what it says and a readable copy. Idempotent: an item that is
    no longer waiting is left alone, so a retried or doubled task does nothing."""
    return keep_clipping(item_id, fetch)


def keep_clipping(item_id: int, get: Getter) -> str:
    """The clipping's page and main picture, read through ``get`` (the hardened client; the demo
    passes its own bundled pages), extracted, sanitised and stored on the item."""
    item = Item.objects.filter(pk=item_id, clip_status=ClipStatus.PENDING).first()
    if item is None:
        return "nothing to do"
    try:
        page = get(item.url)
        meta = extract(page.body, page.final_url, page.charset)
    except FetchRefused as refused:
        return _fail(item, refused.reason)
    except Exception:  # a clipping must never stay "fetching" for ever
        logger.exception("clipping %s failed", item.pk)
        return _fail(item, "the page could not be read")
    image = _main_image(meta.image_url, get)
    with storage.files_undone_on_failure(), transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.clip_status != ClipStatus.PENDING:
            return "already done"
        if item.title == item.url[:200] and meta.title:
            item.title = meta.title[:200]
        item.site_name = meta.site_name[:200]
        item.description = meta.description
        item.excerpt = meta.excerpt
        item.snapshot = meta.snapshot_html
        item.clip_status = ClipStatus.READY
        if image is not None:
            item.thumbnail.save("clip", image, save=False)
        item.save()
    return "ready"


def _fail(item: Item, reason: str) -> str:
    Item.objects.filter(pk=item.pk, clip_status=ClipStatus.PENDING).update(
        clip_status=ClipStatus.FAILED, clip_error=reason[:300]
    )
    return f"refused: {reason}"


def _main_image(url: str | None, get: Getter) -> ContentFile | None:
    """The page's main picture, fetched under the same rules and stored here (never hot-linked:
    that would tell another site which pupils looked). Any failure just means no picture."""
    if not url:
        return None
    try:
        result = get(url, accept=IMAGE_TYPES)
        uploads.sniff(result.body[:8192])
    except (FetchRefused, uploads.UploadRefused):
        return None

    return make_thumbnail(io.BytesIO(result.body))
