"""A portfolio to take away: a ZIP holding an offline site (index.html, style.css, media/), a PDF
of the same pages, and ``portfolio.json`` with everything, which ``imports`` reads back.

People are named, never identified: the JSON carries names, not accounts, so it can move to a
school that has its own accounts for the same pupil.
"""

import json
import math
import tempfile
import zipfile
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from risingtide.feedback.models import Comment
from risingtide.lib import uploads
from risingtide.lib.markup import markdown
from risingtide.lib.pdf import to_pdf
from risingtide.portfolios.models import Portfolio, StageProgress
from risingtide.tasc.models import STAGE_ORDER

FORMAT = "rising-tide-portfolio"
FORMAT_VERSION = 1


def _name(user) -> str:
    return user.get_full_name() if user else ""


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_data(portfolio: Portfolio) -> dict:
    """Everything in a portfolio as plain data (a fixed number of queries)."""
    portfolio = (
        Portfolio.objects.select_related("project__wheel")
        .prefetch_related("project__wheel__stages", "members")
        .get(pk=portfolio.pk)
    )
    project = portfolio.project
    items = list(
        portfolio.items.select_related("created_by")
        .prefetch_related("categories", "annotations__author", "revisions__saved_by")
        .order_by("stage", "position", "pk")
    )
    comments = list(
        Comment.objects.filter(portfolio=portfolio)
        .select_related("author")
        .prefetch_related("replies__author")
        .order_by("created_at", "pk")
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "project": {
            "title": project.title,
            "brief": project.brief,
            "subject": project.subject,
            "key_stage": project.key_stage,
            "mode": project.mode,
            "success_criteria": project.success_criteria,
            "stage_prompts": project.stage_prompts,
            "start_date": _when(project.start_date),
            "due_date": _when(project.due_date),
            "school": project.school.name,
            "wheel": {
                "name": project.wheel.name,
                "stages": [
                    {
                        "stage": s.stage,
                        "title": s.title,
                        "question": s.question,
                        "prompts": s.prompts,
                    }
                    for s in sorted(project.wheel.stages.all(), key=lambda s: s.number)
                ],
            },
        },
        "portfolio": {
            "name": portfolio.name,
            "members": [_name(m) for m in portfolio.members.all()],
            "current_stage": portfolio.current_stage,
            "shared_with": portfolio.shared_with,
            "created_at": _when(portfolio.created_at),
        },
        "stages": [
            {"stage": p.stage, "status": p.status, "done_at": _when(p.done_at)}
            for p in portfolio.progress.order_by("stage")
        ],
        "categories": sorted(portfolio.categories.values_list("name", flat=True)),
        "items": [_item(i) for i in items],
        "connections": [
            {
                "id": c.pk,  # the key feedback on a connection uses inside this file
                "source": c.source_id,
                "target": c.target_id,
                "label": c.label,
                "reason": c.reason,
                "created_by": _name(c.created_by),
                "created_at": _when(c.created_at),
            }
            for c in portfolio.connections.select_related("created_by").order_by("pk")
        ],
        "stage_work": [
            {
                "stage": w.stage,
                "data": w.data,
                "updated_by": _name(w.updated_by),
                "updated_at": _when(w.updated_at),
            }
            for w in portfolio.stage_work.select_related("updated_by").order_by("stage")
        ],
        # Reviews as a pupil may see them: hidden ones left out, anonymous ones unnamed.
        "reviews": [
            {
                "is_self": r.is_self,
                "by": "" if r.anonymous else (_name(r.reviewer) or r.reviewer_label),
                "anonymous": r.anonymous,
                "levels": r.levels,
                "comment": r.comment,
                "created_at": _when(r.created_at),
            }
            for r in portfolio.reviews.filter(hidden=False).select_related("reviewer")
        ],
        "feedback": [
            {
                "about": {"item": c.item_id, "connection": c.connection_id, "stage": c.stage},
                "kind": c.kind,
                "author": _name(c.author) or c.author_label,
                "body": c.body,
                "created_at": _when(c.created_at),
                "state": c.state,
                "done_at": _when(c.done_at),
                "accepted_at": _when(c.accepted_at),
                "replies": [
                    {
                        "author": _name(r.author) or r.author_label,
                        "body": r.body,
                        "created_at": _when(r.created_at),
                    }
                    for r in c.replies.all()
                ],
            }
            for c in comments
        ],
    }


