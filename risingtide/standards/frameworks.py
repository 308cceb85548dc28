"""Framework files: how a quality-standards framework travels in and out of Rising Tide.

A framework file (YAML, or the same structure as JSON) holds one version of one framework::

    format: rising-tide-framework/1
    framework: {key: iqs, name: "Institutional Quality Standards", kind: school, description: "…"}
    version: {label: "2007", source_note: "…"}
    themes:
      - code: A
        name: Effective teaching and learning strategies
        elements:
          - number: 1
            name: Identification
            summary: "…"             # optional
            levels: {entry: "…", developing: "…", exemplary: "…"}
            prompts:                 # only for kind: classroom, and required there
              - {number: 1, text: "…"}

``kind`` is ``school``, ``classroom`` or ``local_authority``; ``key`` is a slug; element numbers
are unique in the whole version, theme codes in the version, prompt numbers in their element;
every level needs text. Themes keep the file's order; elements and prompts are kept in number
order. docs/standards-frameworks.md is the administrator's guide, with every limit.

- `parse(data, filename)` reads a file (framework_files.py) and checks it
  (framework_checks.py), and raises `FrameworkFileError` listing every problem with its line;
- `load(spec)` writes a new version, all or nothing;
- `export(version, fmt)` writes a version back out in the same format (`dump(spec, fmt)`
  writes a spec);
- `ensure_shipped()` loads the frameworks in ``data/`` that are not loaded yet.
"""

import functools
import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Literal

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from risingtide.standards.framework_checks import check
from risingtide.standards.framework_files import compose
from risingtide.standards.framework_models import (
    Element,
    Framework,
    FrameworkVersion,
    Prompt,
    Theme,
)
from risingtide.standards.framework_spec import (
    FORMAT,
    LEVELS,
    ElementSpec,
    FrameworkFileError,
    FrameworkSpec,
    Problem,
    PromptSpec,
    ThemeSpec,
)

__all__ = [
    "FORMAT",
    "ElementSpec",
    "FrameworkFileError",
    "FrameworkSpec",
    "Problem",
    "PromptSpec",
    "ThemeSpec",
    "dump",
    "ensure_shipped",
    "export",
    "load",
    "parse",
    "shipped_files",
    "spec_of",
]


def parse(data: bytes, filename: str = "") -> FrameworkSpec:
    """Read a framework file (YAML or JSON). Raises FrameworkFileError listing every problem."""
    return check(compose(data, filename))


def load(spec: FrameworkSpec) -> FrameworkVersion:
    """Write `spec` as a new version of its framework (created if its key is new), with its
    themes, elements and prompts. Raises FrameworkFileError, writing nothing, when the key
    belongs to a framework of another kind or the version label is taken. An existing
    framework's name and description are left as they are."""
    with transaction.atomic():
        framework, _ = Framework.objects.get_or_create(
            key=spec.key,
            defaults={"name": spec.name, "kind": spec.kind, "description": spec.description},
        )
        if framework.kind != spec.kind:
            raise _refusal(
                spec.lines.get("kind"),
                f"the framework '{spec.key}' is already loaded with kind: {framework.kind}, "
                f"not {spec.kind}: use another key for a new framework",
            )
        taken = _refusal(
            spec.lines.get("version"),
            f"{spec.key.upper()} already has a version {spec.version}: give this one a new label",
        )
        if framework.versions.filter(label=spec.version).exists():
            raise taken
        try:
            with transaction.atomic():  # a savepoint: another load may take the label first
                version = FrameworkVersion.objects.create(
                    framework=framework,
                    label=spec.version,
                    source_note=spec.source_note,
                    active=spec.active,
                )
        except IntegrityError:
            raise taken from None
        # bulk_create sets primary keys on PostgreSQL and SQLite (3.35+), the two we run on.
        themes = Theme.objects.bulk_create(
            Theme(version=version, code=t.code, name=t.name, position=i)
            for i, t in enumerate(spec.themes, 1)
        )
        pairs = [
            (e, theme) for t, theme in zip(spec.themes, themes, strict=True) for e in t.elements
        ]
        elements = Element.objects.bulk_create(
            Element(
                version=version,
                theme=theme,
                number=e.number,
                name=e.name,
                summary=e.summary,
                **{level: e.levels[level] for level in LEVELS},
            )
            for e, theme in pairs
        )
        Prompt.objects.bulk_create(
            Prompt(element=element, number=p.number, text=p.text)
            for (e, _), element in zip(pairs, elements, strict=True)
            for p in e.prompts
        )
    return version


