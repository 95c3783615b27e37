"""The improvement plan: findings and their corrective actions, owned by a nation or unit taking part in the
exercise, tracked across exercises until a later exercise validates them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import or_, select, true

from trainer import typed_values
from trainer.assessments.access import (
    Capacity, all_audiences, capacity_for, get_objective, report_readable, require_report_editor,
)
from trainer.assessments.models import Adjudication, ImprovementItem, ImprovementStatus
from trainer.assessments.records import current
from trainer.assessments.rules import check_version, row_id
from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.enums import CREDITING_RATINGS
from trainer.errors import Conflict, Invalid, NotFound
from trainer.exercises.models import Exercise, Objective
from trainer.extensions import db
from trainer.org.models import Nation, Unit
from trainer.pagination import paginate
from trainer.transactions import flush_versioned

PER_PAGE = 50
# What an objective field holds when the item names no objective.
NO_OBJECTIVE = (None, "", "0", 0)
EDITORS_ONLY = _l("Only the lead evaluator, the exercise director or a training officer may change the improvement "
                  "plan.")
ITEM_TEXTS = {
    "finding": (_l("The finding is required."), _l("The finding is too long.")),
    "corrective_action": (_l("The corrective action is required."), _l("The corrective action is too long.")),
}


# --- reading and checking an item's fields -------------------------------------------------------

def _objective_id(exercise: Exercise, value) -> int | None:
    """The id of the objective a field names (None for no objective); NotFound when it names no objective
    of this exercise."""
    return None if value in NO_OBJECTIVE else get_objective(exercise, value).id


def _clean_objective(exercise: Exercise, value, errors: list) -> int | None:
    try:
        return _objective_id(exercise, value)
    except NotFound:
        errors.append(("objective_id", _("Choose an objective of this exercise.")))
        return None


def _clean_owner(exercise: Exercise, value, item: ImprovementItem | None, errors: list) -> tuple[str | None, int | None]:
    """(nation code, unit id) of the owner: only a nation or unit taking part in this exercise (or the
    item's current owner) may own the corrective action."""
    owner = (value or "").strip()
    allowed = {key for key, _label in owner_choices(exercise)}
    if item is not None:
        allowed.add(f"u{item.owner_unit_id}" if item.owner_unit_id else f"n{item.owner_nation_code}")
    if owner in allowed and owner.startswith("u") and owner[1:].isdigit():
        unit = db.session.get(Unit, int(owner[1:]))
        return unit.nation_code, unit.id
    if owner in allowed and owner.startswith("n") and db.session.get(Nation, owner[1:]) is not None:
        return owner[1:], None
    errors.append(("owner", _("Choose the nation or unit that owns the corrective action.")))
    return None, None


def _clean_due(value, errors: list) -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        errors.append(("due_on", _("Give a due date.")))
        return None
    if not typed_values.date_in_range(value):
        errors.append(("due_on", typed_values.out_of_range_message()))
        return None
    return value


def _clean_validation(actor, exercise: Exercise, objective_id: int | None, value, errors: list,
                      kept: int | None = None) -> int | None:
    """The adjudication a validated item points to: one the actor may choose, or the one the item already
    points to (chosen by someone who reads that later exercise, and kept as it is)."""
    chosen = row_id(value)
    if chosen is not None and chosen == kept:
        return chosen
    candidates = {a.id for a in validation_candidates(actor, exercise, objective_id)}
    if chosen not in candidates:
        errors.append(("validated_by_adjudication_id",
                       _("A validated item must point to a later exercise in which the objective's capability "
                         "or module was rated P or S.")))
    return chosen


def _clean_item(actor, exercise: Exercise, data: dict, item: ImprovementItem | None) -> dict:
    errors = []
    out = {}
    for name, (missing, too_long) in ITEM_TEXTS.items():
        value = (data.get(name) or "").strip()
        if not value:
            errors.append((name, str(missing)))
        elif len(value) > 5000:
            errors.append((name, str(too_long)))
        out[name] = value
    out["point_of_contact"] = (data.get("point_of_contact") or "").strip()[:200]
    for name, multiline in (("finding", True), ("corrective_action", True), ("point_of_contact", False)):
        kept = item is not None and out[name] == getattr(item, name)  # one held before the rule may stay
        if not kept and typed_values.has_control_character(out[name], multiline=multiline):
            errors.append((name, typed_values.control_character_message(multiline=multiline)))
    out["objective_id"] = _clean_objective(exercise, data.get("objective_id"), errors)
    out["owner_nation_code"], out["owner_unit_id"] = _clean_owner(exercise, data.get("owner"), item, errors)
    out["due_on"] = _clean_due(data.get("due_on"), errors)
    try:
        status = ImprovementStatus(data.get("status") or ImprovementStatus.OPEN.value)
    except ValueError:
        errors.append(("status", _("Choose a status.")))
        status = ImprovementStatus.OPEN
    out["status"] = status.value
    out["validated_by_adjudication_id"] = None
    if status is ImprovementStatus.VALIDATED:
        out["validated_by_adjudication_id"] = _clean_validation(
            actor, exercise, out["objective_id"], data.get("validated_by_adjudication_id"), errors,
            kept=item.validated_by_adjudication_id if item is not None else None)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    return out


def validation_candidates(actor, exercise: Exercise, objective_id) -> list[Adjudication]:
    """Current P or S adjudications, in exercises that started after this one ended and whose results the actor
    reads (any, for the system: actor None), of an objective with the same capability or module as the item's
    objective."""
    objective_id = row_id(objective_id)
    objective = db.session.get(Objective, objective_id) if objective_id is not None else None
    if objective is None:
        return []
    matches = []
    if objective.capability:
        matches.append(Objective.capability == objective.capability)
    if objective.module_code:
        matches.append(Objective.module_code == objective.module_code)
    if not matches:
        return []
    return db.session.execute(
        current(Adjudication).join(Objective, Objective.id == Adjudication.objective_id)
        .join(Exercise, Exercise.id == Adjudication.exercise_id)
        .where(or_(*matches), Exercise.start_at > exercise.end_at,
               Adjudication.rating.in_([r.value for r in CREDITING_RATINGS]),
               true() if actor is None else report_readable(actor))
        .order_by(Exercise.start_at, Adjudication.id).limit(200)).scalars().all()


def owner_choices(exercise: Exercise) -> list[tuple[str, str]]:
    choices = [(f"n{code}", _("Nation %(code)s", code=code)) for code in (exercise.nation_codes or [exercise.lead_nation_code])]
    choices += [(a.key, a.label) for a in all_audiences(exercise) if a.unit_id]
    return choices


# --- writing ------------------------------------------------------------------------------------

def _planner_cap(actor, exercise_id) -> Capacity:
    """The capacity of someone who adds to the exercise's improvement plan; the plan's form does not exist
    for anyone else."""
    cap = capacity_for(actor, exercise_id)
    require_report_editor(cap, str(EDITORS_ONLY))
    return cap


def create_improvement_item(actor, exercise_id, data: dict) -> ImprovementItem:
    cap = _planner_cap(actor, exercise_id)
    if cap.exercise.status not in ("endex", "aar_draft", "aar_published", "closed"):
        raise Conflict(_("Improvement items are added after ENDEX."))
    values = _clean_item(actor, cap.exercise, data, None)
    item = ImprovementItem(exercise_id=cap.exercise.id, created_by_id=actor.id, **values)
    db.session.add(item)
    db.session.flush()
    record_event(actor, "assessment.improvement.create", item, exercise=cap.exercise.code, after=_item_state(item))
    return item


def get_improvement_item(actor, item_id) -> tuple[Capacity, ImprovementItem]:
    item_id = row_id(item_id)
    item = db.session.get(ImprovementItem, item_id) if item_id is not None else None
    if item is None:
        raise NotFound()
    cap = capacity_for(actor, item.exercise_id)
    if not cap.can_see_report:
        raise NotFound()
    return cap, item


def update_improvement_item(actor, item_id, data: dict, *, version) -> ImprovementItem:
    cap, item = get_improvement_item(actor, item_id)
    require_report_editor(cap, str(EDITORS_ONLY))
    version = check_version(version)
    values = _clean_item(actor, cap.exercise, data, item)
    conflict = _("Someone else changed this improvement item while you were editing it. Nothing of yours was lost: "
                 "your entries are still in the form. Compare with the current item and save again.")
    if item.version != version:
        raise Conflict(conflict)
    before = _item_state(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_at = utcnow()
    flush_versioned(conflict)  # the version the form read, checked again by the UPDATE itself
    record_event(actor, "assessment.improvement.update", item, before=before, after=_item_state(item))
    return item


def _item_state(item: ImprovementItem) -> dict:
    return {"finding": item.finding, "corrective_action": item.corrective_action, "objective_id": item.objective_id,
            "owner_nation": item.owner_nation_code, "owner_unit_id": item.owner_unit_id,
            "point_of_contact": item.point_of_contact, "due_on": item.due_on.isoformat() if item.due_on else None,
            "status": item.status, "validated_by": item.validated_by_adjudication_id}


# --- the pages ----------------------------------------------------------------------------------

@dataclass
class ItemForm:
    """What the form of a new or existing improvement item offers."""
    cap: Capacity
    item: ImprovementItem | None
    owners: list[tuple[str, str]]
    objectives: list[Objective]
    candidates: list[Adjudication]
    statuses: list[ImprovementStatus] = field(default_factory=lambda: list(ImprovementStatus))
    # the item's validation when it is not among the candidates (in an exercise the reader does not reach)
    kept_validation: int | None = None


def _item_form(actor, cap: Capacity, item: ImprovementItem | None, objective_id: int | None) -> ItemForm:
    candidates = validation_candidates(actor, cap.exercise, objective_id) if objective_id else []
    kept = item.validated_by_adjudication_id if item is not None else None
    return ItemForm(cap=cap, item=item, owners=owner_choices(cap.exercise), objectives=list(cap.exercise.objectives),
                    candidates=candidates, kept_validation=kept if kept not in {a.id for a in candidates} else None)


def _typed_objective(exercise: Exercise, value) -> int | None:
    """The objective a refused form held, if it is one of the exercise's (otherwise the form already shows
    that field's error)."""
    try:
        return _objective_id(exercise, value)
    except NotFound:
        return None


def get_new_item_form(actor, exercise_id, *, objective_id=None, typed_objective_id=None) -> ItemForm:
    """The form for a new item. `objective_id` comes from a link on the report and must name an objective
    of the exercise (NotFound otherwise); `typed_objective_id` is what a refused form held."""
    cap = _planner_cap(actor, exercise_id)
    if typed_objective_id is not None:
        return _item_form(actor, cap, None, _typed_objective(cap.exercise, typed_objective_id))
    return _item_form(actor, cap, None, _objective_id(cap.exercise, objective_id))


def get_item_form(actor, item_id, *, typed_objective_id=None) -> ItemForm:
    """The form of an existing item, for anyone who sees the report (only its editors may save it); a
    refused form that held no objective shows the candidates of the item's saved one."""
    cap, item = get_improvement_item(actor, item_id)
    if typed_objective_id in NO_OBJECTIVE:
        return _item_form(actor, cap, item, item.objective_id)
    return _item_form(actor, cap, item, _typed_objective(cap.exercise, typed_objective_id))


def page_of_improvement_items(actor, *, status: str | None = None, overdue_only: bool = False, page: int = 1):
    """One page of the improvement items of every exercise the actor manages, across exercises."""
    reach = scoping.scope_condition(actor, "exercise", "assessment.manage")
    query = (select(ImprovementItem).join(Exercise, Exercise.id == ImprovementItem.exercise_id).where(reach)
             .order_by(ImprovementItem.due_on, ImprovementItem.id))
    if status in {s.value for s in ImprovementStatus}:
        query = query.where(ImprovementItem.status == status)
    if overdue_only:
        query = query.where(ImprovementItem.status.in_([ImprovementStatus.OPEN.value, ImprovementStatus.IN_PROGRESS.value]),
                            ImprovementItem.due_on < utcnow().date())
    return paginate(query, page=page, per_page=PER_PAGE)