def _item(item) -> dict:
    return {
        "id": item.pk,  # the key connections and feedback use inside this file
        "kind": item.kind,
        "stage": item.stage,
        "title": item.title,
        "position": item.position,
        "importance": item.importance,
        "created_by": _name(item.created_by),
        "created_at": _when(item.created_at),
        "body": item.body,
        "revisions": [
            {
                "version": r.version,
                "body": r.body,
                "saved_by": _name(r.saved_by),
                "saved_at": _when(r.saved_at),
                "conflicted": r.conflicted,
            }
            for r in item.revisions.all()
        ],
        "file": _media_name(item, "file"),
        "file_name": item.file_name,
        "file_type": item.file_type,
        "file_size": item.file_size,
        "thumbnail": _media_name(item, "thumbnail"),
        "url": item.url,
        "clip_status": item.clip_status,
        "clip_error": item.clip_error,
        "site_name": item.site_name,
        "description": item.description,
        "excerpt": item.excerpt,
        "snapshot": item.snapshot,
        "graph": [item.graph_x, item.graph_y] if item.graph_x is not None else None,
        "categories": sorted(c.name for c in item.categories.all()),
        "annotations": [
            {"author": _name(a.author), "text": a.text, "created_at": _when(a.created_at)}
            for a in item.annotations.all()
        ],
    }


def _media_name(item, field: str) -> str:
    """Where a stored file sits in the ZIP: media/<item>-<field><ending of its checked type>.
    Never the pupil's own file name: "homework.html" must not become a page on disk."""
    if not getattr(item, field):
        return ""
    ending = ".png" if field == "thumbnail" else uploads.EXTENSION.get(item.file_type, ".bin")
    return f"media/{item.pk}-{field}{ending}"


def graph_svg(items: list[dict], connections: list[dict], width: int = 900) -> dict:
    """A drawing of the connections graph that needs no script: the pupil's own layout where
    they made one, else a circle. Returns what the template draws."""
    linked = {c["source"] for c in connections} | {c["target"] for c in connections}
    nodes = [i for i in items if i["id"] in linked] or items[:12]
    if not nodes:
        return {"nodes": [], "edges": [], "width": width, "height": 0}
    placed = all(n["graph"] for n in nodes)
    points = {}
    if placed:
        xs = [n["graph"][0] for n in nodes]
        ys = [n["graph"][1] for n in nodes]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
        scale = (width - 160) / span
        for n in nodes:
            points[n["id"]] = (
                80 + (n["graph"][0] - min(xs)) * scale,
                60 + (n["graph"][1] - min(ys)) * scale,
            )
    else:
        radius = min((width - 200) / 2, 60 + 30 * len(nodes))
        for k, n in enumerate(nodes):
            angle = 2 * math.pi * k / len(nodes) - math.pi / 2
            points[n["id"]] = (
                width / 2 + radius * math.cos(angle),
                60 + radius * (1 + math.sin(angle)),
            )
    height = int(max(y for _, y in points.values()) + 60)
    edges = []
    for c in connections:
        if c["source"] in points and c["target"] in points:
            (x1, y1), (x2, y2) = points[c["source"]], points[c["target"]]
            # Stop short of the target's circle so the arrowhead shows.
            length = math.hypot(x2 - x1, y2 - y1) or 1
            edges.append(
                {
                    "x1": round(x1, 1),
                    "y1": round(y1, 1),
                    "x2": round(x2 - (x2 - x1) * 16 / length, 1),
                    "y2": round(y2 - (y2 - y1) * 16 / length, 1),
                    "mx": round((x1 + x2) / 2, 1),
                    "my": round((y1 + y2) / 2 - 4, 1),
                    "label": c["label"],
                }
            )
    return {
        "nodes": [
            {
                "x": round(points[n["id"]][0], 1),
                "y": round(points[n["id"]][1], 1),
                "label_y": round(points[n["id"]][1] + 28, 1),
                "title": n["title"],
            }
            for n in nodes
        ],
        "edges": edges,
        "width": width,
        "height": height,
    }


