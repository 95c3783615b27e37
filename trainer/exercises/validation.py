"""Checking what a planner typed for an exercise: code and title, type, nations and units, local times,
prerequisite modules. Every problem is collected as (field, message) so that the form shows them all.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer import typed_values
from trainer.enums import MILITARY_ALIASES, ExerciseType
from trainer.errors import Conflict, Invalid
from trainer.exercises.models import Exercise
from trainer.exercises.timeutil import LocalTimeError, get_zone, local_to_utc, parse_local, resolve_zone_name
from trainer.extensions import db
from trainer.org.models import Nation, Unit

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")
MODULE_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[A-Z0-9]{1,6}$")
MAX_DURATION = dt.timedelta(days=120)

Errors = list[tuple[str, str]]


@dataclass
class ExerciseValues:
    """An exercise's checked values: its columns, and the nations and units taking part."""
    columns: dict
    nation_codes: list[str]
    unit_ids: list[int]


# --- modules (read from the curricula domain when it is there) -------------------------------

def known_module_codes() -> set[str] | None:
    """Module codes in the catalogue, or None when there is no catalogue to check against."""
    table = db.metadata.tables.get("modules")
    if table is None:
        return None
    codes = set(db.session.scalars(select(table.c.code).distinct()))
    return codes or None


def check_module_codes(codes: list[str], field: str, errors: Errors) -> None:
    known = known_module_codes()
    for code in codes:
        if not MODULE_CODE_RE.match(code):
            errors.append((field, _("'%(code)s' is not a module code (for example HR-01).", code=code)))
        elif known is not None and code not in known:
            errors.append((field, _("There is no module %(code)s in the curricula.", code=code)))


# --- the parts of an exercise ----------------------------------------------------------------

def _code_and_title(values: dict, errors: Errors) -> tuple[str, str]:
    code = (values.get("code") or "").strip().upper()
    if not CODE_RE.match(code):
        errors.append(("code", _("A code of 2 to 40 letters, digits, '-' or '_' is required (for example SHIELD-27).")))
    title = (values.get("title") or "").strip()
    if not title or len(title) > 200:
        errors.append(("title", _("A title of 1 to 200 characters is required.")))
    return code, title


def _type_and_military_name(values: dict, errors: Errors) -> tuple[str, str | None]:
    """The HSEEP type and its military alias (CPX, FTX, LIVEX); the alias alone implies the type."""
    military = (values.get("military_name") or "").strip().upper() or None
    type_ = values.get("type") or ""
    if military and military not in MILITARY_ALIASES:
        errors.append(("military_name", _("Choose CPX, FTX or LIVEX, or leave empty.")))
        military = None
    if military and not type_:
        type_ = MILITARY_ALIASES[military].value
    if type_ not in {t.value for t in ExerciseType}:
        errors.append(("type", _("Choose an exercise type from the list.")))
    elif military and MILITARY_ALIASES[military].value != type_:
        errors.append(("military_name", _("%(name)s is a kind of %(alias)s; it does not fit the type %(type)s.",
                                          name=military, alias=MILITARY_ALIASES[military].label,
                                          type=ExerciseType(type_).label)))
    return type_, military


def _nations(values: dict, errors: Errors) -> tuple[str, set[str]]:
    """The lead nation and every nation taking part (the lead among them), all known."""
    lead = (values.get("lead_nation_code") or "").strip().upper()
    nations = {n.strip().upper() for n in values.get("nation_codes") or [] if n and n.strip()}
    if lead:
        nations.add(lead)
    found = set(db.session.scalars(select(Nation.code).where(Nation.code.in_(nations)))) if nations else set()
    if not lead or lead not in found:
        errors.append(("lead_nation_code", _("Choose the lead nation.")))
    unknown = sorted(nations - found - {lead})
    if unknown:
        errors.append(("nation_codes", _("Unknown nation codes: %(codes)s.", codes=", ".join(unknown))))
    return lead, nations


