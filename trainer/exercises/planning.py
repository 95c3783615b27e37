"""Planning an exercise: its objectives and its planning meetings (HSEEP milestones)."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date, gettext as _
from sqlalchemy import func, select

from trainer.audit.services import record_event
from trainer.errors import Invalid, NotFound
from trainer.exercises.ids import id_or_not_found
from trainer.exercises.models import Exercise, ExerciseStatus, Milestone, MilestoneKind, Objective
from trainer.exercises.services import EDITABLE_STATUSES, delete_recorded, require_planner
from trainer.exercises.timeutil import get_zone
from trainer.exercises.validation import check_module_codes
from trainer.extensions import db

HELD_WORDS = ("1", "true", "yes", "on")


def _day(value: dt.date) -> str:
    """A date as the pages write it, in the reader's language: 01 Jun 2030, 01 juin 2030."""
    return format_date(value, "dd MMM y")


# --- objectives -----------------------------------------------------------------------------

def _clean_objective(description: str, capability: str, module_code: str | None) -> tuple[str, str, str | None]:
    errors = []
    description = (description or "").strip()
    if not description or len(description) > 2000:
        errors.append(("description", _("A description of 1 to 2,000 characters is required.")))
    capability = (capability or "").strip()
    if len(capability) > 200:
        errors.append(("capability", _("At most %(num)s characters.", num=200)))
    module_code = (module_code or "").strip().upper() or None
    if module_code:
        check_module_codes([module_code], "module_code", errors)
    if not capability and not module_code:
        errors.append(("capability", _("Name the capability or the module this objective exercises.")))
    if errors:
        raise Invalid(_("The objective could not be saved."), errors=errors)
    return description, capability, module_code


def add_objective(actor, ex: Exercise, *, description: str, capability: str = "", module_code: str | None = None) -> Objective:
    require_planner(actor, ex, "objectives")
    if ex.status_enum not in EDITABLE_STATUSES:
        raise Invalid(_("Objectives cannot change once the exercise is %(status)s.", status=ex.status_enum.label))
    description, capability, module_code = _clean_objective(description, capability, module_code)
    number = (db.session.scalar(select(func.max(Objective.number)).where(Objective.exercise_id == ex.id)) or 0) + 1
    objective = Objective(exercise_id=ex.id, number=number, description=description, capability=capability,
                          module_code=module_code, rating_scale="HSEEP")
    db.session.add(objective)
    db.session.flush()
    record_event(actor, "exercise.objective.add", objective, exercise=ex.code,
                 after={"number": number, "description": description, "capability": capability, "module": module_code})
    db.session.flush()
    return objective


def remove_objective(actor, ex: Exercise, objective_id) -> None:
    require_planner(actor, ex, "objectives")
    if ex.status_enum not in (ExerciseStatus.DRAFT, ExerciseStatus.PLANNING):
        raise Invalid(_("Objectives can be removed only while the exercise is in draft or planning."))
    objective = db.session.scalar(select(Objective).where(Objective.id == id_or_not_found(objective_id),
                                                          Objective.exercise_id == ex.id))
    if objective is None:
        raise NotFound()
    delete_recorded(actor, ex, objective, "exercise.objective.remove",
                    {"number": objective.number, "description": objective.description})


# --- milestones -----------------------------------------------------------------------------

def _local_today(ex: Exercise, now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(get_zone(ex.timezone)).date()


def milestone_state(milestone: Milestone, ex: Exercise, now: dt.datetime | None = None) -> str:
    """held, overdue (its date has passed in the exercise's zone and it is not marked held) or scheduled."""
    if milestone.done:
        return "held"
    return "overdue" if milestone.due_on < _local_today(ex, now) else "scheduled"


def milestone_dates(ex: Exercise) -> dict[str, dt.date]:
    """The date of each scheduled planning meeting, by kind."""
    return {m.kind: m.due_on for m in ex.milestones}


def _check_order(ex: Exercise, dates: dict[str, dt.date | None]) -> None:
    """The meetings come in HSEEP order, all before the exercise starts (in its local calendar)."""
    errors = []
    start_local = ex.start_at.astimezone(get_zone(ex.timezone)).date()
    previous: tuple[MilestoneKind, dt.date] | None = None
    for kind in MilestoneKind:
        when = dates.get(kind.value)
        if when is None:
            continue
        if previous and when < previous[1]:
            errors.append((kind.value, _("%(meeting)s must not come before the %(earlier)s (%(date)s).",
                                         meeting=kind.label, earlier=_mid_sentence(previous[0].label),
                                         date=_day(previous[1]))))
        if when > start_local:
            errors.append((kind.value, _("%(meeting)s must be held before the exercise starts (%(date)s).",
                                         meeting=kind.label, date=_day(start_local))))
        previous = (kind, when)
    if errors:
        raise Invalid(_("The planning milestones are not in order."), errors=errors)


def _mid_sentence(label) -> str:
    """A meeting's name inside a sentence: its first letter in lower case, its abbreviation kept (IPM, not ipm)."""
    text = str(label)
    return text[:1].lower() + text[1:]


def set_milestones(actor, ex: Exercise, dates: dict[str, dt.date | None]) -> list[Milestone]:
    """Set the planning meetings' dates; they must come in HSEEP order and before the exercise starts."""
    require_planner(actor, ex, "milestones")
    if ex.status_enum not in EDITABLE_STATUSES:  # the meetings of a conducted exercise are its history
        raise Invalid(_("Planning milestones cannot change once the exercise is %(status)s.",
                        status=ex.status_enum.label))
    _check_order(ex, dates)
    existing = {m.kind: m for m in ex.milestones}
    before = {k: m.due_on.isoformat() for k, m in existing.items()}
    for kind in MilestoneKind:
        when = dates.get(kind.value)
        row = existing.get(kind.value)
        if when is None and row is not None:
            ex.milestones.remove(row)
        elif when is not None and row is None:
            ex.milestones.append(Milestone(kind=kind.value, due_on=when))
        elif when is not None:
            row.due_on = when
    db.session.flush()
    after = {m.kind: m.due_on.isoformat() for m in ex.milestones}
    if before != after:
        record_event(actor, "exercise.milestones", ex, before=before, after=after)
    db.session.flush()
    return sorted(ex.milestones, key=lambda m: m.kind_enum.position)


def mark_milestone(actor, ex: Exercise, kind, done) -> Milestone:
    """Record that a planning meeting was held (or was not, after all)."""
    require_planner(actor, ex, "meetings_held")
    try:
        kind_enum = MilestoneKind(kind)
    except ValueError:
        raise Invalid(_("Choose one of the planning milestones."), errors=[("kind", _("Unknown planning milestone."))])
    row = next((m for m in ex.milestones if m.kind == kind_enum.value), None)
    if row is None:
        raise Invalid(_("%(meeting)s has no date yet: schedule it before marking it held.", meeting=kind_enum.label))
    done = str(done).lower() in HELD_WORDS
    if done and row.due_on > _local_today(ex):
        raise Invalid(_("%(meeting)s is scheduled for %(date)s: it cannot have been held yet. If it was held earlier, "
                        "change its date first.", meeting=kind_enum.label, date=_day(row.due_on)))
    if row.done == done:
        return row
    before = {"kind": row.kind, "done": row.done}
    row.done = done
    db.session.flush()
    record_event(actor, "exercise.milestone_held" if done else "exercise.milestone_reopened", ex,
                 before=before, after={"kind": row.kind, "done": done})
    db.session.flush()
    return row
