"""The exercise record: finding the exercises an actor reaches, creating and changing one.

Services take the acting user, check scope and role, raise domain errors, audit, and flush. The
other writes of the domain live beside this module: transitions.py (the status workflow),
participants.py (nominations), planning.py (objectives and milestones), evaluators.py (evaluator
assignments), msel.py and msel_csv.py (the MSEL), feeds.py (calendar feeds).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.errors import Conflict, Forbidden, Invalid
from trainer.exercises import access
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, Exercise, ExerciseNation, ExerciseStatus, ExerciseUnit, Inject, Participant,
)
from trainer.exercises.statuses import EDITABLE
from trainer.exercises.validation import clean_exercise_values
from trainer.extensions import db
from trainer.pagination import paginate
from trainer.transactions import flush_versioned

EDITABLE_STATUSES = EDITABLE
EXERCISE_FIELDS = ("code", "title", "type", "military_name", "scenario_summary", "lead_nation_code", "location_name",
                   "timezone", "start_at", "end_at", "prerequisite_modules")
CONCURRENT_CHANGE = _l("Someone else changed this exercise at the same time. Reload it and apply your change again.")
# the edit form keeps what was typed and shows the exercise as it is now (exercises/views/record.py)
EDITED_MEANWHILE = _l("Someone else saved this exercise while you were editing it; what you typed is still in the "
                      "form. Compare it with the exercise as it is now and save again.")
# What only the lead nation's training officers may do, each refusal a whole sentence naming the lead nation.
PLANNER_ONLY = {
    "exercise": _l("Only a training officer of the lead nation (%(nation)s) may change this exercise."),
    "objectives": _l("Only a training officer of the lead nation (%(nation)s) may change the objectives."),
    "nominations": _l("Only a training officer of the lead nation (%(nation)s) may confirm or decline nominations."),
    "evaluators": _l("Only a training officer of the lead nation (%(nation)s) may assign evaluators."),
    "milestones": _l("Only a training officer of the lead nation (%(nation)s) may plan the meetings."),
    "meetings_held": _l("Only a training officer of the lead nation (%(nation)s) may record the planning meetings."),
}
PER_PAGE = 25


# --- reads ----------------------------------------------------------------------------------

def get_exercise(actor, exercise_id) -> Exercise:
    """The exercise if the actor reaches it; NotFound otherwise (out of scope looks like absent)."""
    return scoping.get_scoped(actor, "exercise", exercise_id, "anything")


def _exercises_query(actor, *, nation: str | None = None, type_: str | None = None, status: str | None = None,
                     start: dt.datetime | None = None, end: dt.datetime | None = None):
    """The exercises the actor reaches, filtered; those running after `start` and before `end`; by start."""
    query = select(Exercise).where(scoping.scope_condition(actor, "exercise", "anything"))
    if nation:
        query = query.where(Exercise.id.in_(select(ExerciseNation.exercise_id).where(
            ExerciseNation.nation_code == nation.upper())))
    if type_:
        query = query.where(Exercise.type == type_)
    if status:
        query = query.where(Exercise.status == status)
    if start is not None:
        query = query.where(Exercise.end_at > start)
    if end is not None:
        query = query.where(Exercise.start_at < end)
    return query.order_by(Exercise.start_at, Exercise.id)


def exercises_query(actor, *, nation: str | None = None, type_: str | None = None, status: str | None = None):
    """A query for the exercises the actor reaches, filtered, by start: for callers that page it their own
    way (the API, by cursor)."""
    return _exercises_query(actor, nation=nation, type_=type_, status=status)


def list_exercises(actor, *, nation: str | None = None, type_: str | None = None, status: str | None = None,
                   start: dt.datetime | None = None, end: dt.datetime | None = None,
                   limit: int | None = None) -> list[Exercise]:
    """The exercises the actor reaches that run between `start` and `end` (either may be open), by start."""
    query = _exercises_query(actor, nation=nation, type_=type_, status=status, start=start, end=end)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


SORTS = {"code": (Exercise.code,), "title": (Exercise.title,), "type": (Exercise.type,),
         "lead": (Exercise.lead_nation_code,), "start": (Exercise.start_at,), "status": (Exercise.status,)}


def page_of_exercises(actor, *, nation: str | None = None, type_: str | None = None, status: str | None = None,
                      when: str = "upcoming", now: dt.datetime, page: int = 1, sort: str | None = None,
                      descending: bool | None = None):
    """One page of the exercises the actor reaches: current and upcoming ones by start, past ones (ended
    by `now`) latest first, or all of them; or sorted by another column (code, title, type, lead, start,
    status), ties by start."""
    query = _exercises_query(actor, nation=nation, type_=type_, status=status,
                             start=now if when == "upcoming" else None)
    if when == "past":
        query = query.where(Exercise.end_at <= now)
    if sort in SORTS or when == "past":
        columns = SORTS.get(sort, SORTS["start"])
        down = (when == "past" and sort in (None, "start")) if descending is None else descending
        query = query.order_by(None).order_by(*[c.desc() if down else c.asc() for c in columns],
                                              Exercise.start_at.desc() if down else Exercise.start_at, Exercise.id)
    return paginate(query, page=page, per_page=PER_PAGE)


# --- writes ---------------------------------------------------------------------------------

def require_planner(actor, ex: Exercise, what: str) -> None:
    """Forbidden unless the actor plans for the lead nation; `what` names the refusal (PLANNER_ONLY)."""
    if not access.is_planner(actor, ex):
        raise Forbidden(str(PLANNER_ONLY[what]) % {"nation": ex.lead_nation_code})


def delete_recorded(actor, ex: Exercise, obj, action: str, before: dict) -> None:
    """Delete a part of the exercise (an objective, an assignment), recording what it was."""
    record_event(actor, action, obj, exercise=ex.code, before=before)
    db.session.delete(obj)
    db.session.flush()


def _snapshot(ex: Exercise) -> dict:
    data = {f: getattr(ex, f) for f in EXERCISE_FIELDS}
    data["start_at"] = ex.start_at.isoformat() if ex.start_at else None
    data["end_at"] = ex.end_at.isoformat() if ex.end_at else None
    data["nations"] = sorted(ex.nation_codes)
    data["units"] = sorted(u.unit_id for u in ex.units)
    return data


def _apply_membership(ex: Exercise, nations: list[str], unit_ids: list[int]) -> None:
    _keep_only(ex.nations, "nation_code", nations, lambda code: ExerciseNation(nation_code=code))
    _keep_only(ex.units, "unit_id", unit_ids, lambda unit_id: ExerciseUnit(unit_id=unit_id))


def _keep_only(rows: list, key: str, wanted: list, make) -> None:
    """Leave one row per wanted key in a collection: rows no longer wanted go, missing ones are made."""
    current = {getattr(row, key): row for row in rows}
    for value, row in current.items():
        if value not in wanted:
            rows.remove(row)
    for value in wanted:
        if value not in current:
            rows.append(make(value))


def check_version(row, expected_version, conflict: str | None = None) -> None:
    """A Conflict (saying `conflict`, by default that the exercise changed) when the row changed since the form
    showing `expected_version` was opened. Blank: a caller without a form, checked by the UPDATE alone."""
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise Invalid(_("The form is out of date. Reload the page and try again."))
    if row.version != expected:
        raise Conflict(conflict or _("Someone else changed this exercise since you opened it. Reload it and apply "
                                     "your change again."))


def create_exercise(actor, values: dict) -> Exercise:
    lead = (values.get("lead_nation_code") or "").strip().upper()
    if lead and not access.can_plan_for_nation(actor, lead):
        raise Forbidden(_("Only a training officer of %(nation)s (the lead nation) or of the mission may plan this "
                          "exercise.", nation=lead),
                        errors=[("lead_nation_code", _("You do not plan for this nation."))])
    clean = clean_exercise_values(values, existing=None)
    ex = Exercise(**clean.columns, status=ExerciseStatus.DRAFT.value, created_by_id=getattr(actor, "id", None))
    _apply_membership(ex, clean.nation_codes, clean.unit_ids)
    db.session.add(ex)
    db.session.flush()
    record_event(actor, "exercise.create", ex, after=_snapshot(ex))
    db.session.flush()
    return ex


def _nations_with_participants(ex: Exercise) -> set[str]:
    return set(db.session.scalars(select(Participant.nation_code).where(
        Participant.exercise_id == ex.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES)).distinct()))


def _check_injects_fit(ex: Exercise, start_at: dt.datetime, end_at: dt.datetime) -> None:
    """New dates keep every inject of the MSEL within the exercise, as each inject's own form requires."""
    errors = []
    for field, outside in (("start_local", Inject.planned_at < start_at), ("end_local", Inject.planned_at > end_at)):
        numbers = list(db.session.scalars(select(Inject.number).where(Inject.exercise_id == ex.id, outside)
                                          .order_by(Inject.number)))
        if numbers:
            errors.append((field, ngettext(
                "Inject %(numbers)s of the MSEL would fall outside the exercise: move it first.",
                "Injects %(numbers)s of the MSEL would fall outside the exercise: move them first.", len(numbers),
                numbers=", ".join(map(str, numbers)))))
    if errors:
        raise Invalid(_("The exercise could not be saved."), errors=errors)


