"""The Master Scenario Events List: its injects, written one by one and released during conduct (the
CSV import and export are in msel_csv.py).

Only planners, controllers, evaluators, trusted agents and the exercise director see the MSEL;
players never do. To everyone else it does not exist (404).
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from trainer import typed_values
from trainer.audit.services import record_event
from trainer.db import utcnow
from trainer.errors import Invalid, NotFound
from trainer.exercises import access
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, Exercise, ExerciseStatus, Inject, InjectStatus, Objective, Participant,
)
from trainer.exercises.services import check_version
from trainer.exercises.statuses import FINISHED
from trainer.exercises.timeutil import LocalTimeError, local_to_utc, parse_local, utc_to_local
from trainer.extensions import db
from trainer.org.labels import nation_name
from trainer.org.models import Unit
from trainer.transactions import flush_versioned

TO_TYPES = ("nation", "unit", "person")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}

Errors = list[tuple[str, str]]


def require_msel(actor, ex: Exercise) -> None:
    if not access.can_see_msel(actor, ex):
        raise NotFound()


def require_msel_editor(actor, ex: Exercise) -> None:
    require_msel(actor, ex)
    require_editable(ex)
    if not access.can_edit_msel(actor, ex):
        # Readers of the MSEL (evaluators, trusted agents) are told why, not shown a bare refusal.
        raise Invalid(_("Only planners, controllers and the exercise director may change the MSEL; you can read it."))


def list_injects(actor, ex: Exercise) -> list[Inject]:
    require_msel(actor, ex)
    return list(db.session.scalars(select(Inject).where(Inject.exercise_id == ex.id)
                                   .order_by(Inject.planned_at, Inject.number)))


def injects_by_local_day(actor, ex: Exercise) -> dict[dt.date, list[Inject]]:
    """The injects grouped by the day of their planned release in the exercise's zone (the timeline)."""
    days: dict[dt.date, list[Inject]] = {}
    for inject in list_injects(actor, ex):
        days.setdefault(utc_to_local(inject.planned_at, ex.timezone).date(), []).append(inject)
    return days


def next_inject_number(actor, ex: Exercise) -> int:
    """The number a new inject gets unless its author chooses another: one after the highest."""
    require_msel(actor, ex)
    return (db.session.scalar(select(func.max(Inject.number)).where(Inject.exercise_id == ex.id)) or 0) + 1


def get_inject(actor, ex: Exercise, inject_id) -> Inject:
    require_msel(actor, ex)
    try:
        inject_id = int(inject_id)
    except (TypeError, ValueError):
        raise NotFound()
    inject = db.session.scalar(select(Inject).where(Inject.id == inject_id, Inject.exercise_id == ex.id))
    if inject is None:
        raise NotFound()
    return inject


def recipient_choices(actor, ex: Exercise) -> list[tuple[str, list[tuple[str, str]]]]:
    """Whom an inject can be sent to, as (group label, [(value, label)]): the nations taking part, each one's
    units, and the active participants. A value is "nation|NPL", "unit|NPL:UNIT-CODE" or
    "person|NPL:SERVICE-NUMBER", the references the CSV format uses after the kind."""
    require_msel(actor, ex)
    groups = [(_("Nations taking part"),
               [(f"nation|{n.nation_code}", f"{n.nation_code} — {nation_name(n.nation_code, fallback=n.nation.name)}")
                for n in ex.nations])]
    units = db.session.execute(select(Unit.nation_code, Unit.code, Unit.name).where(
        Unit.nation_code.in_(ex.nation_codes)).order_by(Unit.nation_code, Unit.path)).all()
    for nation in ex.nation_codes:
        mine = [(f"unit|{nation}:{code}", f"{code} — {name}") for unit_nation, code, name in units
                if unit_nation == nation]
        if mine:
            groups.append((_("Units of %(nation)s", nation=nation), mine))
    people = db.session.scalars(select(Participant).where(
        Participant.exercise_id == ex.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES))
        .order_by(Participant.nation_code, Participant.id)).all()
    if people:
        groups.append((_("Participants"), [
            (f"person|{p.nation_code}:{p.person.service_number}",
             f"{p.person.rank_code} {p.person.full_name_latin} ({p.nation_code}, {p.role_enum.label.lower()})")
            for p in people]))
    return groups


