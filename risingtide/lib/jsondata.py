"""Reading JSON from outside (an upload, a request body, a file on the command line) with a
limit on how deeply it nests, so a hostile ``[[[[…`` is a clear refusal, never a server error.

Python's decoder gives up with ``RecursionError`` somewhere near a thousand levels; below that a
document can still be deep enough to exhaust the code that walks it afterwards. So the limit is
ours, applied to what was parsed, with a walk that keeps its own stack instead of recursing.
Every JSON reader of outside data goes through here; the framework-file reader (YAML, and
JSON as YAML) applies the same limit node by node while composing.
"""

import json
from typing import Any

MAX_DEPTH = 32  # our deepest format (a portfolio export's stage work) needs 7


class JsonRefused(ValueError):
    """The text is not JSON we will read; ``str()`` says why, in words for the person who
    sent it; ``line`` where, when a line is known; ``syntax`` the decoder's own words for a
    syntax error, for a reader that reports the place its own way."""

    def __init__(self, message: str, line: int | None = None, syntax: str = "") -> None:
        super().__init__(message)
        self.line, self.syntax = line, syntax


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH, what: str = "This file") -> Any:
    """The value in ``raw`` (UTF-8), or ``JsonRefused`` saying what is wrong with it: not
    UTF-8, not valid JSON, NaN or Infinity, or nested more than ``max_depth`` levels deep."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
    except UnicodeDecodeError as exc:
        raise JsonRefused(f"{what} is not UTF-8 text (byte {exc.start:,}).") from None
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise JsonRefused(too_deep(what, max_depth)) from None
    except json.JSONDecodeError as exc:
        raise JsonRefused(
            f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
            line=exc.lineno,
            syntax=exc.msg,
        ) from None
    except ValueError as exc:  # NaN, Infinity, or a number too long to convert
        raise JsonRefused(f"{what} is not valid JSON: {exc}.") from None
    if depth(value, stop_after=max_depth) > max_depth:
        raise JsonRefused(too_deep(what, max_depth))
    return value


def too_deep(what: str, max_depth: int) -> str:
    return f"{what} is nested more than {max_depth} levels deep."


def depth(value: Any, stop_after: int | None = None) -> int:
    """How many lists and objects deep ``value`` goes (a scalar is 0), without recursion; stops
    counting once past ``stop_after``."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if stop_after is not None and deepest > stop_after:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
