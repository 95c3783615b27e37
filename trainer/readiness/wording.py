"""Readiness in words, in the reader's language: requirement states, the reasons behind them (rules.py gives a
reason code and its facts), exercise types, dates and percentages. Outside an application (pure tests) the words
are English and dates are formatted as in English."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_percent as babel_format_percent
from flask import has_app_context
from flask_babel import format_date, format_percent, get_locale
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.readiness.rules import State, Why

DATE_PATTERN = "dd MMM y"  # as the pages' |date filter: "01 Mar 2026", « 01 mars 2026 »
PERCENT_PATTERN = "#,##0%"

STATE_LABELS = {State.MET: _l("met"), State.WAIVED: _l("waived"), State.EXPIRING: _l("expiring"),
                State.EXPIRED: _l("expired"), State.MISSING: _l("missing"), State.SUPERSEDED: _l("superseded"),
                State.ON_HOLD: _l("on hold")}

# Short words for the HSEEP exercise types, as they read inside a sentence ("no functional exercise ...").
EXERCISE_TYPE_WORDS = {"seminar": _l("seminar"), "workshop": _l("workshop"), "tabletop": _l("tabletop"),
                       "game": _l("game"), "drill": _l("drill"), "functional": _l("functional"),
                       "full_scale": _l("full-scale")}


def reader_language() -> str:
    """The language words are being written in: the request's, or the one forced for a recipient."""
    locale = get_locale() if has_app_context() else None
    return locale.language if locale is not None else "en"


def day(value: dt.date | None) -> str:
    if value is None:
        return ""
    return _day(reader_language(), value)


@lru_cache(maxsize=4096)
def _day(language: str, value: dt.date) -> str:
    """Reports word the same few hundred dates thousands of times: each once per language."""
    if has_app_context():
        return format_date(value, DATE_PATTERN)
    return babel_format_date(value, DATE_PATTERN, locale="en")


def percent(value: float | None) -> str:
    """A percentage (0-100) as the locale writes it, without decimals."""
    if value is None:
        return ""
    if has_app_context():
        return _percent(str(get_locale()), value)
    return babel_format_percent(value / 100, format=PERCENT_PATTERN, locale="en")


@lru_cache(maxsize=4096)
def _percent(locale: str, value: float) -> str:
    """A dashboard writes a percentage for every unit it lists, most of them the same few: each once per locale."""
    return format_percent(value / 100, format=PERCENT_PATTERN)


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def exercise_types(types) -> str:
    return ", ".join(str(EXERCISE_TYPE_WORDS.get(t, t.replace("_", "-"))) for t in types)


def word_reason(why: Why) -> str:
    """A requirement's reason (rules.Why) as a sentence in the reader's language."""
    return _word_reason(reader_language(), why.code, tuple(why.facts.items()))


@lru_cache(maxsize=8192)
def _word_reason(language: str, code: str, items: tuple) -> str:
    """A report on a force words the same reasons (a module missing, a date) for thousands of people: once each."""
    facts = {}
    for name, value in items:
        if isinstance(value, dt.date):
            value = day(value)
        elif name == "types":
            value = exercise_types(value)
        elif name == "type":
            value = exercise_types([value])
        facts[name] = value
    return REASONS[code](facts)


REASONS = {
    "module.met": lambda f: _("%(title)s: completed %(completed)s (version %(version)s), valid until %(until)s.", **f),
    "module.expiring": lambda f: ngettext(
        "%(title)s: completed %(completed)s (version %(version)s); valid until %(until)s — it expires "
        "in %(num)d day.",
        "%(title)s: completed %(completed)s (version %(version)s); valid until %(until)s — it expires "
        "in %(num)d days.", f["days"], **f),
    "module.retrain_soon": lambda f: ngettext(
        "%(title)s: completed %(completed)s (version %(version)s); valid until %(until)s — a new version requires "
        "retraining in %(num)d day.",
        "%(title)s: completed %(completed)s (version %(version)s); valid until %(until)s — a new version requires "
        "retraining in %(num)d days.", f["days"], **f),
    "module.waived": lambda f: _("%(title)s: waived until %(until)s.", **f),
    "module.superseded": lambda f: _("%(title)s: the completion of version %(version)s no longer counts since "
                                     "%(since)s; a new major version must be completed.", **f),
    "module.expired": lambda f: _("%(title)s: expired on %(ended)s; complete it again.", **f),
    "module.completed_later": lambda f: _("%(title)s: not completed by %(date)s (completed later, on %(later)s).", **f),
    "module.waiver_ended": lambda f: _("%(title)s: not completed; its waiver ended on %(ended)s.", **f),
    "module.missing": lambda f: _("%(title)s: not completed.", **f),
    "screening.cleared": lambda f: _("Screening cleared."),
    "screening.hold": lambda f: _("Screening on hold: the person cannot deploy or be certified until it is cleared."),
    "screening.pending": lambda f: _("Screening not yet completed (pending)."),
    "exercise.met": lambda f: _("Exercise %(code)s (%(type)s) rated %(rating)s on %(ended)s; counts until %(until)s.", **f),
    "exercise.expiring": lambda f: ngettext(
        "Exercise %(code)s (%(type)s) rated %(rating)s on %(ended)s; counts until %(until)s. Expires in %(num)d day.",
        "Exercise %(code)s (%(type)s) rated %(rating)s on %(ended)s; counts until %(until)s. Expires in %(num)d days.",
        f["days"], **f),
    "exercise.waived": lambda f: _("Exercise requirement waived until %(until)s.", **f),
    "exercise.expired": lambda f: ngettext(
        "Last qualifying exercise %(code)s ended %(ended)s, more than %(num)d month before %(date)s.",
        "Last qualifying exercise %(code)s ended %(ended)s, more than %(num)d months before %(date)s.",
        f["months"], **f),
    "exercise.missing": lambda f: ngettext(
        "No %(types)s exercise with an adjudicated %(outcome)s or better in the month before %(date)s.",
        "No %(types)s exercise with an adjudicated %(outcome)s or better in the %(num)d months before "
        "%(date)s.", f["months"], **f),
    "exercise.waiver_ended": lambda f: ngettext(
        "No %(types)s exercise with an adjudicated %(outcome)s or better in the month before %(date)s; its waiver "
        "ended on %(ended)s.",
        "No %(types)s exercise with an adjudicated %(outcome)s or better in the %(num)d months before %(date)s; its "
        "waiver ended on %(ended)s.", f["months"], **f),
}