def update_exercise(actor, ex: Exercise, values: dict, *, expected_version=None) -> Exercise:
    if not access.is_planner(actor, ex):
        raise Forbidden(_("Only a training officer of the lead nation may change this exercise."))
    if ex.status_enum not in EDITABLE_STATUSES:
        raise Invalid(_("An exercise that is %(status)s can no longer be changed.", status=ex.status_enum.label))
    check_version(ex, expected_version, str(EDITED_MEANWHILE))
    new_lead = (values.get("lead_nation_code") or "").strip().upper()
    if new_lead and new_lead != ex.lead_nation_code and not access.can_plan_for_nation(actor, new_lead):
        raise Forbidden(_("You may not hand the lead to %(nation)s.", nation=new_lead),
                        errors=[("lead_nation_code", _("Not yours to give."))])
    clean = clean_exercise_values(values, existing=ex)
    dropped = sorted(_nations_with_participants(ex) - set(clean.nation_codes))
    if dropped:
        raise Invalid(_("The exercise could not be saved."), errors=[(
            "nation_codes", _("%(nations)s still have nominated or confirmed participants; withdraw them first.",
                              nations=", ".join(dropped)))])
    if (clean.columns["start_at"], clean.columns["end_at"]) != (ex.start_at, ex.end_at):
        _check_injects_fit(ex, clean.columns["start_at"], clean.columns["end_at"])
    before = _snapshot(ex)
    for key, value in clean.columns.items():
        setattr(ex, key, value)
    _apply_membership(ex, clean.nation_codes, clean.unit_ids)
    flush_versioned(str(EDITED_MEANWHILE))
    after = _snapshot(ex)
    changed = {k for k in after if before.get(k) != after.get(k)}
    if changed:
        record_event(actor, "exercise.update", ex, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    db.session.flush()
    return ex
