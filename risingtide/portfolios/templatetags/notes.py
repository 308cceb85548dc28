from django import template

from risingtide.lib.clip.snapshot import show_snapshot
from risingtide.lib.markup import markdown as render

register = template.Library()


@register.filter
def markdown(text: str):
    """A note's Markdown as cleaned HTML (lib.markup)."""
    return render(text or "")


@register.filter
def snapshot(stored: str):
    """A clipping's stored readable copy, cleaned again and without other sites' pictures."""
    return show_snapshot(stored or "")
