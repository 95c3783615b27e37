"""The readiness pages' repeated HTML, built in Python: a mission's dashboard lists up to 400 units and a unit page
fifty people with several requirement badges each, which costs a template engine or `Markup.format` a call per
field. Every text is escaped once as it is written; labels, thresholds and the locale are looked up once per
call, and the badges of a locale are built once per process."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote_plus

from flask import current_app, url_for
from flask_babel import get_locale, gettext as _
from markupsafe import Markup, escape

from trainer.readiness import wording
from trainer.readiness.models import Thresholds

STATE_SYMBOLS = {"met": "✔", "waived": "◆", "expiring": "▲", "expired": "✖", "missing": "✖", "superseded": "✖",
                 "on_hold": "‖"}


def thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


def level_badge_html(tally) -> Markup:
    """A tally's level with its symbol, percentage and words (never by colour alone)."""
    return _badge(str(get_locale()), thresholds(), tally)


def _badge(locale: str, limits: Thresholds, tally) -> Markup:
    percent = tally.percent if tally is not None else None
    return _level_badge(locale, percent, limits if percent is not None else None)


@lru_cache(maxsize=4096)
def _level_badge(locale: str, percent: float | None, thresholds: Thresholds | None) -> Markup:
    """The badge of one percentage in one locale, built once: a mission's units share a few hundred percentages."""
    if percent is None:
        return Markup(f'<span class="level level-none">– {escape(_("no personnel"))}</span>')
    level = thresholds.level(percent)
    return Markup(f'<span class="level level-{escape(level.value)}"><span aria-hidden="true">{escape(level.symbol)}'
                  f'</span> {escape(wording.percent(percent))} · {escape(level.label)}</span>')


def nation_rows_html(nations, linked: bool, dates: dict) -> Markup:
    """The dashboard's rows of nations: each nation's people, ready and level, linking to the nation's dashboard
    when there are several."""
    from trainer.i18n import _number

    e = escape
    locale, limits = str(get_locale()), thresholds()
    people, ready, level = e(_("People")), e(_("Ready")), e(_("Level"))
    link = query_link("readiness.index", "nation", **dates)
    out = []
    from trainer.org.labels import nation_name

    for code, name, tally in nations:
        label = f"{e(code)} — {e(nation_name(code, fallback=name))}"
        out.append(
            f'<tr>\n    <td>{f"""<a href="{e(link(code))}">{label}</a>""" if linked else label}</td>'
            f'\n    <td class="text-end" data-label="{people}">{e(_number(locale, tally.total, 0))}</td>'
            f'<td class="text-end" data-label="{ready}">{e(_number(locale, tally.ready, 0))}</td>'
            f'\n    <td data-label="{level}">{_badge(locale, limits, tally)}'
            f'</td></tr>')
    return Markup("".join(out))


# What url_for leaves unencoded in a query value (werkzeug.urls).
_QUERY_SAFE = "!$'()*,/:;?@"


def query_link(endpoint: str, name: str, **values):
    """`url_for(endpoint, name=value, **values)` for many values, the address built once: only the one query
    value changes, encoded as url_for encodes it."""
    slot = "\x1f"
    probe = url_for(endpoint, **{name: slot}, **values)
    head, found, tail = probe.partition("%1F")
    if not found or "%1F" in tail or "?" not in head:
        return lambda value: url_for(endpoint, **{name: value}, **values)
    return lambda value: f"{head}{quote_plus(str(value), safe=_QUERY_SAFE)}{tail}"


def unit_rows_html(rows, link: str, query: str, with_forecast: bool, assessed) -> Markup:
    """The unit tree's rows (templates/readiness/_macros.html tree_table)."""
    from trainer.i18n import _number
    from trainer.templating import format_date

    e = escape
    locale, limits = str(get_locale()), thresholds()
    people, ready, level, forecast, assessed_label = (e(_("People")), e(_("Ready")), e(_("Level")), e(_("Forecast")),
                                                      e(_("Assessed level")))

    def badge(tally) -> str:
        return _badge(locale, limits, tally)

    href, tail = e(link), e(query)
    no_judgement = f'<td data-label="{assessed_label}"><span class="text-body-secondary">—</span></td>'
    out = []
    for node in rows:
        a = assessed.get(node.id)
        if a:
            judged = (f'<td data-label="{assessed_label}"><span class="level level-{e(a.assessed.value)}">'
                      f'<span aria-hidden="true">{e(a.assessed.symbol)}</span> {e(a.assessed.label)}</span>'
                      f' <span class="small text-body-secondary">({e(format_date(a.as_of))})</span></td>')
        else:
            judged = no_judgement
        ahead = f'<td data-label="{forecast}">{badge(node.forecast)}</td>' if with_forecast else ""
        out.append(
            f'<tr>\n      <td class="tree-depth-{min(node.depth, 6)}"><a href="{href}{node.id}{tail}">'
            f'{e(node.nation_code)} {e(node.code)}</a> '
            f'<span class="small text-body-secondary">{e(node.name)}</span></td>'
            f'\n      <td class="text-end" data-label="{people}">{e(_number(locale, node.tally.total, 0))}</td>'
            f'\n      <td class="text-end" data-label="{ready}">{e(_number(locale, node.tally.ready, 0))}</td>'
            f'\n      <td data-label="{level}">{badge(node.tally)}</td>\n      {ahead}{judged}\n    </tr>')
    return Markup("\n  ".join(out))


