"""Small server-side SVG charts: horizontal bars, a line over months, Benford expected vs actual.

No JavaScript and no CDN (the app runs offline under a CSP without inline scripts or styles): each
chart is an inline ``<svg>`` with a ``viewBox`` and ``width="100%"``, so it scales to a 360 px phone.
The coordinate system is about as wide as a phone (320 units), so 12-unit text stays readable there.
Every mark carries a ``<title>`` (the browser's tooltip, read by screen readers); the chart itself
has ``role="img"`` with a title and a description, and each page shows the same numbers in a table.
Colours are SVG presentation attributes, not ``style=""``, which the CSP would block.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
BRAND = "#a4262c"
ACCENT = "#1f5fa8"
INK = "#1b1f24"
MUTED = "#6b7480"
GRID = "#d9dde3"
FONT = 'font-family="sans-serif"'

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str = ""  # the value as printed at the end of the bar (defaults to the number)
    tooltip: str = ""  # extra words for the <title>


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(height: float, title: str, desc: str, css: str) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart-t{n}", f"chart-d{n}"
    head = (f'<svg class="chart {escape(css)}" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" role="img" '
            f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMin meet">'
            f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>')
    return head, "</svg>"


def bar_chart(bars: Sequence[Bar], *, title: str, desc: str = "", color: str = BRAND, empty: str = "") -> SafeString:
    """One bar per item: the label on its own line above the bar, the value at the bar's end, so long
    Chinese unit names never squeeze the bars on a narrow screen."""
    if not bars:
        return mark_safe(f'<p class="empty">{escape(empty)}</p>') if empty else mark_safe("")  # noqa: S308
    row, top, label_h, bar_h = 34, 6, 14, 14
    height = top + row * len(bars) + 4
    head, tail = _open(height, title, desc, "chart-bars")
    peak = max((b.value for b in bars), default=0) or 1
    usable = WIDTH - 62  # room for the printed value after the longest bar
    parts = [head]
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(1.0, usable * (b.value / peak)) if b.value else 0
        shown = b.shown or _num(b.value)
        tip = f"{b.label}: {shown}" + (f" ({b.tooltip})" if b.tooltip else "")
        parts.append(
            f'<g><title>{escape(tip)}</title>'
            f'<text x="0" y="{y + label_h - 3}" font-size="12" fill="{INK}" {FONT}>{escape(_clip(b.label, 24))}</text>'
            f'<rect x="0" y="{y + label_h}" width="{w:.1f}" height="{bar_h}" rx="2" fill="{color}"/>'
            f'<text x="{w + 4:.1f}" y="{y + label_h + bar_h - 3}" font-size="12" fill="{MUTED}" {FONT}>'
            f"{escape(shown)}</text></g>")
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def line_chart(points: Sequence[tuple[str, float]], *, title: str, desc: str = "", color: str = ACCENT,
               empty: str = "") -> SafeString:
    """A line over equally spaced labels (months), with a marker and a tooltip on every point."""
    if not points:
        return mark_safe(f'<p class="empty">{escape(empty)}</p>') if empty else mark_safe("")  # noqa: S308
    height, left, right, top, bottom = 200, 34, 8, 10, 34
    head, tail = _open(height, title, desc, "chart-line")
    peak = max(v for _, v in points) or 1
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + (i * step if len(points) > 1 else plot_w / 2), top + plot_h * (1 - v / peak)

    parts = [head]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{MUTED}" '
                     f"{FONT}>{escape(_num(round(peak * frac, 1)))}</text>")
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    parts.append('<polyline fill="none" stroke="{c}" stroke-width="2" points="{p}"/>'.format(
        c=color, p=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)))
    # At most about four axis labels (a month label is ~45 units wide); the last point always gets one,
    # replacing the regular label just before it when they would collide.
    every = max(1, -(-len(points) // 4))
    labelled = set(range(0, len(points), every))
    last = len(points) - 1
    if last not in labelled:
        labelled.discard(max(labelled))
        labelled.add(last)
    for i, ((label, v), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"><title>{escape(label)}: '
                     f"{escape(_num(v))}</title></circle>")
        if i in labelled:
            # The end labels are anchored inwards so they never run past the chart's edges.
            anchor = "end" if i == last and i else "start" if i == 0 and last else "middle"
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="{anchor}" '
                         f'fill="{MUTED}" {FONT}>{escape(label)}</text>')
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def benford_chart(actual: Sequence[float], expected: Sequence[float], *, title: str, desc: str,
                  actual_label: str, expected_label: str) -> SafeString:
    """Bars for the observed first-digit shares 1–9 and a line with markers for Benford's expected
    shares log10(1 + 1/d), both in percent."""
    height, left, right, top, bottom = 230, 34, 8, 28, 26
    head, tail = _open(height, title, desc, "chart-benford")
    peak = max([*actual, *expected, 0.01])
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    slot = plot_w / 9
    parts = [head,
             f'<rect x="{left}" y="4" width="10" height="10" fill="{ACCENT}"/>'
             f'<text x="{left + 14}" y="13" font-size="11" fill="{INK}" {FONT}>{escape(actual_label)}</text>'
             f'<line x1="{left + 110}" x2="{left + 130}" y1="9" y2="9" stroke="{BRAND}" stroke-width="2"/>'
             f'<circle cx="{left + 120}" cy="9" r="3" fill="{BRAND}"/>'
             f'<text x="{left + 136}" y="13" font-size="11" fill="{INK}" {FONT}>{escape(expected_label)}</text>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{MUTED}" '
                     f"{FONT}>{peak * frac * 100:.0f}%</text>")
    points = []
    for d in range(9):
        x0 = left + d * slot
        h = plot_h * (actual[d] / peak)
        parts.append(f'<g><title>{d + 1}: {escape(actual_label)} {actual[d] * 100:.1f}%, '
                     f'{escape(expected_label)} {expected[d] * 100:.1f}%</title>'
                     f'<rect x="{x0 + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{ACCENT}"/></g>'
                     f'<text x="{x0 + slot / 2:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" '
                     f'fill="{INK}" {FONT}>{d + 1}</text>')
        points.append((x0 + slot / 2, top + plot_h * (1 - expected[d] / peak)))
    parts.append('<polyline fill="none" stroke="{c}" stroke-width="2" points="{p}"/>'.format(
        c=BRAND, p=" ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
    for d, (x, y) in enumerate(points):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BRAND}"><title>{d + 1}: '
                     f"{escape(expected_label)} {expected[d] * 100:.1f}%</title></circle>")
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
