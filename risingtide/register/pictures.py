"""The register's pictures: the identification rates by group, as an inline SVG chart.

Presentation only, apart from the domain code that works the figures out (``equity``): it
takes plain rows (a ``Bar`` per group, under its heading) and knows nothing of pupils, entries
or queries. Every text is escaped (``format_html``); no style attribute or script, as the
page's CSP allows neither.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class Bar(NamedTuple):
    """One group's bar: its identification rate and the rate among the rest of the pupils
    (None when the group is all of them), as shares (0.15 is 15%); ``flagged`` and
    ``too_small`` as the equity check judged it."""

    label: str
    rate: float
    rest_rate: float | None
    flagged: bool
    too_small: bool


# The bars under each heading, in order: (heading, bars).
Sections = Sequence[tuple[str, Sequence[Bar]]]

# The site's palette (static/css/site.css), as presentation attributes: the page's CSP allows
# no style attributes. Contrast on white: INK 15.8, MUTED 7.5, BRAND 7.8, ERROR 7.3 (all text
# and marks meet WCAG AA); GRID is decoration only.
INK, MUTED, BRAND, ERROR = "#1b2330", "#4a5568", "#0b5394", "#b00020"
GRID, PAPER = "#c9d3e0", "#ffffff"
# Columns: group labels end at LABEL_END, bars from BAR_X, the figures in words from NOTE_X.
WIDTH, LABEL_END, BAR_X, BAR_W, NOTE_X = 900, 270, 280, 280, 576
ROW, HEADING, BAR_H, TOP = 28, 30, 16, 100
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
LABEL_MAX = 36  # our own labels fit; a school's own ethnic group text may not


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}%"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _scale(overall: float, sections: Sections) -> int:
    """The axis's end, a whole percentage: the highest rate shown, rounded up to a tick."""
    rates = [overall]
    for _heading, bars in sections:
        for bar in bars:
            rates += [bar.rate, bar.rest_rate or 0]
    step = 10 if max(rates) <= 0.5 else 20
    return min(100, max(step, math.ceil(100 * max(rates) / step - 1e-9) * step))


def _legend(prefix: str, fraction: str) -> SafeString:
    """Two rows of keys: what a bar and the line are, then how flagged and small groups look."""
    return format_html(
        '<g font-size="13" fill="{ink}">'
        '<rect x="0" y="8" width="14" height="14" fill="{brand}"></rect>'
        '<text x="22" y="20">A group’s identification rate</text>'
        '<line x1="327" y1="6" x2="327" y2="24" stroke="{ink}" stroke-width="3"></line>'
        '<text x="338" y="20">The rate among the rest of the pupils</text>'
        '<rect x="0" y="34" width="14" height="14" fill="url(#{p}-hatch)" stroke="{error}" '
        'stroke-width="1.5"></rect>'
        '<text x="22" y="46">⚠ Flagged: below {f} of the rest</text>'
        '<rect x="320" y="34" width="14" height="14" fill="{paper}" stroke="{muted}" '
        'stroke-width="1.5" stroke-dasharray="3 2"></rect>'
        '<text x="338" y="46">Too small to judge</text>'
        "</g>",
        ink=INK,
        brand=BRAND,
        error=ERROR,
        muted=MUTED,
        paper=PAPER,
        p=prefix,
        f=fraction,
    )


def _axis(top: int, bottom: int, end: int) -> SafeString:
    step = 10 if end <= 50 else 20
    ticks = []
    for value in range(0, end + 1, step):
        x = BAR_X + BAR_W * value / end
        ticks.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{grid}"></line>'
                '<text x="{x}" y="{ty}" text-anchor="middle" font-size="12" fill="{muted}">'
                "{value}%</text>",
                x=f"{x:.1f}",
                top=top,
                bottom=bottom,
                ty=top - 6,
                grid=GRID,
                muted=MUTED,
                value=value,
            )
        )
    return _join(ticks)


