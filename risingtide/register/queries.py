"""What the register pages show, each in a fixed number of queries whatever the school's size."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import AuditEvent
from risingtide.people.models import User
from risingtide.portfolios.models import Item
from risingtide.register import lists
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import (
    Pupil,
    RegisterEntry,
    academic_year,
    ever_6,
    fsm_on,
    year_label,
)
from risingtide.register.rows import DOMAINS
from risingtide.schools.models import School

PER_PAGE = 50
# The audit log's actions on pupil-level data and the register, as people read them.
AUDIT_ACTIONS = {
    "register.viewed": "Viewed the register",
    "register.pupils_viewed": "Viewed the pupil list",
    "register.screening_viewed": "Viewed the screening list",
    "register.equity_viewed": "Viewed the equity check",
    "insights.underachievement_viewed": "Viewed the underachievement list",
    "register.exported": "Exported",
    "register.api_read": "Read through the API",
    "pupil_record.viewed": "Viewed a pupil's record",
    "register.nominated": "Nominated a pupil",
    "register.evidence_added": "Added evidence",
    "register.decided": "Decided an identification",
    "register.criteria_changed": "Changed the screening criteria",
    "register.sharing_recorded": "Recorded a data-sharing agreement",
    "register.sharing_ended": "Ended a data-sharing agreement",
    "import.uploaded": "Uploaded pupil data",
    "import.confirmed": "Confirmed an import",
    "import.cancelled": "Cancelled an import",
}


def school_links(user: User, school: School) -> dict:
    """What the register's menu offers this user at this school."""
    return {
        "school": school,
        "can_manage": can(user, "register.manage", school),
        "can_export": can(user, "register.export", school),
        "can_audit": can(user, "register.audit", school),
        "can_share": can(user, "register.share", school),
    }


def register_page(user: User, school: School, filters) -> dict:
    """This year's current entries, filtered (``lists.register_entries``, as the API reads
    them); the counts by status; what the user may do."""
    year = academic_year()
    chosen = lists.RegisterFilter.from_page(filters)
    rows = list(lists.register_entries(user, school, year, chosen))
    counts = dict(
        RegisterEntry.objects.current()
        .filter(school=school, academic_year=year)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    cohort = Pupil.objects.filter(school=school, on_roll=True).count()
    identified = counts.get(RegisterEntry.Status.IDENTIFIED, 0)
    return {
        "school": school,
        "year": year,
        "year_label": year_label(year),
        "entries": rows,
        "counts": counts,
        "cohort": cohort,
        "identified": identified,
        "nominated": counts.get(RegisterEntry.Status.NOMINATED, 0),
        "rate": round(100 * identified / cohort, 1) if cohort else 0,
        "filters": {"status": chosen.status, "kind": chosen.kind, "domain": chosen.domain},
        "every_status": lists.EVERY_STATUS,
        "statuses": RegisterEntry.Status.choices,
        "domains": sorted(DOMAINS.items(), key=lambda kv: kv[1]),
        **school_links(user, school),
    }


def pupils_page(user: User, school: School, filters, page: int) -> dict:
    """The school's pupil records (on roll unless asked otherwise), with this year's register
    status, a page at a time: ``lists.pupil_records``, as the API reads them."""
    year = academic_year()
    chosen = lists.PupilFilter.from_page(filters)
    paginator = Paginator(lists.pupil_records(user, school, year, chosen), PER_PAGE)
    page_obj = paginator.get_page(page)
    roll = {True: "true", False: "false", None: "all"}[chosen.on_roll]
    return {
        **school_links(user, school),
        "page": page_obj,
        "q": chosen.q,
        "filters": {"on_roll": roll, "nc_year": chosen.nc_year, "status": chosen.status},
        "query": urlencode(
            {"q": chosen.q, "on_roll": roll, "nc_year": chosen.nc_year, "status": chosen.status}
        ),
        "year_label": year_label(year),
        "statuses": RegisterEntry.Status.choices,
        "status_labels": dict(RegisterEntry.Status.choices),
    }


def pupil_items(user: User, pupil: Pupil) -> list[Item]:
    """Work in the pupil's portfolios that the user may see and point evidence at, newest
    first: what the record's forms offer (and take)."""
    if not pupil.account_id:
        return []
    return list(
        visible(user, Item)
        .filter(portfolio__memberships__pupil_id=pupil.account_id)
        .select_related("portfolio__project")
        .order_by("-created_at")[:100]
    )


def record_page(user: User, pupil: Pupil) -> dict:
    """One pupil's record: characteristics and their history, attainment, register history,
    evidence, and what the user may do (the forms themselves are the view's)."""
    today = timezone.localdate()
    year = academic_year()
    flags = (
        Pupil.objects.filter(pk=pupil.pk)
        .annotate(fsm_now=fsm_on(today), ever6=ever_6(today))
        .values("fsm_now", "ever6")
        .get()
    )
    entries = list(
        pupil.register_entries.select_related("recorded_by").order_by("-recorded_at", "-pk")
    )
    current = next((e for e in entries if e.current and e.academic_year == year), None)
    evidence = list(pupil.evidence.select_related("item"))
    can_nominate = can(user, "pupil_record.nominate", pupil)
    return {
        "pupil": pupil,
        "school": pupil.school,
        "fsm_now": bool(flags["fsm_now"]),
        "ever6": bool(flags["ever6"]),
        "fsm_periods": list(pupil.fsm_periods.all()),
        "changes": list(pupil.changes.all()),
        "attainment": list(pupil.attainment.all()),
        "entries": entries,
        "current": current,
        "year_label": year_label(year),
        "evidence": evidence,
        "items": pupil_items(user, pupil) if can_nominate else [],
        "can_nominate": can_nominate,
        "can_decide": can(user, "pupil_record.decide", pupil),
        "can_export": can(user, "register.export", pupil.school),
    }


def imports_page(user: User, school: School) -> dict:
    return {
        **school_links(user, school),
        "imports": list(
            visible(user, ImportBatch).filter(school=school).select_related("uploaded_by")[:20]
        ),
    }


def audit_page(user: User, school: School, page: int) -> dict:
    """Who viewed, exported or changed the school's pupil-level data; names of pupils only for
    a reader who may see those pupils."""
    events = (
        AuditEvent.objects.filter(school=school, action__in=AUDIT_ACTIONS)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    page_obj = Paginator(events, PER_PAGE).get_page(page)
    pupil_ids = {
        int(e.target_id)
        for e in page_obj
        if e.target_type == "register.Pupil" and e.target_id.isdigit()
    }
    names = {
        p.pk: str(p)
        for p in visible(user, "pupil_record")
        .filter(pk__in=pupil_ids)
        .only("legal_surname", "legal_forename", "preferred_surname", "preferred_forename")
    }
    rows = []
    for e in page_obj:
        target = ""
        if e.target_type == "register.Pupil" and e.target_id.isdigit():
            target = names.get(int(e.target_id), f"pupil record {e.target_id}")
        rows.append(
            {
                "at": e.at,
                "who": str(e.actor) if e.actor else "(account removed)",
                "what": AUDIT_ACTIONS.get(e.action, e.action),
                "target": target,
                "detail": e.detail.get("what", "") or e.detail.get("file", ""),
                "why": e.detail.get("why", ""),
            }
        )
    return {"school": school, "page": page_obj, "rows": rows}