def split_recipient(value: str | None) -> tuple[str, str] | None:
    """("unit", "NPL:NPL-B1") from "unit|NPL:NPL-B1"; None for an empty or malformed value."""
    kind, bar, ref = (value or "").partition("|")
    return (kind, ref) if bar and kind in TO_TYPES and ref else None


class Resolver:
    """Looks up 'to' references and objective numbers for one exercise, with a few queries in all."""

    def __init__(self, ex: Exercise):
        self.ex = ex
        self.nations = set(ex.nation_codes)
        self.units = {(u.nation_code, u.code): u.id for u in db.session.execute(
            select(Unit.id, Unit.nation_code, Unit.code).where(Unit.nation_code.in_(self.nations))).all()}
        self.people = {}
        for p in db.session.scalars(select(Participant).where(
                Participant.exercise_id == ex.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES))):
            self.people[(p.nation_code, p.person.service_number)] = p.person_id
        self.objectives = {o.number: o for o in db.session.scalars(select(Objective).where(Objective.exercise_id == ex.id))}

    def to(self, to_type: str, ref: str) -> tuple[dict, str | None]:
        ref = (ref or "").strip()
        if to_type not in TO_TYPES:
            return {}, _("Choose whom the inject goes to: a nation, a unit or a person.")
        nation, _colon, rest = ref.partition(":")
        nation = nation.strip().upper()
        if nation not in self.nations:
            return {}, _("%(nation)s is not a nation taking part (write e.g. NPL, NPL:NPL-B1 or NPL:service number).",
                         nation=nation or _("(empty)"))
        if to_type == "nation":
            return {"to_nation_code": nation, "to_unit_id": None, "to_person_id": None}, None
        if to_type == "unit":
            unit_id = self.units.get((nation, rest.strip().upper()))
            if unit_id is None:
                return {}, _("No unit %(unit)s in %(nation)s (write NATION:UNIT-CODE).",
                             unit=rest.strip() or _("(empty)"), nation=nation)
            return {"to_nation_code": nation, "to_unit_id": unit_id, "to_person_id": None}, None
        person_id = self.people.get((nation, rest.strip()))
        if person_id is None:
            return {}, _("No participant of %(nation)s with service number %(number)s (write NATION:SERVICE-NUMBER).",
                         nation=nation, number=rest.strip() or _("(empty)"))
        return {"to_nation_code": nation, "to_unit_id": None, "to_person_id": person_id}, None

    def objective_list(self, text: str | list[str]) -> tuple[list[Objective], str | None]:
        """The objectives named by their numbers: chosen from the list, or typed as "1;3" (the CSV format)."""
        parts = text if isinstance(text, (list, tuple)) else [text]
        found = []
        for part in (p for piece in parts for p in re.split(r"[;,\s]+", (piece or "").strip())):
            if not part:
                continue
            try:
                number = int(part)
            except ValueError:
                return [], _("'%(text)s' is not an objective number.", text=part)
            if number not in self.objectives:
                return [], _("There is no objective %(number)s in this exercise.", number=number)
            found.append(self.objectives[number])
        return found, None


def _number(values: dict, clean: dict, errors: Errors) -> None:
    try:
        number = int(str(values.get("number") or "").strip())
        if number < 1 or number > 99999:
            raise ValueError
        clean["number"] = number
    except ValueError:
        errors.append(("number", _("A whole number from 1 is required.")))


