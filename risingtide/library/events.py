"""What the library asks of the apps above it, without importing them (lib.hooks)."""

from dataclasses import dataclass

from risingtide.lib.hooks import Hook


@dataclass(frozen=True)
class Shelf:
    title: str
    description: str
    url: str
    count: int


shelves = Hook(
    "library.shelves",
    "Given the person on the library page, return a list of other shelves of shared work an "
    "app above keeps for them (each a ``Shelf``), shown above the library's own search; an "
    "empty list when that person has none.",
)
