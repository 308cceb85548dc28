"""Words for the teacher's progress grid."""

from django import template

register = template.Library()

# Each stage cell's mark, so its state never rests on colour alone.
MARKS = {"done": "✓", "started": "◐", "stuck": "!", "": "–"}
WORDS = {"done": "done", "started": "started", "stuck": "stuck", "": "not started"}


@register.filter
def cell_mark(status: str) -> str:
    return MARKS.get(status, "")


@register.filter
def cell_word(status: str) -> str:
    return WORDS.get(status, "")


@register.filter
def days_ago(days: int | None) -> str:
    """How long ago, in words: today, yesterday, 3 days ago; nothing for never."""
    if days is None:
        return ""
    return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
