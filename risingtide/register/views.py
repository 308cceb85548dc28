"""The register's pages: thin views over queries and services; every view of pupil-level data
writes an audit event (who, what, when, why)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.register import import_steps, queries, services
from risingtide.register.models import Evidence, academic_year

EXPORT_REASONS = {
    "census": "School Census G&T return",
    "review": "Register review with staff",
    "governors": "Report to governors",
    "la": "Return to the local authority",
    "transfer": "A pupil is leaving",
    "other": "Other",
}


def _page(raw: str | None) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


def _errors(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {
            k: " ".join(v.messages if hasattr(v, "messages") else map(str, v))
            for k, v in exc.message_dict.items()
        }
    return {"__all__": " ".join(exc.messages)}


def _score(raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationError({"score": "The score is a number, e.g. 124."}) from None


@require_GET
@requires("register.view", "pk")
def register(request, school):
    context = queries.register_page(request.user, school, request.GET)
    services.log_access(
        request.user,
        "register.viewed",
        school,
        why="Register page",
        what=f"{len(context['entries'])} entries",
    )
    return render(request, "register/register.html", context)


@require_GET
@requires("register.view", "pk")
def pupils(request, school):
    context = queries.pupils_page(
        request.user, school, request.GET.get("q", ""), _page(request.GET.get("page"))
    )
    services.log_access(
        request.user,
        "register.pupils_viewed",
        school,
        why="Pupil list",
        what=f"page {context['page'].number} of {context['page'].paginator.num_pages}",
    )
    return render(request, "register/pupils.html", context)


def _record(request, pupil, errors=None, status=200, form=None, why="Pupil record page"):
    """The record page (also shown again after a refused form): every showing is audited."""
    services.log_access(request.user, "pupil_record.viewed", pupil.school, why=why, target=pupil)
    context = queries.record_page(request.user, pupil)
    context.update(errors=errors or {}, form=form or {})
    return render(request, "register/record.html", context, status=status)


@require_GET
@requires("pupil_record.view", "pk")
def record(request, pupil):
    return _record(request, pupil)


@require_http_methods(["GET", "POST"])
@requires("pupil_record.nominate", "pk")
def nominate(request, pupil):
    if request.method == "GET":
        services.log_access(
            request.user,
            "pupil_record.viewed",
            pupil.school,
            why="Nomination form",
            target=pupil,
        )
        return render(
            request,
            "register/nominate.html",
            {**queries.record_page(request.user, pupil), "errors": {}, "form": {}, "chosen": []},
        )
    item = _item(request, pupil)
    try:
        services.nominate(
            request.user,
            pupil,
            domains=request.POST.getlist("domains"),
            summary=request.POST.get("summary", ""),
            kind=request.POST.get("kind") or Evidence.Kind.TEACHER_NOMINATION,
            item=item,
        )
    except ValidationError as exc:
        context = queries.record_page(request.user, pupil)
        context.update(
            errors=_errors(exc), form=request.POST, chosen=request.POST.getlist("domains")
        )
        return render(request, "register/nominate.html", context, status=400)
    messages.success(request, f"{pupil} is nominated. The G&T coordinator will decide.")
    return redirect(reverse("register_pupil", args=[pupil.pk]))


def _item(request, pupil):
    from risingtide.access.core import visible
    from risingtide.portfolios.models import Item

    raw = request.POST.get("item", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
        return None
    return visible(request.user, Item).filter(pk=int(raw)).first()


@require_POST
@requires("pupil_record.nominate", "pk")
def add_evidence(request, pupil):
    try:
        services.add_evidence(
            request.user,
            pupil,
            kind=request.POST.get("kind", ""),
            summary=request.POST.get("summary", ""),
            domain=request.POST.get("domain", ""),
            measure=request.POST.get("measure", ""),
            score=_score(request.POST.get("score", "")),
            item=_item(request, pupil),
        )
    except ValidationError as exc:
        return _record(
            request, pupil, {f"evidence_{k}": v for k, v in _errors(exc).items()}, 400, request.POST
        )
    messages.success(request, "Evidence added.")
    return redirect(reverse("register_pupil", args=[pupil.pk]) + "#evidence")


@require_POST
@requires("pupil_record.decide", "pk")
def decide(request, pupil):
    try:
        services.decide(
            request.user,
            pupil,
            status=request.POST.get("status", ""),
            domains=request.POST.getlist("domains"),
            top_5=request.POST.get("top_5") == "on",
            reason=request.POST.get("reason", ""),
            next_review=_optional_date(request.POST.get("next_review", ""), "next_review"),
        )
    except ValidationError as exc:
        return _record(
            request, pupil, {f"decide_{k}": v for k, v in _errors(exc).items()}, 400, request.POST
        )
    messages.success(request, "Decision recorded.")
    return redirect(reverse("register_pupil", args=[pupil.pk]))


@require_GET
@requires("register.view", "pk")
def screening(request, school):
    from risingtide.register.screening import screening_list

    criteria = services.criteria_for(school)
    screened = screening_list(school, criteria)
    services.log_access(
        request.user,
        "register.screening_viewed",
        school,
        why="Screening list",
        what=f"{len(screened)} pupils",
    )
    return render(
        request,
        "register/screening.html",
        {**queries.school_links(request.user, school), "criteria": criteria, "screened": screened},
    )


@require_GET
@requires("register.view", "pk")
def equity(request, school):
    from risingtide.register.equity import equity_chart, equity_check

    criteria = services.criteria_for(school)
    report = equity_check(school, criteria)
    services.log_access(request.user, "register.equity_viewed", school, why="Equity check")
    return render(
        request,
        "register/equity.html",
        {
            **queries.school_links(request.user, school),
            "criteria": criteria,
            "equity": report,
            "chart": equity_chart(report),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("register.manage", "pk")
def criteria(request, school):
    current = services.criteria_for(school)
    errors = {}
    if request.method == "POST":
        try:
            services.save_criteria(
                request.user,
                school,
                top_percent=_int(request.POST.get("top_percent"), "top_percent"),
                progress_threshold=_float(
                    request.POST.get("progress_threshold"), "progress_threshold"
                ),
                equity_fraction=_float(request.POST.get("equity_fraction"), "equity_fraction"),
                min_group_size=_int(request.POST.get("min_group_size"), "min_group_size"),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Criteria saved.")
            return redirect(reverse("register_screening", args=[school.pk]))
    return render(
        request,
        "register/criteria.html",
        {
            **queries.school_links(request.user, school),
            "criteria": current,
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


def _int(raw, name: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a whole number."}) from None


def _float(raw, name: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a number."}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError({name: "Give a number."})
    return value


# --- imports ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("register.manage", "pk")
def imports(request, school):
    errors = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": "Choose a file."}
        else:
            try:
                batch = import_steps.start_import(
                    request.user,
                    school,
                    upload,
                    fmt=request.POST.get("format", ""),
                    kind=request.POST.get("kind", "pupils"),
                    encoding=request.POST.get("encoding", "utf-8"),
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                return redirect(reverse("register_import", args=[batch.pk]))
    context = queries.imports_page(request.user, school)
    context.update(errors=errors, form=request.POST)
    return render(request, "register/imports.html", context, status=400 if errors else 200)


def _batch_context(request, batch, errors=None):
    from risingtide.register import column_mapping

    fields = column_mapping.REGISTER_FIELDS if batch.kind == "register" else column_mapping.FIELDS
    return {
        "batch": batch,
        "school": batch.school,
        "fields": [
            (f, batch.mapping.get(f.key, ""), errors.get(f.key, "") if errors else "")
            for f in fields
        ],
        "headers": batch.summary.get("headers", []),
        "errors": errors or {},
        "summary": batch.summary.get("written") or batch.summary,
    }


@require_GET
@requires("import.view", "pk")
def import_batch(request, batch):
    if batch.summary.get("changes") or batch.summary.get("errors") or batch.summary.get("written"):
        services.log_access(
            request.user,
            "register.viewed",
            batch.school,
            why="Import preview",
            what=batch.file_name,
        )
    return render(request, "register/import.html", _batch_context(request, batch))


@require_GET
@requires("import.view", "pk")
def import_progress(request, batch):
    """The progress panel alone, polled by htmx while the import runs; once it stops running,
    the whole page is reloaded so the preview or result appears."""
    if not batch.running and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "register/_import_progress.html", {"batch": batch})


@require_POST
@requires("import.confirm", "pk")
def import_mapping(request, batch):
    from risingtide.register import column_mapping

    fields = column_mapping.REGISTER_FIELDS if batch.kind == "register" else column_mapping.FIELDS
    mapping = {f.key: request.POST.get(f"map_{f.key}", "") for f in fields}
    try:
        import_steps.set_mapping(request.user, batch, mapping)
    except ValidationError as exc:
        batch.mapping = {k: v for k, v in mapping.items() if v}
        return render(
            request,
            "register/import.html",
            _batch_context(request, batch, _errors(exc)),
            status=400,
        )
    return redirect(reverse("register_import", args=[batch.pk]))


@require_POST
@requires("import.confirm", "pk")
def import_confirm(request, batch):
    try:
        import_steps.confirm_import(request.user, batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("register_import", args=[batch.pk]))


@require_POST
@requires("import.confirm", "pk")
def import_cancel(request, batch):
    try:
        import_steps.cancel_import(request.user, batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("register_import", args=[batch.pk]))
    messages.success(request, "Import cancelled; the file is deleted.")
    return redirect(reverse("register_imports", args=[batch.school_id]))


# --- exports, audit, sharing -----------------------------------------------------------------


def _why(request) -> str:
    reason = request.POST.get("why", "")
    if reason not in EXPORT_REASONS:
        raise ValidationError({"why": "Say why you are exporting pupil data."})
    if reason == "other":
        detail = request.POST.get("why_other", "").strip()[:200]
        if not detail:
            raise ValidationError({"why_other": "Say what the export is for."})
        return f"Other: {detail}"
    return EXPORT_REASONS[reason]


@require_http_methods(["GET", "POST"])
@requires("register.export", "pk")
def export(request, school):
    from risingtide.register import exports

    errors = {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            why = _why(request)
            if what not in ("census", "csv", "xlsx", "pdf"):
                raise ValidationError({"what": "Choose what to export."})
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            services.log_access(request.user, "register.exported", school, why=why, what=what)
            year = academic_year()
            if what == "census":
                name = exports.export_filename(school, "gt-census", year, "csv")
                return exports.csv_export(exports.CENSUS_HEADER, exports.census_rows(school), name)
            header, rows = exports.register_rows(school)
            name = exports.export_filename(school, "register", year, what)
            if what == "csv":
                return exports.csv_export(header, rows, name)
            if what == "xlsx":
                return exports.xlsx_export(header, rows, name, "G&T register")
            pdf = exports.register_pdf(school, year, (header, rows))
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request,
        "register/export.html",
        {
            **queries.school_links(request.user, school),
            "reasons": EXPORT_REASONS,
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


@require_POST
@requires("pupil_record.export", "pk")
def leaver_ctf(request, pupil):
    from risingtide.register import exports

    try:
        why = _why(request)
    except ValidationError as exc:
        return _record(
            request, pupil, {f"ctf_{k}": v for k, v in _errors(exc).items()}, 400, request.POST
        )
    dest_la = request.POST.get("dest_la", "").strip()
    dest_estab = request.POST.get("dest_estab", "").strip()
    if (dest_la and not (dest_la.isdigit() and len(dest_la) == 3)) or (
        dest_estab and not (dest_estab.isdigit() and len(dest_estab) == 4)
    ):
        return _record(
            request,
            pupil,
            {
                "ctf_dest": "The destination is an LA code (3 digits) "
                "and an establishment number (4 digits)."
            },
            400,
            request.POST,
        )
    filename, data = exports.leaver_ctf(pupil, dest_la=dest_la, dest_estab=dest_estab)
    services.log_access(
        request.user,
        "register.exported",
        pupil.school,
        why=why,
        target=pupil,
        what="CTF for a leaver",
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@requires("register.audit", "pk")
def audit(request, school):
    context = queries.audit_page(request.user, school, _page(request.GET.get("page")))
    return render(request, "register/audit.html", context)


@require_http_methods(["GET", "POST"])
@requires("register.share", "pk")
def sharing(request, school):
    from risingtide.register.models import DataSharingAgreement

    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("end"):
                agreement = DataSharingAgreement.objects.filter(
                    school=school, pk=_int(request.POST.get("end"), "end")
                ).first()
                if agreement is None:
                    raise ValidationError({"end": "No such agreement."})
                services.end_agreement(request.user, agreement)
                messages.success(request, "The agreement has ended.")
            else:
                services.record_agreement(
                    request.user,
                    school,
                    reference=request.POST.get("reference", ""),
                    starts_on=_required_date(request.POST.get("starts_on", ""), "starts_on"),
                    ends_on=_optional_date(request.POST.get("ends_on", ""), "ends_on"),
                )
                messages.success(request, "Agreement recorded.")
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect(reverse("register_sharing", args=[school.pk]))
    return render(
        request,
        "register/sharing.html",
        {
            "school": school,
            "agreements": list(school.sharing.all()),
            "today": timezone.localdate(),
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


def _optional_date(raw: str, name: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationError({name: "Give the date as YYYY-MM-DD."}) from None


def _required_date(raw: str, name: str) -> date:
    value = _optional_date(raw, name)
    if value is None:
        raise ValidationError({name: "Give the date."})
    return value
