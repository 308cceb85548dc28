"""Hooks: how a lower app lets higher apps take part without importing them.

The house is one-way (docs/architecture.md): `register` never imports `insights`, `tasc`
never imports `portfolios`. Where a lower app's work has consequences in a higher one (a
register change moves the insights figures), or its page shows something a higher app owns
(the portfolio page shows the feedback threads), the lower app declares a ``Hook`` and the
higher app connects to it from its ``AppConfig.ready()`` — as Wagtail's hooks do.

Handlers run synchronously, in the order they connected, inside the caller's transaction: an
event and everything that follows from it commit together or not at all. An exception in a
handler is the caller's exception (nothing is swallowed).
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """One point where higher apps join in. ``name`` and ``doc`` say what it is for and what
    each handler is given and returns."""

    def __init__(self, name: str, doc: str) -> None:
        self.name, self.doc = name, doc
        self._handlers: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._handlers)} handler(s)>"

    def connect(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``handler`` (once, however often its app is made ready); usable as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def send(self, *args, **kwargs) -> list[Any]:
        """Call every handler; their answers, in order."""
        return [handler(*args, **kwargs) for handler in self._handlers]

    def merged(self, *args, **kwargs) -> dict:
        """Call every handler and merge the dicts they return (later ones win)."""
        out: dict = {}
        for answer in self.send(*args, **kwargs):
            out.update(answer or {})
        return out
