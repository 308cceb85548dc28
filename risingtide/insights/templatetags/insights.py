"""One published figure as a table cell: the shown text ("c" when suppressed) and its number
for the chart drawn from the table (empty when suppressed, so it is never plotted). A tag, not
an include: a national table has thousands of cells."""

from django import template
from django.utils.html import format_html

from risingtide.insights.disclosure import Figure

register = template.Library()


@register.simple_tag
def cell(figure: Figure):
    value = "" if figure.value is None else figure.value
    return format_html('<td class="num" data-value="{}">{}</td>', value, figure.shown)