def _units(values: dict, nations: set[str], errors: Errors) -> list[int]:
    """The units committed: known units of the nations taking part."""
    unit_ids = []
    for raw in values.get("unit_ids") or []:
        try:
            unit_ids.append(int(raw))
        except (TypeError, ValueError):
            errors.append(("unit_ids", _("Choose units from the list.")))
    if unit_ids:
        units = db.session.execute(select(Unit.id, Unit.code, Unit.nation_code).where(Unit.id.in_(unit_ids))).all()
        if len(units) != len(set(unit_ids)):
            errors.append(("unit_ids", _("Choose units from the list.")))
        for unit in units:
            if unit.nation_code not in nations:
                errors.append(("unit_ids", _("Unit %(unit)s belongs to %(nation)s, which does not take part.",
                                             unit=unit.code, nation=unit.nation_code)))
    return unit_ids


def _zone_and_times(values: dict, errors: Errors) -> tuple[str | None, dt.datetime | None, dt.datetime | None]:
    """The location's zone and the start and end, typed in that zone's local time, in UTC."""
    zone = resolve_zone_name(values.get("timezone"))
    try:
        get_zone(zone)
    except LocalTimeError as exc:
        errors.append(("timezone", str(exc)))
        zone = None
    fold = values.get("fold")
    fold = int(fold) if fold in (0, 1, "0", "1") else None
    times = {}
    for name in ("start", "end"):
        raw = values.get(f"{name}_local")
        try:
            naive = raw if isinstance(raw, dt.datetime) else parse_local(raw or "")
            if not typed_values.date_in_range(naive):
                raise LocalTimeError(typed_values.out_of_range_message())
            if zone:
                times[name] = local_to_utc(naive, zone, fold)
        except LocalTimeError as exc:
            errors.append((f"{name}_local", str(exc)))
    start_at, end_at = times.get("start"), times.get("end")
    if start_at and end_at:
        if end_at <= start_at:
            errors.append(("end_local", _("The end must be after the start.")))
        elif end_at - start_at > MAX_DURATION:
            errors.append(("end_local", _("An exercise may last at most %(num)s days.", num=MAX_DURATION.days)))
    return zone, start_at, end_at


def _prerequisites(values: dict, errors: Errors) -> list[str]:
    """The module codes chosen from the list, or typed (comma- or semicolon-separated) by other callers."""
    raw = values.get("prerequisite_modules") or []
    if isinstance(raw, str):
        raw = [raw]
    codes = [c.strip().upper() for part in raw for c in re.split(r"[,\s;]+", part or "") if c.strip()]
    codes = list(dict.fromkeys(codes))
    check_module_codes(codes, "prerequisite_modules", errors)
    return codes


def _texts(values: dict, errors: Errors) -> tuple[str, str]:
    summary = (values.get("scenario_summary") or "").strip()
    if len(summary) > 10000:
        errors.append(("scenario_summary", _("At most %(num)s characters.", num="10,000")))
    location = (values.get("location_name") or "").strip()
    if len(location) > 200:
        errors.append(("location_name", _("At most %(num)s characters.", num=200)))
    return summary, location


def _check_code_is_free(code: str, existing: Exercise | None) -> None:
    if existing is not None and existing.code == code:
        return
    if db.session.scalar(select(func.count()).select_from(Exercise).where(Exercise.code == code)):
        raise Conflict(_("An exercise with code %(code)s already exists.", code=code), errors=[("code", _("Already used."))])


def clean_exercise_values(values: dict, *, existing: Exercise | None) -> ExerciseValues:
    """The checked values of an exercise form; Invalid listing every problem, or Conflict when the code
    is another exercise's."""
    errors: Errors = []
    code, title = _code_and_title(values, errors)
    type_, military = _type_and_military_name(values, errors)
    lead, nations = _nations(values, errors)
    unit_ids = _units(values, nations, errors)
    zone, start_at, end_at = _zone_and_times(values, errors)
    prerequisites = _prerequisites(values, errors)
    summary, location = _texts(values, errors)
    if errors:
        raise Invalid(_("The exercise could not be saved."), errors=errors)
    _check_code_is_free(code, existing)
    columns = {"code": code, "title": title, "type": type_, "military_name": military, "scenario_summary": summary,
               "lead_nation_code": lead, "location_name": location, "timezone": zone, "start_at": start_at,
               "end_at": end_at, "prerequisite_modules": ",".join(prerequisites)}
    return ExerciseValues(columns, sorted(nations), sorted(set(unit_ids)))