def _texts(values: dict, clean: dict, errors: Errors, current: Inject | None) -> None:
    for key, column, limit in (("scenario_time", "scenario_time", 60), ("from", "from_text", 200), ("method", "method", 40)):
        text = (values.get(key) or "").strip()
        if len(text) > limit:
            errors.append((key, _("At most %(num)s characters.", num=limit)))
        clean[column] = text
    message = (values.get("message") or "").strip()
    if not message or len(message) > 5000:
        errors.append(("message", _("A message of 1 to 5,000 characters is required.")))
    clean["message"] = message
    expected = (values.get("expected_action") or "").strip()
    if len(expected) > 5000:
        errors.append(("expected_action", _("At most %(num)s characters.", num="5,000")))
    clean["expected_action"] = expected
    # no control character, whether typed, imported or sent by the API (one the inject already holds may stay)
    for key, column, multiline in (("scenario_time", "scenario_time", False), ("from", "from_text", False),
                                   ("method", "method", False), ("message", "message", True),
                                   ("expected_action", "expected_action", True)):
        text = clean[column]
        if (typed_values.has_control_character(text, multiline=multiline)
                and (current is None or text != getattr(current, column))):
            errors.append((key, typed_values.control_character_message(multiline=multiline)))


def _planned_at(ex: Exercise, values: dict, clean: dict, errors: Errors) -> None:
    """The planned release, typed in the exercise's local time, within the exercise."""
    try:
        fold = values.get("fold")
        planned = local_to_utc(parse_local(values.get("planned_release") or ""), ex.timezone,
                               int(fold) if fold in ("0", "1", 0, 1) else None)
        if not (ex.start_at <= planned <= ex.end_at):
            errors.append(("planned_release",
                           _("The planned release must fall between the start and the end of the exercise.")))
        clean["planned_at"] = planned
    except LocalTimeError as exc:
        errors.append(("planned_release", str(exc)))


def _contingency(values: dict, clean: dict, errors: Errors) -> None:
    contingency = values.get("contingency")
    if isinstance(contingency, bool):
        clean["contingency"] = contingency
    elif str(contingency or "").strip().lower() in TRUE_WORDS:
        clean["contingency"] = True
    elif str(contingency or "").strip().lower() in FALSE_WORDS:
        clean["contingency"] = False
    else:
        errors.append(("contingency", _("Write yes or no.")))


def validate_inject(resolver: Resolver, ex: Exercise, values: dict, current: Inject | None = None
                    ) -> tuple[dict, Errors]:
    """An inject's checked columns (and its objectives), with every problem found as (field, message); `current`,
    the inject being changed."""
    errors: Errors = []
    clean: dict = {}
    _number(values, clean, errors)
    _texts(values, clean, errors, current)
    _planned_at(ex, values, clean, errors)
    to_fields, problem = resolver.to((values.get("to_type") or "").strip().lower(), values.get("to") or "")
    if problem:
        errors.append(("to", problem))
    clean.update(to_fields)
    clean["to_type"] = (values.get("to_type") or "").strip().lower()
    objectives, problem = resolver.objective_list(values.get("objectives") or "")
    if problem:
        errors.append(("objectives", problem))
    clean["objectives"] = objectives
    _contingency(values, clean, errors)
    return clean, errors


def require_editable(ex: Exercise) -> None:
    if ex.status_enum in FINISHED:
        raise Invalid(_("The MSEL of an exercise that is %(status)s can no longer change.", status=ex.status_enum.label))


def create_inject(actor, ex: Exercise, values: dict) -> Inject:
    require_msel_editor(actor, ex)
    require_editable(ex)
    clean, errors = validate_inject(Resolver(ex), ex, values)
    if "number" in clean and db.session.scalar(select(Inject.id).where(Inject.exercise_id == ex.id,
                                                                       Inject.number == clean["number"])):
        errors.append(("number", _("Inject %(number)s already exists.", number=clean["number"])))
    if errors:
        raise Invalid(_("The inject could not be saved."), errors=errors)
    objectives = clean.pop("objectives")
    inject = Inject(exercise_id=ex.id, **clean)
    inject.objectives = objectives
    db.session.add(inject)
    db.session.flush()
    record_event(actor, "msel.inject.create", inject, exercise=ex.code, after={"number": inject.number})
    db.session.flush()
    return inject


