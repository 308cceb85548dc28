"""One published figure as a table cell: the shown text ("c" when suppressed) and its number
for the chart drawn from the table (empty when suppressed, so it is never plotted). Tags, not
includes, and the standard library's escape rather than format_html: a national table has
thousands of cells."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from risingtide.insights.disclosure import Figure

register = template.Library()


def _td(figure: Figure, extra: str = "") -> str:
    value = "" if figure.value is None else escape(str(figure.value))
    return f'<td class="num" data-value="{value}">{escape(figure.shown)}{extra}</td>'


@register.simple_tag
def cell(figure: Figure) -> SafeString:
    return mark_safe(_td(figure))  # noqa: S308 (every part escaped above)


@register.simple_tag
def compare_cells(row) -> SafeString:
    """One compared school's or LA's figures (comparing.EntityRow): pupils, on register, rate,
    then pupils, on register and ratio of each group, then G&T progress, in one tag."""
    cells = [_td(row.cohort), _td(row.register), _td(row.rate)]
    low = ' <span class="tag tag-warn">low</span>'
    for g in row.groups:
        cells += [_td(g.cohort), _td(g.register), _td(g.ratio, low if g.flagged else "")]
    cells.append(_td(row.gt_progress))
    return mark_safe("".join(cells))  # noqa: S308 (every part escaped in _td)
