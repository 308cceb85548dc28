"""The PDF report's chart: identification rate by group at school, LA and nation, drawn on
the server as SVG (WeasyPrint runs no JavaScript, so the screen's Chart.js cannot draw it)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from risingtide.insights.disclosure import Figure
from risingtide.insights.queries import SchoolReport

# The groups the chart compares: those the guidance asks schools to watch.
CHART_DIMENSIONS = ("fsm", "ever_6", "sen", "eal", "gender")


def chart_rows(report: SchoolReport) -> list[tuple[str, list[tuple[str, list[Figure]]]]]:
    """The chart's groups: per dimension, each subgroup's rate at school, LA and nation."""
    by_key = {c.dimension.key: c for c in report.comparisons}
    out = []
    for key in CHART_DIMENSIONS:
        if c := by_key.get(key):
            groups = [
                (ours.label, [ours.rate, la.rate, nation.rate])
                for ours, la, nation in zip(c.school.rows, c.la.rows, c.nation.rows, strict=True)
            ]
            out.append((c.dimension.label, groups))
    return out


# Presentation attributes in the site's palette; the three places differ in hue and all meet
# 3:1 against white (WCAG 1.4.11). Text is INK or MUTED (AA).
INK, MUTED, GRID = "#1b2330", "#4a5568", "#c9d3e0"
PLACE_COLOURS = ("#0b5394", "#b45f06", "#4a5568")  # school, LA, nation
FONT = "DejaVu Sans, sans-serif"
WIDTH, LABEL_END, BAR_X, BAR_W = 470, 128, 134, 290
BAR_H, BAR_GAP, GROUP_GAP, HEADING, TOP = 8, 3, 9, 20, 52
LABEL_MAX = 22


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _chart_end(rows) -> int:
    """The axis's end: the highest rate shown, rounded up to a multiple of 10 (at least 10)."""
    rates = [f.value for _d, groups in rows for _l, figs in groups for f in figs if f.value]
    top = max(rates, default=0)
    return min(100, max(10, -(-int(top + 0.999) // 10) * 10))


def rate_chart(report: SchoolReport, places: list[str], prefix: str = "rates") -> SafeString:
    """Identification rate by FSM, Ever-6, SEN, EAL and gender group as an inline SVG: per
    group three bars, school, LA and nation. A suppressed figure is a gap labelled "c"; every
    bar is labelled with its figure and the table beside the chart gives them all. Every text
    is escaped."""
    rows = chart_rows(report)
    end = _chart_end(rows)
    parts = [_legend(places)]
    y = TOP
    for label, groups in rows:
        parts.append(
            format_html(
                '<text x="0" y="{y}" font-size="10" font-weight="700" fill="{ink}">{label}</text>',
                y=y + 12,
                ink=INK,
                label=label,
            )
        )
        y += HEADING
        for group, figures in groups:
            parts.append(_group(group, figures, y, end))
            y += 3 * BAR_H + 2 * BAR_GAP + GROUP_GAP
    title = f"Identification rate by group, {report.school.name}, {report.year_label}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{p}-title {p}-desc" font-family="{font}">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
        "{axis}{parts}</svg>",
        w=WIDTH,
        h=y + 4,
        p=prefix,
        font=FONT,
        title=title,
        desc=(
            f"For each group, three bars: the share of its pupils on the register at "
            f"{places[0]}, in {places[1]} and in {places[2]}. A gap marked c is a figure "
            "withheld under disclosure control. The table beside the chart gives every figure."
        ),
        axis=_axis(TOP - 6, y, end),
        parts=_join(parts),
    )


def _legend(places: list[str]) -> SafeString:
    keys = []
    for i, (place, colour) in enumerate(zip(places, PLACE_COLOURS, strict=True)):
        keys.append(
            format_html(
                '<rect x="{x}" y="4" width="10" height="10" fill="{c}"></rect>'
                '<text x="{tx}" y="13">{place}</text>',
                x=i * 157,
                tx=i * 157 + 14,
                c=colour,
                place=_short(place),
            )
        )
    return format_html('<g font-size="10" fill="{}">{}</g>', INK, _join(keys))


def _axis(top: int, bottom: int, end: int) -> SafeString:
    ticks = []
    for value in range(0, end + 1, 10 if end <= 50 else 20):
        x = f"{BAR_X + BAR_W * value / end:.1f}"
        ticks.append(
            format_html(
                '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{grid}"></line>'
                '<text x="{x}" y="{ty}" text-anchor="middle" font-size="9" fill="{muted}">'
                "{value}%</text>",
                x=x,
                top=top,
                bottom=bottom,
                ty=top - 4,
                grid=GRID,
                muted=MUTED,
                value=value,
            )
        )
    return _join(ticks)


def _group(label: str, figures: list[Figure], y: int, end: int) -> SafeString:
    parts = [
        format_html(
            '<text x="{x}" y="{ty}" text-anchor="end" font-size="10" fill="{ink}">{label}</text>',
            x=LABEL_END,
            ty=y + BAR_H + 6,
            ink=INK,
            label=_short(label),
        )
    ]
    for i, (f, colour) in enumerate(zip(figures, PLACE_COLOURS, strict=True)):
        top = y + i * (BAR_H + BAR_GAP)
        width = 0.0 if f.value is None else BAR_W * min(float(f.value), end) / end
        if f.value is not None:
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"></rect>',
                    x=BAR_X,
                    y=top,
                    w=f"{width:.1f}",
                    h=BAR_H,
                    c=colour,
                )
            )
        parts.append(
            format_html(
                '<text x="{x}" y="{ty}" font-size="8" fill="{ink}">{text}</text>',
                x=f"{BAR_X + width + 3:.1f}",
                ty=top + BAR_H - 1,
                ink=INK,
                text=f.shown,
            )
        )
    return _join(parts)