def inject_state(inject: Inject) -> dict:
    """What an edit may change in an inject, as the audit log records it."""
    return {"number": inject.number, "scenario_time": inject.scenario_time,
            "planned_at": inject.planned_at.isoformat() if inject.planned_at else None, "from_text": inject.from_text,
            "to": f"{inject.to_type}:{inject.to_ref}", "method": inject.method, "message": inject.message,
            "expected_action": inject.expected_action, "contingency": bool(inject.contingency),
            "objectives": [o.number for o in inject.objectives]}


def update_inject(actor, ex: Exercise, inject: Inject, values: dict, *, expected_version) -> Inject:
    """Save an edit of a planned inject made from `expected_version` (the version the form was read at). A
    released or skipped inject is on record and does not change."""
    require_msel_editor(actor, ex)
    require_editable(ex)
    if inject.status != InjectStatus.PLANNED.value:
        raise Invalid(_("Inject %(number)s was %(status)s: it is on record and no longer changes.",
                        number=inject.number, status=inject.status_enum.label.lower()))
    conflict = _("Someone else saved inject %(number)s while you were editing it. Nothing of yours was lost: what "
                 "you typed is still in the form. Compare it with the inject as it is now and save again.",
                 number=inject.number)
    check_version(inject, expected_version, conflict)
    before = inject_state(inject)
    clean, errors = validate_inject(Resolver(ex), ex, values, inject)
    if clean.get("number") not in (None, inject.number) and db.session.scalar(
            select(Inject.id).where(Inject.exercise_id == ex.id, Inject.number == clean["number"])):
        errors.append(("number", _("Inject %(number)s already exists.", number=clean["number"])))
    if errors:
        raise Invalid(_("The inject could not be saved."), errors=errors)
    objectives = clean.pop("objectives")
    for key, value in clean.items():
        setattr(inject, key, value)
    inject.objectives = objectives
    flag_modified(inject, "message")  # every save is a new version, an edit of the objectives alone too
    flush_versioned(conflict)  # the version the form read, checked again by the UPDATE itself
    after = inject_state(inject)
    changed = [key for key in after if after[key] != before[key]]
    record_event(actor, "msel.inject.update", inject, exercise=ex.code, number=inject.number,
                 before={key: before[key] for key in changed}, after={key: after[key] for key in changed})
    db.session.flush()
    return inject


def release_inject(actor, ex: Exercise, inject_id) -> Inject:
    """One action during conduct: the inject is released now."""
    inject = get_inject(actor, ex, inject_id)
    require_msel_editor(actor, ex)
    if ex.status != ExerciseStatus.IN_CONDUCT.value:
        raise Invalid(_("Injects are released only while the exercise is in conduct."))
    if inject.status != InjectStatus.PLANNED.value:
        raise Invalid(_("Inject %(number)s was already %(status)s.", number=inject.number,
                        status=inject.status_enum.label.lower()))
    inject.status = InjectStatus.RELEASED.value
    inject.released_at = utcnow()
    inject.released_by_id = getattr(actor, "id", None)
    record_event(actor, "msel.inject.release", inject, exercise=ex.code, after={"number": inject.number,
                                                                                  "released_at": inject.released_at.isoformat()})
    db.session.flush()
    return inject


def skip_inject(actor, ex: Exercise, inject_id) -> Inject:
    inject = get_inject(actor, ex, inject_id)
    require_msel_editor(actor, ex)
    if ex.status != ExerciseStatus.IN_CONDUCT.value or inject.status != InjectStatus.PLANNED.value:
        raise Invalid(_("Only a planned inject can be skipped, during conduct."))
    inject.status = InjectStatus.SKIPPED.value
    record_event(actor, "msel.inject.skip", inject, exercise=ex.code, after={"number": inject.number})
    db.session.flush()
    return inject