def render_site(data: dict) -> str:
    """index.html of the offline copy (also the source of the PDF)."""
    items = data["items"]
    by_id = {i["id"]: i for i in items}
    stage_words = {s["stage"]: s for s in data["project"]["wheel"]["stages"]}
    done = {s["stage"] for s in data["stages"] if s["status"] == StageProgress.Status.DONE}
    work = {w["stage"]: w["data"] for w in data["stage_work"]}
    stages = []
    for stage in STAGE_ORDER:
        words = stage_words.get(stage, {"title": stage, "question": ""})
        stages.append(
            {
                "stage": stage,
                "number": STAGE_ORDER.index(stage) + 1,
                "title": words["title"],
                "question": words["question"],
                "done": stage in done,
                "items": [
                    {**i, "html": markdown(i["body"]) if i["kind"] == "note" else ""}
                    for i in items
                    if i["stage"] == stage
                ],
                "work": work.get(stage, {}),
            }
        )
    for c in data["connections"]:
        c["source_title"] = by_id[c["source"]]["title"]
        c["target_title"] = by_id[c["target"]]["title"]
    for f in data["feedback"]:
        f["kind_label"] = Comment.Kind(f["kind"]).label
        about = f["about"]
        f["about_text"] = (
            by_id[about["item"]]["title"]
            if about["item"] in by_id
            else f"stage: {stage_words.get(about['stage'], {}).get('title', about['stage'])}"
            if about["stage"]
            else "a connection"
            if about["connection"]
            else "the whole portfolio"
        )
    return render_to_string(
        "transfer/export/site.html",
        {
            "data": data,
            "stages": stages,
            "graph": graph_svg(items, data["connections"]),
        },
    )


def _pdf(site_dir: Path) -> bytes:
    """The offline site as a PDF, reading only the export's own files."""
    return to_pdf(filename=site_dir / "index.html", root=site_dir)


CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "export.css"


def _write_site(portfolio: Portfolio, root: Path) -> tuple[dict, str, list[str]]:
    """The offline site in a folder: index.html, style.css and media/."""
    data = export_data(portfolio)
    site = render_site(json.loads(json.dumps(data)))  # the template gets its own copy
    (root / "media").mkdir()
    (root / "index.html").write_text(site, encoding="utf-8")
    (root / "style.css").write_text(CSS.read_text(encoding="utf-8"), encoding="utf-8")
    media = []
    for item in portfolio.items.all():
        for field in ("file", "thumbnail"):
            name = _media_name(item, field)
            if name:
                with getattr(item, field).open("rb") as stored:
                    (root / name).write_bytes(stored.read())
                media.append(name)
    return data, site, media


def portfolio_pdf(portfolio: Portfolio) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        _write_site(portfolio, Path(tmp))
        return _pdf(Path(tmp))


def build_zip(portfolio: Portfolio, out) -> None:
    """Write the export ZIP into ``out`` (a binary file object)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data, site, media = _write_site(portfolio, root)
        pdf = _pdf(root)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("index.html", site)
            archive.write(root / "style.css", "style.css")
            archive.writestr("portfolio.json", json.dumps(data, ensure_ascii=False, indent=1))
            archive.writestr("portfolio.pdf", pdf)
            for name in media:
                archive.write(root / name, name)