def _refusal(line: int | None, message: str) -> FrameworkFileError:
    return FrameworkFileError([Problem(line, message)])


def spec_of(version: FrameworkVersion) -> FrameworkSpec:
    """The spec of a loaded version, in four queries."""
    version = FrameworkVersion.objects.select_related("framework").get(pk=version.pk)
    themes = version.themes.prefetch_related(
        Prefetch("elements", Element.objects.order_by("number").prefetch_related("prompts"))
    )
    framework = version.framework
    return FrameworkSpec(
        key=framework.key,
        name=framework.name,
        kind=framework.kind,
        description=framework.description,
        version=version.label,
        source_note=version.source_note,
        active=version.active,
        themes=[
            ThemeSpec(
                code=theme.code,
                name=theme.name,
                elements=[
                    ElementSpec(
                        number=element.number,
                        name=element.name,
                        summary=element.summary,
                        levels={
                            "entry": element.entry,
                            "developing": element.developing,
                            "exemplary": element.exemplary,
                        },
                        prompts=[PromptSpec(p.number, p.text) for p in element.prompts.all()],
                    )
                    for element in theme.elements.all()
                ],
            )
            for theme in themes
        ],
    )


def export(version: FrameworkVersion, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The version as a framework file that `parse` reads back to the same spec."""
    return dump(spec_of(version), fmt)


def dump(spec: FrameworkSpec, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The spec as a framework file: `parse(dump(spec))` gives `spec` back."""
    data = {
        "format": FORMAT,
        "framework": _without_empty(
            key=spec.key, name=spec.name, kind=spec.kind, description=spec.description
        ),
        "version": {
            **_without_empty(label=spec.version, source_note=spec.source_note),
            **({} if spec.active else {"active": False}),
        },
        "themes": [
            {
                "code": theme.code,
                "name": theme.name,
                "elements": [
                    _without_empty(
                        number=element.number,
                        name=element.name,
                        summary=element.summary,
                        levels=element.levels,
                        prompts=[{"number": p.number, "text": p.text} for p in element.prompts],
                    )
                    for element in theme.elements
                ],
            }
            for theme in spec.themes
        ],
    }
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    title = " ".join(f"{spec.name} ({spec.version})".split())  # a comment is one line
    heading = f"# {title}, exported from Rising Tide\n"
    return heading + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _without_empty(**fields: object) -> dict[str, object]:
    # Optional keys left out when empty, so an export reads like a hand-written file.
    return {key: value for key, value in fields.items() if value not in ("", [])}


class _Dumper(yaml.SafeDumper):
    """Block style; several-line texts as literal blocks; never an anchor (parse refuses them)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    )


_Dumper.add_representer(str, _represent_text)


def shipped_files() -> list[Traversable]:
    """The framework files shipped in ``data/``, in name order (so IQS 2007 loads before 2010
    and the newest version of each framework is also the newest row)."""
    folder = resources.files("risingtide.standards") / "data"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def ensure_shipped() -> list[FrameworkVersion]:
    """Load every shipped framework version not loaded yet; returns those it loaded (none on a
    second run). A version already there, even one edited since, is left alone."""
    loaded = []
    for spec in _shipped_specs():
        if _is_loaded(spec):
            continue
        try:
            loaded.append(load(spec))
        except FrameworkFileError:
            if not _is_loaded(spec):  # not merely another process loading it at the same time
                raise
    return loaded


@functools.cache
def _shipped_specs() -> tuple[FrameworkSpec, ...]:
    # The shipped files do not change while the process runs: read them once (tests build
    # the tiny world, shipped frameworks included, hundreds of times).
    return tuple(parse(file.read_bytes(), file.name) for file in shipped_files())


def _is_loaded(spec: FrameworkSpec) -> bool:
    return FrameworkVersion.objects.filter(framework__key=spec.key, label=spec.version).exists()