@lru_cache(maxsize=64)
def _state_badges(locale: str) -> dict[str, str]:
    """Each requirement state's badge in one locale: its symbol and its word."""
    return {state: f'<span class="req-state req-{escape(state)}">{symbol} {escape(wording.state_label(state))}</span>'
            for state, symbol in STATE_SYMBOLS.items()}


def state_badge_html(status) -> Markup:
    """A requirement's state with its symbol and words (never by colour alone)."""
    return Markup(_state_badges(str(get_locale()))[status.state])


def _gaps(gaps, badges: dict[str, str], words: dict[str, str]) -> str:
    return ", ".join(f"{badges[g.state]} {words.get(g.key) or escape(g.key)}" for g in gaps)


def _gap_words() -> dict[str, str]:
    return {"exercise": escape(_("Exercise requirement")), "screening": escape(_("Screening"))}


def member_rows_html(members, people, unit_of, units, link: str, query: str) -> Markup:
    """A unit page's rows of people (templates/readiness/unit.html): name and service number linking to the
    person's page, rank, unit, ready or not, valid until, and what is missing."""
    from trainer.templating import format_date

    e = escape
    badges, words = _state_badges(str(get_locale())), _gap_words()
    rank, unit, ready, until, missing = (e(_("Rank")), e(_("Unit")), e(_("Ready")), e(_("Valid until")),
                                         e(_("What is missing")))
    is_ready = f'<span class="level level-green">✔ {e(_("ready"))}</span>'
    not_ready = f'<span class="level level-red">✖ {e(_("not ready"))}</span>'
    href, tail = e(link), e(query)
    out = []
    for result in members:
        p = people.get(result.person_id)
        if p is None:
            continue
        unit_id = unit_of.get(p.id)
        code = e(units[unit_id].code) if unit_id in units else ""
        valid = e(format_date(result.valid_until)) if result.ready else ""
        out.append(
            f'<tr>\n      <td><a href="{href}{p.id}{tail}">{e(p.display_name)}</a> '
            f'<span class="small text-body-secondary mono">{e(p.service_number)}</span></td>'
            f'\n      <td data-label="{rank}">{e(p.rank_code)}</td>'
            f'\n      <td data-label="{unit}">{code}</td>'
            f'\n      <td data-label="{ready}">{is_ready if result.ready else not_ready}</td>'
            f'\n      <td data-label="{until}">{valid}</td>'
            f'\n      <td data-label="{missing}">{_gaps(result.gaps, badges, words)}</td>\n    </tr>')
    return Markup("\n    ".join(out))


DRAWN_KEPT = 32  # parts of pages kept per process (a mission's dashboard is about 200 kB)
_DRAWN: OrderedDict[tuple, Markup] = OrderedDict()
_DRAWN_LOCK = threading.Lock()


def forget_drawn() -> None:
    """Leave this process as one that has drawn no page part yet (a worker just started, another app server)."""
    with _DRAWN_LOCK:
        _DRAWN.clear()


def drawn(key: tuple, draw: Callable[[], str]) -> Markup:
    """What `draw()` makes, kept under `key` for the next view: the key must hold everything the drawing depends
    on (readiness figures by their digest, never by a row id or counter, which another database may repeat).
    The least recently used part goes first."""
    with _DRAWN_LOCK:
        found = _DRAWN.get(key)
        if found is not None:
            _DRAWN.move_to_end(key)
            return found
    made = Markup(draw())
    with _DRAWN_LOCK:
        _DRAWN[key] = made
        while len(_DRAWN) > DRAWN_KEPT:
            _DRAWN.popitem(last=False)
    return made