def _bar(group: Bar, y: int, end: int, prefix: str, fraction: str) -> SafeString:
    def x_of(rate: float) -> str:
        return f"{BAR_X + BAR_W * min(100 * rate, end) / end:.1f}"

    width = f"{float(x_of(group.rate)) - BAR_X:.1f}"
    if group.flagged:
        fill, stroke, dash = f"url(#{prefix}-hatch)", ERROR, "none"
    elif group.too_small:
        fill, stroke, dash = PAPER, MUTED, "3 2"
    else:
        fill, stroke, dash = BRAND, BRAND, "none"
    parts = [
        format_html(
            '<text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="{ink}">{label}</text>'
            '<rect x="{bx}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.5" stroke-dasharray="{dash}"></rect>',
            lx=LABEL_END,
            ty=y + 13,
            ink=INK,
            label=_short(group.label),
            bx=BAR_X,
            y=y,
            w=width,
            h=BAR_H,
            fill=fill,
            stroke=stroke,
            dash=dash,
        )
    ]
    if group.rest_rate is not None:
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="{ink}" stroke-width="3">'
                "</line>",
                x=x_of(group.rest_rate),
                y0=y - 5,
                y1=y + BAR_H + 5,
                ink=INK,
            )
        )
    if group.rest_rate is None:
        note = format_html("{} (all the pupils)", _pct(group.rate))
    else:
        note = format_html("{} (rest {})", _pct(group.rate), _pct(group.rest_rate))
    if group.flagged:
        note = format_html(
            '{} <tspan fill="{}" font-weight="700">⚠ Below {} of the rest</tspan>',
            note,
            ERROR,
            fraction,
        )
    elif group.too_small:
        note = format_html("{} · too small to judge", note)
    parts.append(
        format_html(
            '<text x="{x}" y="{ty}" font-size="13" fill="{ink}">{note}</text>',
            x=NOTE_X,
            ty=y + 13,
            ink=INK,
            note=note,
        )
    )
    return _join(parts)


def _description(
    cohort: int, identified: int, year_label: str, fraction: str, sections: Sections
) -> str:
    text = (
        f"Bars show the share of each group of the school’s {cohort} pupils on roll "
        f"identified on the {year_label} register; a line across each bar marks the "
        f"rate among the rest of the pupils. Overall {_pct(identified / cohort)} "
        f"({identified} of {cohort})."
    )
    flagged = [bar for _heading, bars in sections for bar in bars if bar.flagged]
    if flagged:
        listed = "; ".join(
            f"{g.label}: {_pct(g.rate)} against {_pct(g.rest_rate)}" for g in flagged
        )
        text += f" Below {fraction} of the rest: {listed}."
    else:
        text += f" No group is below {fraction} of the rest."
    return text + " The table gives every figure."


def identification_rates(
    *,
    school: str,
    year_label: str,
    cohort: int,
    identified: int,
    fraction: str,
    sections: Sections,
    prefix: str = "equity",
) -> SafeString:
    """The identification rates by group as an inline SVG: per group, a bar of its rate with a
    line at the rate among the rest of the pupils. Flagged groups are hatched and say so in
    words; groups too small to judge are outlined and say so. ``role="img"`` with a title and
    a description; the page's table is the full text alternative. ``prefix`` keeps the ids
    unique if a page shows two charts. Every text is escaped.

    ``school`` is the school's name, ``year_label`` the academic year as shown ("2026/27"),
    ``cohort`` and ``identified`` the pupils on roll and those identified, ``fraction`` the
    ratio below which a group is flagged, as shown ("0.8"), and ``sections`` the groups' bars
    under each heading."""
    title = f"Identification rate by group, {school}, {year_label}"
    if not cohort:
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 40" width="100%" '
            'role="img" aria-labelledby="{p}-title {p}-desc" focusable="false">'
            '<title id="{p}-title">{title}</title><desc id="{p}-desc">No pupils on roll.</desc>'
            '<text x="0" y="24" font-size="14" fill="{ink}" font-family="{font}">'
            "No pupils on roll.</text></svg>",
            w=WIDTH,
            p=prefix,
            title=title,
            ink=INK,
            font=FONT,
        )
    end = _scale(identified / cohort, sections)
    rows = []
    y = TOP
    for heading, bars in sections:
        rows.append(
            format_html(
                '<text x="0" y="{y}" font-size="14" font-weight="700" fill="{ink}">{label}</text>',
                y=y + 18,
                ink=INK,
                label=heading,
            )
        )
        y += HEADING
        for group in bars:
            rows.append(_bar(group, y + 6, end, prefix, fraction))
            y += ROW
    height = y + 10
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{p}-title {p}-desc" focusable="false" font-family="{font}">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
        '<defs><pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{paper}"></rect>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{error}" stroke-width="3"></line>'
        "</pattern></defs>"
        "{legend}{axis}{rows}</svg>",
        w=WIDTH,
        h=height,
        p=prefix,
        font=FONT,
        title=title,
        desc=_description(cohort, identified, year_label, fraction, sections),
        paper=PAPER,
        error=ERROR,
        legend=_legend(prefix, fraction),
        axis=_axis(TOP - 8, y, end),
        rows=_join(rows),
    )
