"""Figures about an organisation's breaches, and the SVG charts that show them.

:func:`compute` is a pure function over register rows (no database, no clock), so the figures are tested on
known rows. The charts are small SVG documents drawn on the server: no JavaScript, no inline style (the
Content-Security-Policy forbids it), every text escaped, each bar with a ``<title>`` tooltip and a visible
label, and the figure as a whole labelled for screen readers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from vigie.accounts.models import Organisation
from vigie.risk.french import PARIS
from vigie.risk.french import integer as french_number

from .register import RegisterRow, filter_form, register_rows

# Hours from awareness to the CNIL notification: the art. 33(1) deadline is the last edge.
BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("< 24 h", 0, 24),
    ("24–48 h", 24, 48),
    ("48–72 h", 48, 72),
    ("> 72 h", 72, float("inf")),
)
# Okabe–Ito colours, told apart by colour-blind readers; cycled if a chart needs more.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442", "#000000", "#999999")
OK, LATE, BAR = "#1d7a46", "#b3261e", "#1f4e8c"


@dataclass
class YearFigures:
    """The figures of one calendar year (Paris time)."""

    year: int
    breaches: int = 0
    by_origin: Counter[str] = field(default_factory=Counter)
    notified: int = 0
    on_time: int = 0
    late: int = 0
    persons: int = 0

    @property
    def on_time_share(self) -> float | None:
        decided = self.on_time + self.late
        return self.on_time / decided if decided else None

    @property
    def on_time_percent(self) -> str:
        return percent(self.on_time_share)


@dataclass
class Figures:
    """Everything the statistics page shows."""

    years: list[YearFigures]
    origins: list[tuple[str, str]]  # (code, label), most frequent first
    delays: list[tuple[str, int]]  # (bucket label, number of notifications)
    total: YearFigures

    @property
    def empty(self) -> bool:
        return self.total.breaches == 0

    @property
    def origin_rows(self) -> list[dict[str, Any]]:
        """Breaches by origin and year, as a table: label, one count per year, total."""
        return [
            {
                "label": label,
                "counts": [year.by_origin[code] for year in self.years],
                "total": self.total.by_origin[code],
            }
            for code, label in self.origins
        ]


def compute(rows: Iterable[RegisterRow], *, tz: tzinfo = PARIS) -> Figures:
    """Count breaches per year and origin, CNIL notifications by delay, on time or late, and persons affected.

    *On time* is a notification within 72 hours of awareness; *late* is a notification after that, or a
    required notification still missing once the deadline has passed (see :mod:`vigie.breaches.register`).
    A breach whose clock is still running counts in neither.
    """
    per_year: dict[int, YearFigures] = {}
    total = YearFigures(year=0)
    labels: dict[str, str] = {}
    delays: Counter[str] = Counter()
    for row in rows:
        year = row.became_aware_at.astimezone(tz).year
        figures = per_year.setdefault(year, YearFigures(year=year))
        origin = row.origin or "other"
        labels.setdefault(origin, row.origin_label or _("Other"))
        for target in (figures, total):
            target.breaches += 1
            target.by_origin[origin] += 1
            target.persons += row.persons_count or 0
            target.notified += row.notified
            target.late += row.late
            target.on_time += row.notified and not row.late
        if row.cnil_notified_at is not None:
            hours = max((row.cnil_notified_at - row.became_aware_at).total_seconds() / 3600, 0)
            label = next(label for label, low, high in BUCKETS if low <= hours < high)
            delays[label] += 1
    origins = [(code, labels[code]) for code, _count in total.by_origin.most_common()]
    years = [per_year[year] for year in sorted(per_year)]
    return Figures(years=years, origins=origins, delays=[(label, delays[label]) for label, *_ in BUCKETS], total=total)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}\u202f%"


# --- SVG --------------------------------------------------------------------------------------------------

WIDTH, HEIGHT = 560, 280
LEFT, RIGHT, TOP, BOTTOM = 24, 16, 28, 44
LEGEND_LINE = 24


class Svg:
    """A tiny SVG writer that escapes every text and attribute value."""

    def __init__(self, label: str, *, height: int = HEIGHT) -> None:
        self.height = height
        self.parts: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-label="{escape(label)}">',
            f"<title>{escape(label)}</title>",
        ]

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tooltip: str) -> None:
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{escape(fill)}">'
            f"<title>{escape(tooltip)}</title></rect>"
        )

    def text(self, x: float, y: float, content: str, *, anchor: str = "middle", cls: str = "") -> None:
        css = f' class="{escape(cls)}"' if cls else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css}>{escape(content)}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="axis"/>')

    def render(self) -> SafeString:
        return mark_safe("".join([*self.parts, "</svg>"]))  # noqa: S308 - every value above went through escape()


def _scale(maximum: float) -> float:
    return (HEIGHT - TOP - BOTTOM) / maximum if maximum else 0


def _bars(
    label: str,
    columns: Sequence[tuple[str, Sequence[tuple[float, str, str]], str]],
    *,
    legend: Sequence[tuple[str, str]] = (),
) -> SafeString:
    """Vertical (stacked) bars. ``columns``: (axis label, segments (value, colour, tooltip), label on top)."""
    svg = Svg(label, height=HEIGHT + LEGEND_LINE * len(legend))
    maximum = max((sum(value for value, *_ in segments) for _, segments, _ in columns), default=0)
    scale = _scale(maximum)
    base = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(columns), 1)
    bar = min(slot * 0.6, 90)
    svg.line(LEFT, base, WIDTH - RIGHT, base)
    for index, (axis_label, segments, top_label) in enumerate(columns):
        x = LEFT + slot * index + (slot - bar) / 2
        y: float = base
        for value, colour, tooltip in segments:
            if value:
                svg.rect(x, y - value * scale, bar, value * scale, colour, tooltip)
                y -= value * scale
        svg.text(x + bar / 2, y - 6, top_label, cls="value")
        svg.text(x + bar / 2, base + 18, axis_label)
    # One legend entry per line: origin labels are long, and side by side they would overlap.
    for index, (name, colour) in enumerate(legend):
        y = HEIGHT + index * LEGEND_LINE
        svg.rect(LEFT, y - 12, 14, 14, colour, name)
        svg.text(LEFT + 22, y, name, anchor="start", cls="legend")
    return svg.render()


def origins_chart(figures: Figures) -> SafeString:
    """Stacked bars: breaches per year by origin (the CNIL counts ransomware this way)."""
    colours = {code: PALETTE[index % len(PALETTE)] for index, (code, _label) in enumerate(figures.origins)}
    names = dict(figures.origins)
    columns = [
        (
            str(year.year),
            [
                (count, colours[code], f"{year.year} · {names[code]} : {count}")
                for code, _label in figures.origins
                if (count := year.by_origin[code])
            ],
            french_number(year.breaches),
        )
        for year in figures.years
    ]
    legend = [(label, colours[code]) for code, label in figures.origins]
    return _bars(_("Breaches per year, by origin"), columns, legend=legend)


def delays_chart(figures: Figures) -> SafeString:
    """Bars: time from awareness to the CNIL notification."""
    columns = [
        (label, [(count, LATE if label.startswith(">") else BAR, f"{label} : {count}")], french_number(count))
        for label, count in figures.delays
    ]
    return _bars(_("Time from awareness to notification to the CNIL"), columns)


def persons_chart(figures: Figures) -> SafeString:
    """Bars: persons affected per year."""
    columns = [
        (str(y.year), [(y.persons, BAR, f"{y.year} : {french_number(y.persons)}")], french_number(y.persons))
        for y in figures.years
    ]
    return _bars(_("Persons affected per year"), columns)


def on_time_chart(figures: Figures) -> SafeString:
    """Horizontal 100 % bars per year and overall: notified on time against late."""
    lines = [*((str(y.year), y) for y in figures.years), (_("All years"), figures.total)]
    row, bar, label_width, value_width = 38, 26, 150, 64
    svg = Svg(_("Share of notifications made on time"), height=TOP + row * len(lines))
    width = WIDTH - label_width - value_width - RIGHT
    for index, (name, year) in enumerate(lines):
        y = TOP + index * row
        baseline = y + bar / 2 + 6
        svg.text(label_width - 10, baseline, name, anchor="end")
        decided = year.on_time + year.late
        if not decided:
            svg.text(label_width, baseline, _("nothing to count yet"), anchor="start", cls="muted")
            continue
        on_time = width * year.on_time / decided
        on_time_tip = _("%(year)s · on time: %(count)s") % {"year": name, "count": year.on_time}
        late_tip = _("%(year)s · late: %(count)s") % {"year": name, "count": year.late}
        svg.rect(label_width, y, on_time, bar, OK, on_time_tip)
        svg.rect(label_width + on_time, y, width - on_time, bar, LATE, late_tip)
        svg.text(label_width + width + 10, baseline, percent(year.on_time_share), anchor="start", cls="value")
    return svg.render()


def charts(figures: Figures) -> dict[str, SafeString]:
    """The four charts of the statistics page, by name."""
    return {
        "origins": origins_chart(figures),
        "delays": delays_chart(figures),
        "on_time": on_time_chart(figures),
        "persons": persons_chart(figures),
    }


def stats_page(org: Organisation, params: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the statistics page shows for the query string ``params`` (the register's filters)."""
    form = filter_form(org, params)
    figures = compute(register_rows(org, form.filters()))
    return {"form": form, "figures": figures, "charts": {} if figures.empty else charts(figures)}
