"""Reading a framework file: bytes in, a tree of YAML nodes, each with its line, out; or the
one problem that stops the reading.

What the nodes must say is checked in framework_checks.py; `frameworks.parse` does both. The
two are apart because this half is the guard against hostile input (size, encoding, nesting,
anchors and aliases, tags) and knows nothing of the framework format, while the checking
half knows the format and trusts the tree it is given.

The file is read with PyYAML's composer, not its constructor, so every value keeps the line it
came from and nothing is ever turned into a Python object we did not ask for. JSON goes through
the same composer (JSON is YAML flow syntax), after `json.loads` has had the first say on
syntax so a JSON mistake is reported as JSON reports it.
"""

import yaml

from risingtide.lib import jsondata
from risingtide.standards.framework_spec import FrameworkFileError, Problem

# Hostile input: a framework file is a few kilobytes; these leave room for any real one.
MAX_BYTES = 1_000_000
MAX_DEPTH = 12  # the format itself needs 8
MAX_NODES = 50_000  # the largest file the other limits allow holds about 35,000

YAML_TAG = "tag:yaml.org,2002:"  # the prefix of YAML's own tags: str, int, seq, map…
_ALLOWED_TAGS = {None, "!", *(YAML_TAG + t for t in ("str", "int", "float", "bool", "null"))}
_ALLOWED_TAGS |= {YAML_TAG + "seq", YAML_TAG + "map"}


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


class _GuardedLoader(yaml.SafeLoader):
    """The safe loader's composer, refusing anchors, aliases, odd tags and deep nesting before
    each node is built (an alias costs nothing here but would explode in anyone's constructor:
    the billion laughs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused(line, "anchors and aliases (& and *) are not allowed: write it out")
        if getattr(event, "tag", None) not in _ALLOWED_TAGS:
            raise _Refused(line, f"the tag {event.tag} is not allowed: write plain values")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(line, f"the file holds more than {MAX_NODES} values")
        if self._depth >= MAX_DEPTH:
            raise _Refused(line, f"the file is nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _fail(line: int | None, message: str) -> FrameworkFileError:
    return FrameworkFileError([Problem(line, message)])


def compose(data: bytes, filename: str) -> yaml.Node:
    if len(data) > MAX_BYTES:
        raise _fail(None, f"the file is {len(data) / 1e6:.1f} MB; a framework file is at most 1 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            line, f"this is not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8"
        ) from None
    if not text.strip():
        raise _fail(None, "the file is empty")
    name = filename.lower()
    if name.endswith(".json") or (
        not name.endswith((".yaml", ".yml")) and text.lstrip().startswith("{")
    ):
        try:
            jsondata.loads(text, max_depth=MAX_DEPTH, what="the file")
        except jsondata.JsonRefused as refused:  # bad syntax, [[[[…]]]] a million deep, NaN
            if refused.syntax:
                raise _fail(refused.line, f"this is not valid JSON: {refused.syntax}") from None
            raise _fail(refused.line, str(refused).rstrip(".")) from None
        # Valid JSON has tabs only between tokens, where YAML flow syntax wants spaces.
        text = text.replace("\t", " ")
    try:
        node = yaml.compose(text, Loader=_GuardedLoader)  # composes only: no constructor runs
    except _Refused as exc:
        raise _fail(exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        if "'\\t'" in message:
            message += " (indent with spaces, not tabs)"
        raise _fail(mark.line + 1 if mark else None, f"this is not valid YAML: {message}") from None
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if position is not None else None
        raise _fail(line, f"this is not valid YAML: {getattr(exc, 'reason', exc)}") from None
    except RecursionError:
        raise _fail(None, "the file is nested too deeply") from None
    if node is None:
        raise _fail(None, "the file is empty")
    return node
