"""Server-side SVG charts (no external service, no inline style): every bar and point carries its value
and level in words, so the charts read without colour."""
from __future__ import annotations

from html import escape

FILL = {"green": "#198754", "amber": "#b58105", "red": "#b02a37", None: "#6c757d"}
SYMBOL = {"green": "✔", "amber": "▲", "red": "✖", None: "–"}
WORD = {"green": "ready", "amber": "partly ready", "red": "not ready", None: "no personnel"}


def _level(percent, green: int, amber: int):
    if percent is None:
        return None
    return "green" if percent >= green else "amber" if percent >= amber else "red"


def _pct(percent) -> str:
    return "no personnel" if percent is None else f"{percent:.0f}%"


def _words(percent, level) -> str:
    """"20% · not ready": the share of ready people, then the level ("20% not ready" would read as the
    share of people who are not ready)."""
    return WORD[None] if percent is None else f"{_pct(percent)} · {WORD[level]}"


def bar_chart(rows: list[tuple[str, float | None]], *, green: int, amber: int, title: str) -> str:
    """Horizontal bars, one per (label, percent ready)."""
    label_w, bar_w, row_h, top = 210, 380, 26, 34
    height = top + row_h * max(len(rows), 1) + 28
    width = label_w + bar_w + 150
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-labelledby="chart-bar-title"><title id="chart-bar-title">{escape(title)}</title>']
    for threshold, name in ((green, "green"), (amber, "amber")):
        x = label_w + bar_w * threshold / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 24}" stroke="#495057" '
                     f'stroke-dasharray="4 3" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 12}" text-anchor="middle">{name} ≥ {threshold}%</text>')
    for index, (label, percent) in enumerate(rows):
        y = top + index * row_h
        level = _level(percent, green, amber)
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(label[:34])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" fill="#e9ecef"/>')
        if percent:
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * percent / 100:.1f}" height="{row_h - 8}" '
                         f'fill="{FILL[level]}"><title>{escape(label)}: {_words(percent, level)}</title></rect>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}">{SYMBOL[level]} {_words(percent, level)}</text>')
    parts.append(f'<text x="{label_w}" y="{height - 8}">0%</text>'
                 f'<text x="{label_w + bar_w}" y="{height - 8}" text-anchor="end">100%</text></svg>')
    return "".join(parts)


def trend_chart(points: list[tuple[str, float | None]], *, green: int, amber: int, title: str,
                forecast: tuple[str, float | None] | None = None) -> str:
    """A line through the month-end percentages (and a separate, hollow forecast point), each labelled."""
    items = list(points) + ([forecast] if forecast else [])
    left, right, top, bottom = 44, 20, 24, 46
    plot_w, plot_h = 90 * max(len(items), 2), 170
    width, height = left + plot_w + right, top + plot_h + bottom
    step = plot_w / max(len(items) - 1, 1)

    def y_of(percent):
        return top + plot_h * (1 - (percent or 0) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-labelledby="chart-trend-title"><title id="chart-trend-title">{escape(title)}</title>']
    for tick in (0, 50, 100):
        parts.append(f'<line x1="{left}" y1="{y_of(tick):.1f}" x2="{left + plot_w}" y2="{y_of(tick):.1f}" stroke="#dee2e6"/>'
                     f'<text x="{left - 6}" y="{y_of(tick) + 4:.1f}" text-anchor="end">{tick}%</text>')
    for threshold, name in ((green, "green"), (amber, "amber")):
        parts.append(f'<line x1="{left}" y1="{y_of(threshold):.1f}" x2="{left + plot_w}" y2="{y_of(threshold):.1f}" '
                     f'stroke="#495057" stroke-dasharray="4 3"/>'
                     f'<text x="{left + plot_w}" y="{y_of(threshold) - 3:.1f}" text-anchor="end">{name} ≥ {threshold}%</text>')
    coords = [(left + i * step, y_of(p)) for i, (_, p) in enumerate(points) if p is not None]
    if len(coords) > 1:
        parts.append('<polyline fill="none" stroke="#1b4f8a" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for i, (label, percent) in enumerate(items):
        x = left + i * step
        is_forecast = forecast is not None and i == len(items) - 1
        level = _level(percent, green, amber)
        if percent is not None:
            y = y_of(percent)
            fill = "#ffffff" if is_forecast else FILL[level]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#1b4f8a" stroke-width="2">'
                         f'<title>{escape(label)}: {_words(percent, level)}</title></circle>')
            parts.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{SYMBOL[level]} {_pct(percent)}</text>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(label)}</text>')
        if is_forecast:
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 34}" text-anchor="middle">(forecast)</text>')
    parts.append("</svg>")
    return "".join(parts)
