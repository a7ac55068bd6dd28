"""Horizontal bar charts as server-rendered SVG: no JavaScript, no chart library, nothing to download.

The table beside each chart is the accessible source of the numbers; the SVG is a picture of it
(``role="img"`` named by its ``<title>`` and ``<desc>``). Colours are drawn with SVG presentation
attributes, not ``style``, so the page's Content Security Policy (``style-src 'self'``) allows them.
Bars are GOV.UK blue (5.2:1 on white) and highlighted bars GOV.UK dark blue, marked in the label
too, so the highlight never depends on colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR = "#1d70b8"  # GOV.UK blue
HIGHLIGHT = "#003078"  # GOV.UK dark blue
TEXT = "#0b0c0c"  # GOV.UK black
TRACK = "#b1b4b6"  # GOV.UK mid-grey: the axis line

LABEL_WIDTH = 260
BARS_WIDTH = 160
VALUE_WIDTH = 40
ROW = 36
LINE = 18  # a second line of label adds this much to every row
BAR_HEIGHT = 22
FONT = 16
MAX_LINE = 28  # characters a label line holds; past two lines it is cut, the table has it in full


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    highlight: bool = False


def label_lines(text: str) -> list[str]:
    """At most two lines, broken between words; a longer label ends with an ellipsis."""
    lines = textwrap.wrap(text, MAX_LINE) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), MAX_LINE, placeholder="…")]
    return lines


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], description: str = "") -> Markup:
    """One row per bar, longest bar the full width, the count written after each bar."""
    peak = max((bar.value for bar in bars), default=0)
    width = LABEL_WIDTH + BARS_WIDTH + VALUE_WIDTH
    labels = [label_lines(bar.label) for bar in bars]
    row_height = ROW + LINE * (max((len(lines) for lines in labels), default=1) - 1)
    height = max(len(bars), 1) * row_height + 8
    summary = description or "; ".join(f"{bar.label}: {bar.value}" for bar in bars) or "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="GDS Transport, arial, sans-serif" font-size="{FONT}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height - 4}" stroke="{TRACK}" stroke-width="1"/>',
    ]
    for row, (bar, lines) in enumerate(zip(bars, labels, strict=True)):
        top = row * row_height + 6 + (row_height - ROW) / 2  # the bar sits in the middle of its row
        length = round(BARS_WIDTH * bar.value / peak) if peak else 0
        baseline = top + BAR_HEIGHT / 2 + FONT / 2 - 2
        colour = HIGHLIGHT if bar.highlight else BAR
        weight = ' font-weight="bold"' if bar.highlight else ""
        first = baseline - LINE * (len(lines) - 1) / 2
        spans = "".join(f'<tspan x="{LABEL_WIDTH - 8}" y="{first + LINE * n}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" fill="{TEXT}"{weight}>{spans}</text>')
        parts.append(f'<rect class="app-chart__bar" x="{LABEL_WIDTH}" y="{top}" width="{length}" '
                     f'height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{baseline}" fill="{TEXT}">{bar.value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
