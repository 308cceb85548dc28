"""Gathering everything held about one person, and writing it as a subject-access ZIP.

The ZIP holds ``index.html`` (a plain, readable summary: what each part of the platform holds,
row by row), ``data/<app>.json`` (every declared model's rows, machine-readable, with the
fields each app declared, secrets left out) and ``files/`` (the person's own files as stored).
Everything comes from the declarations in each app's ``personal_data.py``, so a model added
and declared is exported without a change here.
"""

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from risingtide.lib.personal_data import Holding, Person, holdings


@dataclass
class Part:
    """One declared model's rows about (or naming) the person."""

    holding: Holding
    rows: list[dict]
    files: list[tuple[str, str]] = field(default_factory=list)  # (stored name, name in ZIP)

    @property
    def label(self) -> str:
        return self.holding.model

    @property
    def title(self) -> str:
        return self.holding.heading

    @property
    def columns(self) -> list[str]:
        return self.holding.exported_fields()


def gather_one(holding: Holding, person: Person) -> Part:
    """The rows of one declared model (two queries at most: the rows, nothing else)."""
    names = holding.exported_fields()
    rows = list(holding.rows(person).values(*names))
    part = Part(holding, rows)
    for row in rows:
        for name in holding.file_fields():
            stored = row.get(name)
            if stored:
                base = PurePosixPath(stored).name
                app, model = holding.model.split(".")
                part.files.append((stored, f"files/{app}/{model}/{row['id']}-{name}-{base}"))
    return part


def gather(person: Person, progress: Callable[[int, int], None] | None = None) -> list[Part]:
    """Every declared model's part, in a stable order; ``progress(done, total)`` after each."""
    todo = sorted(holdings(), key=lambda h: h.model)
    parts = []
    for done, holding in enumerate(todo, start=1):
        parts.append(gather_one(holding, person))
        if progress:
            progress(done, len(todo))
    return parts


def write_zip(out, parts: list[Part], *, subject: str, asked_by: str, school: str) -> None:
    """The ZIP itself, into the binary file ``out``."""
    by_app: dict[str, dict[str, list[dict]]] = {}
    for part in parts:
        by_app.setdefault(part.label.split(".")[0], {})[part.label] = part.rows
    made = timezone.now()
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for app, models in sorted(by_app.items()):
            archive.writestr(
                f"data/{app}.json",
                json.dumps(models, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False),
            )
        for part in parts:
            for stored, inside in part.files:
                try:
                    with default_storage.open(stored, "rb") as source:
                        archive.writestr(inside, source.read())
                except FileNotFoundError:  # said in the summary, never silently left out
                    missing.append(stored)
        shown = [p for p in parts if p.rows]
        archive.writestr(
            "index.html",
            render_to_string(
                "privacy/export_index.html",
                {
                    "parts": shown,
                    "apps": sorted(by_app),
                    "empty": [p for p in parts if not p.rows],
                    "subject": subject,
                    "asked_by": asked_by,
                    "school": school,
                    "made": made,
                    "missing": missing,
                    "files": [inside for p in parts for _stored, inside in p.files],
                },
            ),
        )
