"""Checking a framework file: the tree of YAML nodes read from it (framework_files.py) in, a
`FrameworkSpec` or every problem, each with its line, out.

The format is described in `frameworks.py` (the public entry point) and in
docs/standards-frameworks.md. Its own module because it knows the format and nothing of
bytes or hostile input, which the reading has dealt with. Nothing here touches the database
(the models are read only for their field limits).
"""

import difflib
import re

import yaml

from risingtide.standards.framework_files import YAML_TAG
from risingtide.standards.framework_models import Element, Framework, FrameworkVersion, Theme
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

KINDS = tuple(Framework.Kind.values)  # school, classroom, local_authority

MAX_THEMES = 50
MAX_ELEMENTS = 200  # in the whole version
MAX_PROMPTS = 30  # per element
MAX_PROBLEMS = 100
MAX_NUMBER = 32767  # PositiveSmallIntegerField


def _most(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The models' limits for CharFields; TextFields get limits generous enough for a published
# descriptor but small enough to keep a page (and a hostile file) in bounds.
LIMITS = {
    "key": _most(Framework, "key"),
    "kind": _most(Framework, "kind"),
    "framework name": _most(Framework, "name"),
    "description": 5000,
    "label": _most(FrameworkVersion, "label"),
    "source_note": _most(FrameworkVersion, "source_note"),
    "code": _most(Theme, "code"),
    "name": min(_most(Theme, "name"), _most(Element, "name")),
    "summary": 2000,
    "level": 5000,
    "text": 1000,
}

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_DIGITS = re.compile(r"[0-9]+")
# Control characters other than tab and newline, NUL above all (PostgreSQL refuses it in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check(root: yaml.Node) -> FrameworkSpec:
    """The spec a composed framework file describes. Raises FrameworkFileError listing every
    problem."""
    return _Checker().file(root)


# A mapping is read as {key: (value node, line of the key)}, so a problem with a value, or with
# something missing from it, can name the line where the key was written.
Fields = dict[str, tuple[yaml.Node, int]]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _peek(node: yaml.Node, key: str, tag: str | None = None) -> str | None:
    """A short scalar under `key`, read ahead so every message about a mapping can name it
    (element 3, theme A) even when the problem comes before the key."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if getattr(key_node, "value", None) == key and isinstance(value, yaml.ScalarNode):
                text = value.value.strip()
                wanted = value.tag == tag if tag else value.tag != YAML_TAG + "null"
                return text if wanted and 0 < len(text) <= 40 else None
    return None


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == YAML_TAG + "null":
        return "nothing"
    return f"'{node.value[:40]}'"


class _TooMany(Exception):
    pass


class _Checker:
    """Walks the node tree once, top down, collecting every problem and building the spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.kind: str | None = None  # known once the framework's kind has been read
        self.elements_seen = 0
        self.theme_lines: dict[str, int] = {}
        self.element_lines: dict[int, int] = {}

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(line, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def file(self, root: yaml.Node) -> FrameworkSpec:
        try:
            spec = self._file(root)
        except _TooMany:
            spec = None
        problems = sorted(self.problems, key=lambda problem: problem.line or 0)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(None, f"{MAX_PROBLEMS} problems so far: fix these first"))
        if problems or spec is None:
            raise FrameworkFileError(problems)
        return spec

    def _file(self, root: yaml.Node) -> FrameworkSpec | None:
        if isinstance(root, yaml.MappingNode):
            # A file in another format (or a later version of ours) is not worth checking on.
            fmt = next((v for k, v in root.value if getattr(k, "value", None) == "format"), None)
            if fmt is not None and getattr(fmt, "value", None) != FORMAT:
                shown = _describe(fmt) if isinstance(fmt, yaml.ScalarNode) else "that"
                self.add(
                    _line(fmt), f"format {shown} is not one Rising Tide reads: expected {FORMAT}"
                )
                return None
        top = self.mapping(root, "the file", 1, ("format?", "framework", "version", "themes"))
        if top is None:
            return None
        if "format" not in top:
            self.add(1, f"the file has no 'format: {FORMAT}' line (is it a framework file?)")
        spec = FrameworkSpec(key="", name="", kind="", description="", version="", source_note="")
        framework = self.mapping_at(
            top, "framework", "framework", ("key", "name", "kind", "description?")
        )
        if framework is not None:
            spec.key = self.text(framework, "key", "framework")
            if spec.key and not _SLUG.fullmatch(spec.key):
                self.add(
                    framework["key"][1],
                    f"framework: key '{spec.key}' may use only letters, digits, - and _",
                )
            spec.name = self.text(framework, "name", "framework", limit="framework name")
            spec.kind = self.text(framework, "kind", "framework")
            if spec.kind and spec.kind not in KINDS:
                self.add(
                    framework["kind"][1],
                    f"framework: kind '{spec.kind}' is not one of {', '.join(KINDS)}",
                )
            elif spec.kind:
                self.kind = spec.kind
            spec.description = self.text(framework, "description", "framework", required=False)
            for key in ("key", "kind"):
                if key in framework:
                    spec.lines[key] = framework[key][1]
        version = self.mapping_at(top, "version", "version", ("label", "source_note?", "active?"))
        if version is not None:
            spec.version = self.text(version, "label", "version")
            spec.source_note = self.text(version, "source_note", "version", required=False)
            spec.active = self.boolean(version, "active", "version")
            if "label" in version:
                spec.lines["version"] = version["label"][1]
        themes = self.sequence_at(top, "themes", "the file", most=MAX_THEMES, noun="themes")
        spec.themes = [self.theme(node, i) for i, node in enumerate(themes, 1)]
        return spec

    def theme(self, node: yaml.Node, position: int) -> ThemeSpec:
        code = _peek(node, "code")
        where = f"theme {code}" if code else f"the {_ordinal(position)} theme"
        fields = self.mapping(node, where, _line(node), ("code", "name", "elements")) or {}
        theme = ThemeSpec(code=self.text(fields, "code", where), name="")
        if theme.code:
            self.first_use(
                self.theme_lines, theme.code, fields["code"][1], f"theme code {theme.code}"
            )
        theme.name = self.text(fields, "name", where)
        room = max(MAX_ELEMENTS - self.elements_seen, 0)
        elements = self.sequence_at(
            fields,
            "elements",
            where,
            most=room,
            noun="elements",
            too_many=f"a version may have at most {MAX_ELEMENTS} elements",
        )
        self.elements_seen += len(elements)
        theme.elements = [self.element(item, i, where) for i, item in enumerate(elements, 1)]
        # Elements and prompts are kept in number order: the order every page shows them in.
        theme.elements.sort(key=lambda element: element.number)
        return theme

    def element(self, node: yaml.Node, position: int, theme: str) -> ElementSpec:
        number = _peek(node, "number", YAML_TAG + "int")
        if number and _DIGITS.fullmatch(number):
            where = f"element {int(number)} ({theme})"
        else:
            where = f"the {_ordinal(position)} element of {theme}"
        keys = ("number", "name", "summary?", "levels", "prompts?")
        fields = self.mapping(node, where, _line(node), keys) or {}
        element = ElementSpec(number=self.number(fields, "number", where), name="")
        if element.number:
            self.first_use(
                self.element_lines,
                element.number,
                fields["number"][1],
                f"element number {element.number}",
            )
        element.name = self.text(fields, "name", where)
        element.summary = self.text(fields, "summary", where, required=False)
        missing = f"{where} has no '{{key}}' level"
        levels = self.mapping_at(fields, "levels", f"the levels of {where}", LEVELS, missing)
        for level in LEVELS:
            if levels is not None and level in levels:
                element.levels[level] = self.text(
                    levels, level, where, noun=f"the '{level}' level", limit="level"
                )
        element.prompts = self.prompts(fields, where, _line(node))
        return element

    def prompts(self, fields: Fields, where: str, element_line: int) -> list[PromptSpec]:
        if "prompts" in fields and self.kind in ("school", "local_authority"):
            self.add(
                fields["prompts"][1],
                f"{where} has prompts, but only a classroom "
                f"framework's elements have them (this one is kind: {self.kind})",
            )
            return []
        before = len(self.problems)
        items = self.sequence_at(
            fields, "prompts", where, most=MAX_PROMPTS, noun="prompts", required=False
        )
        if self.kind == "classroom" and not items and len(self.problems) == before:
            line = fields["prompts"][1] if "prompts" in fields else element_line
            self.add(
                line,
                f"{where} has no prompts: every element of a classroom framework "
                "needs at least one for teachers to rate",
            )
        prompts, seen = [], {}
        for i, item in enumerate(items, 1):
            number = _peek(item, "number", YAML_TAG + "int")
            if number and _DIGITS.fullmatch(number):
                inner = f"prompt {int(number)} of {where}"
            else:
                inner = f"the {_ordinal(i)} prompt of {where}"
            prompt_fields = self.mapping(item, inner, _line(item), ("number", "text")) or {}
            prompt = PromptSpec(number=self.number(prompt_fields, "number", inner), text="")
            if prompt.number:
                self.first_use(
                    seen,
                    prompt.number,
                    prompt_fields["number"][1],
                    f"prompt number {prompt.number} in {where}",
                )
            prompt.text = self.text(prompt_fields, "text", inner)
            prompts.append(prompt)
        return sorted(prompts, key=lambda prompt: prompt.number)

    # Building blocks.

    def mapping(
        self, node: yaml.Node, where: str, line: int, keys: tuple[str, ...], missing: str = ""
    ) -> Fields | None:
        """The mapping's fields. `keys` are allowed, and required unless they end in "?";
        a missing key is reported at `line`, where the mapping's own key was written."""
        if not isinstance(node, yaml.MappingNode):
            self.add(
                _line(node), f"{where} should be a set of 'key: value' lines, not {_describe(node)}"
            )
            return None
        allowed = tuple(key.rstrip("?") for key in keys)
        fields: Fields = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.add(_line(key_node), f"{where} has a key that is not a plain word")
            elif key in fields:
                self.add(
                    _line(key_node),
                    f"'{key}' appears twice in {where} (first on line {fields[key][1]})",
                )
            elif key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.add(
                    _line(key_node),
                    f"unknown key '{key[:40]}' in {where} (allowed: {', '.join(allowed)}){hint}",
                )
            else:
                fields[key] = (value, _line(key_node))
        for key in keys:
            if not key.endswith("?") and key not in fields:
                self.add(line, (missing or f"{where} has no '{{key}}'").format(key=key))
        return fields

    def mapping_at(
        self, fields: Fields, key: str, where: str, keys: tuple[str, ...], missing: str = ""
    ) -> Fields | None:
        if key not in fields:
            return None  # the owner's mapping() has said so
        node, line = fields[key]
        return self.mapping(node, where, line, keys, missing)

    def sequence_at(
        self,
        fields: Fields,
        key: str,
        where: str,
        *,
        most: int,
        noun: str,
        required: bool = True,
        too_many: str = "",
    ) -> list[yaml.Node]:
        if key not in fields:
            return []
        node, line = fields[key]
        if not required and isinstance(node, yaml.ScalarNode) and node.tag == YAML_TAG + "null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.add(
                _line(node),
                f"{where}: '{key}' should be a list of '- ' items, not {_describe(node)}",
            )
            return []
        if required and not node.value:
            self.add(line, f"{where} has no {noun}")
        if len(node.value) > most:
            self.add(_line(node.value[most]), too_many or f"{where} has more than {most} {noun}")
            return node.value[:most]
        return node.value

    def text(
        self,
        fields: Fields,
        key: str,
        where: str,
        *,
        required: bool = True,
        noun: str = "",
        limit: str = "",
    ) -> str:
        if key not in fields:
            return ""
        node, _ = fields[key]
        noun = noun or f"'{key}'"
        if not isinstance(node, yaml.ScalarNode):
            self.add(_line(node), f"{where}: {noun} should be text, not {_describe(node)}")
            return ""
        # The scalar as written: a label 2007 or a date stays the text it was, not a number.
        value = "" if node.tag == YAML_TAG + "null" else node.value.strip()
        value = value.replace("\r\n", "\n").replace("\r", "\n")  # "\r\n" escaped in JSON
        try:  # JSON's "\ud83d\ude00" comes through YAML as two halves: rejoin them
            value = value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            self.add(_line(node), f"{where}: {noun} holds half of a \\u escape pair")
            return ""
        most = LIMITS[limit or key]
        if required and not value:
            self.add(_line(node), f"{where}: {noun} is empty")
        elif len(value) > most:
            self.add(_line(node), f"{where}: {noun} is {len(value)} characters; at most {most}")
        elif _CONTROL.search(value):
            self.add(_line(node), f"{where}: {noun} holds a control character")
        return value

    def boolean(self, fields: Fields, key: str, where: str, default: bool = True) -> bool:
        if key not in fields:
            return default
        node, _ = fields[key]
        if not isinstance(node, yaml.ScalarNode) or node.tag != YAML_TAG + "bool":
            self.add(
                _line(node), f"{where}: '{key}' should be true or false, not {_describe(node)}"
            )
            return default
        return node.value.lower() in ("true", "yes", "on")

    def number(self, fields: Fields, key: str, where: str) -> int:
        """A positive whole number written as one (not "3", not true, not 3.0); 0 if not."""
        if key not in fields:
            return 0
        node, _ = fields[key]
        written = node.value if isinstance(node, yaml.ScalarNode) else ""
        if node.tag != YAML_TAG + "int" or not _DIGITS.fullmatch(written):
            self.add(
                _line(node), f"{where}: '{key}' should be a whole number, not {_describe(node)}"
            )
            return 0
        # Length first: int() of a 5,000-digit string is refused by Python itself.
        if len(written) > len(str(MAX_NUMBER)) or not 1 <= int(written) <= MAX_NUMBER:
            self.add(_line(node), f"{where}: '{key}' should be from 1 to {MAX_NUMBER}")
            return 0
        return int(written)

    def first_use(self, seen: dict, value: object, line: int, what: str) -> None:
        if value in seen:
            self.add(line, f"{what} is used twice (first on line {seen[value]})")
        else:
            seen[value] = line
