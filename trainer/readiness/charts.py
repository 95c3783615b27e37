"""Readiness charts drawn on the server (no external service, no inline style), in the reader's language: every
bar and point carries its value and level in words, so the charts read without colour, and both stay readable on
a phone. The bar chart is a list whose rows reflow (the label and value are page text, each bar a small SVG that
stretches to the row); the trend chart is one SVG drawn at about a phone's width, so that its text is drawn near
the page's own size there."""
from __future__ import annotations

from html import escape

from flask_babel import gettext as _

from trainer.readiness.wording import percent as format_percent

FILL = {"green": "#198754", "amber": "#b58105", "red": "#b02a37", None: "#6c757d"}
SYMBOL = {"green": "✔", "amber": "▲", "red": "✖", None: "–"}


def _level(percent, green: float, amber: float):
    if percent is None:
        return None
    return "green" if percent >= green else "amber" if percent >= amber else "red"


def level_word(level) -> str:
    # Only the word asked for is translated: a chart words every bar.
    if level == "green":
        return _("ready")
    if level == "amber":
        return _("partly ready")
    if level == "red":
        return _("not ready")
    if level is None:
        return _("no personnel")
    raise KeyError(level)


def _pct(percent) -> str:
    return _("no personnel") if percent is None else format_percent(percent)


def _words(percent, level) -> str:
    """"20% · not ready": the share of ready people, then the level ("20% not ready" would read as the
    share of people who are not ready)."""
    return level_word(None) if percent is None else f"{_pct(percent)} · {level_word(level)}"


def thresholds_note(green: float, amber: float) -> str:
    return _("Dashed lines: green at %(green)s or more, amber at %(amber)s or more.",
             green=format_percent(green), amber=format_percent(amber))


def worst_first(nodes, limit: int):
    """The `limit` least ready of `nodes` (units with people), then the ones left out: lowest share ready first,
    the larger unit first at equal shares, then by nation and code."""
    ranked = sorted(nodes, key=lambda n: (n.tally.percent if n.tally.percent is not None else 101, -n.tally.total,
                                          n.nation_code, n.code))
    return ranked[:limit], ranked[limit:]


def bar_chart(rows: list[tuple[str, float | None, str | None]], *, green: float, amber: float, title: str,
              chart_id: str = "chart-bars", note: str = "") -> str:
    """Horizontal bars, one per (label, percent ready, link or None), as a list under its title."""
    parts = [f'<figure class="bar-chart" aria-labelledby="{chart_id}-title">'
             f'<figcaption id="{chart_id}-title" class="bar-chart-title">{escape(title)}</figcaption>'
             '<ol class="bar-chart-rows list-unstyled mb-1">']
    for label, percent, href in rows:
        level = _level(percent, green, amber)
        name = f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label)
        bar = f'<rect class="bar-fill" width="{percent:.1f}" height="10" fill="{FILL[level]}"/>' if percent else ""
        parts.append(
            f'<li class="bar-row"><span class="bar-label">{name}</span>'
            '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
            f'<rect class="bar-track" width="100" height="10" fill="#e9ecef"/>{bar}'
            + "".join(f'<line x1="{t:.1f}" y1="0" x2="{t:.1f}" y2="10" stroke="#495057" stroke-dasharray="2 1.5" '
                      f'vector-effect="non-scaling-stroke"/>' for t in (green, amber))
            + f'</svg><span class="bar-value level-{level or "none"}">{SYMBOL[level]} {escape(_words(percent, level))}</span></li>')
    parts.append(f'</ol><p class="bar-chart-note small text-body-secondary mb-0">{escape(thresholds_note(green, amber))}'
                 + (f" {escape(note)}" if note else "") + "</p></figure>")
    return "".join(parts)


def trend_chart(points: list[tuple[str, float | None]], *, green: float, amber: float, title: str,
                forecast: tuple[str, float | None] | None = None) -> str:
    """A line through the month-end percentages (and a separate, hollow forecast point), each labelled. A label
    may hold a line break (month, then year)."""
    items = list(points) + ([forecast] if forecast else [])
    left, right, top, bottom, step = 42, 30, 26, 52, 50
    plot_w, plot_h = step * max(len(items) - 1, 1), 150
    width, height = left + plot_w + right, top + plot_h + bottom

    def y_of(percent):
        return top + plot_h * (1 - (percent or 0) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-trend" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-labelledby="chart-trend-title"><title id="chart-trend-title">{escape(title)}</title>']
    for tick in (0, 100):
        parts.append(f'<line x1="{left}" y1="{y_of(tick):.1f}" x2="{left + plot_w}" y2="{y_of(tick):.1f}" stroke="#dee2e6"/>')
    for threshold in (green, amber):
        parts.append(f'<line x1="{left}" y1="{y_of(threshold):.1f}" x2="{left + plot_w}" y2="{y_of(threshold):.1f}" '
                     f'stroke="#495057" stroke-dasharray="4 3"/>')
    # The axis names the thresholds, and 0 and 100 where they leave room (labels 11 units tall).
    shown: list[float] = []
    for tick in (green, amber, 0, 100):
        if all(abs(y_of(tick) - y_of(other)) >= 12 for other in shown):
            shown.append(tick)
            parts.append(f'<text x="{left - 5}" y="{y_of(tick) + 4:.1f}" text-anchor="end">{format_percent(tick)}</text>')
    coords = [(left + i * step, y_of(p)) for i, (_label, p) in enumerate(points) if p is not None]
    if len(coords) > 1:
        parts.append('<polyline fill="none" stroke="#1b4f8a" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for i, (label, percent) in enumerate(items):
        x = left + i * step
        is_forecast = forecast is not None and i == len(items) - 1
        level = _level(percent, green, amber)
        lines = str(label).split("\n") + ([_("(forecast)")] if is_forecast else [])
        if percent is not None:
            y = y_of(percent)
            fill = "#ffffff" if is_forecast else FILL[level]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#1b4f8a" stroke-width="2">'
                         f'<title>{escape(" ".join(lines))}: {escape(_words(percent, level))}</title></circle>')
            parts.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{SYMBOL[level]} {escape(_pct(percent))}</text>')
        anchor = "end" if is_forecast and len(items) > 1 else "middle"
        shift = 8 if anchor == "end" else 0
        parts.append(f'<text x="{x + shift:.1f}" y="{top + plot_h + 17}" text-anchor="{anchor}">'
                     + "".join(f'<tspan x="{x + shift:.1f}" dy="{0 if n == 0 else 14}">{escape(line)}</tspan>'
                               for n, line in enumerate(lines)) + "</text>")
    parts.append("</svg>")
    return "".join(parts)
