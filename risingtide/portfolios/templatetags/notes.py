from django import template

from risingtide.lib.markup import markdown as render

register = template.Library()


@register.filter
def markdown(text: str):
    """A note's Markdown as cleaned HTML (lib.markup)."""
    return render(text or "")
