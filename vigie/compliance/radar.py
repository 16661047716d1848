"""The radar chart of the self-assessment scores: plain SVG drawn on the server (no script, no library).

One axis per domain, one polygon per assessment (the newest filled, the older ones as outlines), the newest
scores written beside the axis labels. The caller puts a table with the same numbers next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

RADIUS = 100.0
LABEL_RADIUS = 114.0
# Newest first: brand blue, then softer tones for the older assessments.
COLOURS = ("#1f4e8c", "#a35b00", "#8a94a6", "#b8c0cc")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]  # one per axis, 0–100; None = not applicable (drawn at the centre)


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (value * math.cos(angle), value * math.sin(angle))


def _points(values: list[float], count: int) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, v) for i, v in enumerate(values)))


def radar_svg(axes: list[str], series: list[Series], *, title: str, summary: str) -> SafeString:
    """An accessible SVG radar chart. ``series`` newest first; every text is escaped."""
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="-210 -140 420 285" role="img" '
        f"aria-label={quoteattr(summary)}>",
        f"<title>{escape(title)}</title>",
        '<g fill="none" stroke="#d9dee7" stroke-width="0.8">',
    ]
    for level in (25, 50, 75, 100):
        parts.append(f'<polygon points="{_points([RADIUS * level / 100] * count, count)}"/>')
    for index in range(count):
        x, y = _point(index, count, RADIUS)
        parts.append(f'<line x1="0" y1="0" x2="{x:.1f}" y2="{y:.1f}"/>')
    parts.append("</g>")
    parts.append('<g font-size="6" fill="#5b6475" font-family="sans-serif">')
    for level in (50, 100):
        parts.append(f'<text x="2" y="{-RADIUS * level / 100 - 1.5:.1f}">{level}</text>')
    parts.append("</g>")
    for rank, one in reversed(list(enumerate(series))):
        colour = COLOURS[min(rank, len(COLOURS) - 1)]
        values = [RADIUS * (value or 0) / 100 for value in one.values]
        fill = f'fill="{colour}" fill-opacity="0.18"' if rank == 0 else 'fill="none"'
        dash = "" if rank == 0 else ' stroke-dasharray="4 3"'
        parts.append(
            f'<polygon class="series" data-label={quoteattr(one.label)} points="{_points(values, count)}" '
            f'{fill} stroke="{colour}" stroke-width="{2 if rank == 0 else 1.2}"{dash} stroke-linejoin="round"/>'
        )
        if rank == 0:
            for index, value in enumerate(values):
                x, y = _point(index, count, value)
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="{colour}"/>')
    parts.append('<g font-size="10.5" fill="#1d2433" font-family="sans-serif">')
    newest = series[0].values if series else [None] * count
    for index, label in enumerate(axes):
        x, y = _point(index, count, LABEL_RADIUS)
        anchor = "middle" if abs(x) < 8 else ("start" if x > 0 else "end")
        dy = -2 if y < -RADIUS * 0.9 else (9 if y > RADIUS * 0.9 else 3)
        score = newest[index]
        figure = "—" if score is None else f"{score} %"
        parts.append(
            f'<text x="{x:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{escape(label)} '
            f'<tspan font-weight="bold">{escape(figure)}</tspan></text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()/quoteattr()
