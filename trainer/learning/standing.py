"""A trainee's own readiness, as their start page and My training show it: for each readiness profile that
applies to them, ready or not today, until which day, and the one thing to do next."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from trainer.curricula.models import Module, ReadinessProfile, pick
from trainer.extensions import db
from trainer.org.models import Person

MET = ("met", "waived", "expiring")


@dataclass
class Step:
    text: str                           # Markup where it holds a module title (marked when shown in English)
    module_code: str | None = None      # the module to open, when the step is a module


@dataclass
class Standing:
    profile_code: str
    title: dict | str                   # the profile's title, shown in the reader's language
    ready: bool
    until: dt.date | None               # the last day the person stays ready (when ready)
    open_count: int
    step: Step
    expiring: list[str] = field(default_factory=list)   # module codes (or "exercise") about to lapse


def _day(value: dt.date) -> str:
    from trainer.templating import format_date

    return format_date(value)


def _titles(language: str) -> dict[str, Markup]:
    """Each current module's title in the reader's language; one shown in English because it has no translation
    is marked so (lang="en", and its own writing direction inside a right-to-left page)."""
    from trainer.i18n import in_language

    titles = {}
    for code, title in db.session.execute(select(Module.code, Module.title).where(Module.is_current.is_(True))):
        shown = language if isinstance(title, dict) and title.get(language) else "en"
        titles[code] = in_language(pick(title, language), shown, language)
    return titles


def own_standing(person: Person | None, today: dt.date, language: str = "en") -> list[Standing]:
    """The person's standing for every profile assigned to them or to a unit above them (none: an empty list)."""
    if person is None:
        return []
    from trainer.readiness import engine
    from trainer.readiness.guidance import profiles_for_person

    codes = profiles_for_person(person)
    if not codes:
        return []
    profiles = {p.code: p for p in db.session.scalars(select(ReadinessProfile).where(ReadinessProfile.code.in_(codes)))}
    titles = _titles(language)
    result = []
    for code in codes:
        profile = profiles.get(code)
        if profile is None:
            continue
        readiness = engine.evaluate_person(person.id, code, today)
        open_items = [r for r in readiness.requirements if r.state not in MET]
        ready = not open_items
        until = readiness.valid_until if ready else None
        expiring = [r.key for r in readiness.requirements if r.state == "expiring"]
        step = _next_step(open_items[0], profile, titles) if open_items else _keep_ready(readiness, until, titles)
        result.append(Standing(code, profile.title, ready, until, len(open_items), step, expiring))
    return result


def _next_step(requirement, profile: ReadinessProfile, titles: dict[str, str]) -> Step:
    state, key = requirement.state, requirement.key
    if requirement.kind == "screening":
        if state == "on_hold":
            return Step(_("Your screening is on hold: you cannot deploy or be certified until it is cleared. Ask your "
                          "training officer."))
        return Step(_("Your screening is not complete yet: your training officer records it once the national "
                      "authority clears you."))
    if requirement.kind == "exercise":
        return Step(_("Take part as a player in an exercise and obtain an adjudicated %(outcome)s or better: ask your "
                      "training officer for a nomination.", outcome=profile.exercise_min_outcome or "S"))
    title = titles.get(key, "")
    if state == "superseded":
        return Step(escape(_("Complete the new version of %(code)s %(title)s: your earlier completion no longer "
                             "counts.")) % {"code": key, "title": title}, key)
    if state == "expired":
        return Step(escape(_("Complete %(code)s %(title)s again: your completion has expired."))
                    % {"code": key, "title": title}, key)
    return Step(escape(_("Complete %(code)s %(title)s.")) % {"code": key, "title": title}, key)


def _keep_ready(readiness, until: dt.date | None, titles: dict[str, str]) -> Step:
    if until is None:
        return Step(_("Nothing to do."))
    first = next((r for r in readiness.requirements if r.valid_until == until), None)
    if first is not None and first.kind == "module":
        return Step(escape(_("Complete %(code)s %(title)s again before %(date)s to stay ready."))
                    % {"code": first.key, "title": titles.get(first.key, ""), "date": _day(until)}, first.key)
    return Step(_("Take part in another qualifying exercise before %(date)s to stay ready.", date=_day(until)))
