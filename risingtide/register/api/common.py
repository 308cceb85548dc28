"""What the register's API modules share: the page sizes, the one audit event of a read of
pupil-level data (``register.api_read``, one per request whatever the page size), a page of a
queryset, and the entry and evidence answers that more than one of them return. The register's
API was one module; it is split along its seams (``pupils``, ``entries``, ``imports``) so that
no module is long."""

from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Schema

from risingtide.register import services
from risingtide.register.models import Evidence, RegisterEntry

PER_PAGE = 50  # as the pupil list page
MAX_PER_PAGE = 200
READ = "register.api_read"
# Where a service names a field differently from the API's body.
API_FIELDS = {"item": "item_id"}


class EntrySummaryOut(Schema):
    id: int
    academic_year: int
    status: str
    gifted: bool
    talented: bool
    domains: list[str]
    top_5: bool
    recorded_at: datetime


class EntryOut(EntrySummaryOut):
    pupil: int
    reason: str
    next_review: date | None
    recorded_by: str
    source: str
    current: bool

    @staticmethod
    def resolve_pupil(entry: RegisterEntry) -> int:
        return entry.pupil_id

    @staticmethod
    def resolve_recorded_by(entry: RegisterEntry) -> str:
        return entry.recorded_by_name


class EvidenceOut(Schema):
    id: int
    pupil: int
    academic_year: int
    kind: str
    domain: str
    summary: str
    measure: str
    score: float | None
    item: int | None
    added_by: str
    added_at: datetime

    @staticmethod
    def resolve_pupil(evidence: Evidence) -> int:
        return evidence.pupil_id

    @staticmethod
    def resolve_item(evidence: Evidence) -> int | None:
        return evidence.item_id

    @staticmethod
    def resolve_added_by(evidence: Evidence) -> str:
        return evidence.added_by_name


def page_of(found: QuerySet, page: int, per_page: int) -> dict:
    """One page of ``found`` (two queries: the count, the rows); a page past the end is the
    last, as on the pages."""
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    paginator = Paginator(found, per_page)
    shown = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": shown.number,
        "pages": paginator.num_pages,
        "per_page": per_page,
        "items": list(shown.object_list),
    }


def log_read(request, school, why: str, target=None, page: dict | None = None) -> None:
    """The one audit event of a read: a list's shows which page of how many (as the pages')."""
    detail = {}
    if page is not None:
        detail = {
            "what": f"page {page['page']} of {page['pages']}: {len(page['items'])} rows",
            "filters": {
                k: v[:100] for k, v in request.GET.items() if k not in ("page", "per_page")
            },
        }
    services.log_access(request.user, READ, school, why=f"API: {why}", target=target, **detail)
