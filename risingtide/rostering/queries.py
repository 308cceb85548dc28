"""Reads for the roster pages and API: an owner's recent imports, and an import as shown."""

from risingtide.access.core import can, visible
from risingtide.rostering.models import RosterImport
from risingtide.schools.models import School


def imports_page(user, owner) -> dict:
    """The import page of a school or an LA: its recent imports, and whether the reader may
    export the roster too."""
    is_school = isinstance(owner, School)
    mine = visible(user, RosterImport).filter(
        **({"school": owner} if is_school else {"local_authority": owner})
    )
    return {
        "owner": owner,
        "is_school": is_school,
        "imports": list(mine.select_related("uploaded_by")[:20]),
        "may_export": can(user, "roster.export" if is_school else "roster.export_la", owner),
    }


def import_view(batch: RosterImport) -> dict:
    """An import's page and API answer: its state and what it found or did."""
    summary = batch.summary or {}
    return {
        "batch": batch,
        "owner": batch.owner,
        "summary": summary,
        "counts": summary.get("counts", {}),
        "errors": summary.get("errors", []),
        "changes": summary.get("changes", []),
        "skipped": summary.get("skipped", []),
    }
