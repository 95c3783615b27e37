"""Evaluator assignments: which evaluator evaluates which objective, for one player, one unit or all."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.audit.services import record_event
from trainer.auth.policy import parts_with
from trainer.errors import Conflict, Invalid, NotFound
from trainer.exercises.ids import id_or_none, id_or_not_found
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, EvaluatorAssignment, Exercise, Objective, Participant,
)
from trainer.exercises.services import delete_recorded, require_planner
from trainer.exercises.statuses import FINISHED
from trainer.extensions import db
from trainer.org.models import Unit

Errors = list[tuple[str, str]]


@dataclass
class AssignmentChoices:
    """What the assignment form offers: (value, label) pairs."""
    evaluators: list[tuple[str, str]]
    objectives: list[tuple[str, str]]
    players: list[tuple[str, str]]
    units: list[tuple[str, str]]


def assignment_choices(ex: Exercise, participants: list[Participant]) -> AssignmentChoices:
    """The nominated or confirmed evaluators and players among `participants`, the objectives and the
    units committed, for the form that assigns an evaluator."""
    active = [p for p in participants if p.status in ACTIVE_PARTICIPANT_STATUSES]

    def who(p: Participant) -> str:  # the rank too: two people of one nation may share a name
        return f"{p.person.rank_code} {p.person.full_name_latin}"

    return AssignmentChoices(
        evaluators=[(str(p.id), f"{who(p)} ({p.nation_code}, {p.role_enum.label.lower()})")
                    for p in active if p.role in parts_with("exercise.evaluate")],
        objectives=[(str(o.id), f"{o.number}. {o.description[:60]}") for o in ex.objectives],
        players=[(str(p.id), f"{who(p)} ({p.nation_code})")
                 for p in active if p.role in parts_with("exercise.play")],
        units=[(str(u.unit_id), f"{u.unit.code} ({u.unit.nation_code})") for u in ex.units])


def list_assignments(actor, ex: Exercise) -> list[EvaluatorAssignment]:
    """The exercise's evaluator assignments (the actor reached the exercise: everyone there sees them)."""
    return list(db.session.scalars(select(EvaluatorAssignment).join(
        Participant, Participant.id == EvaluatorAssignment.participant_id).where(Participant.exercise_id == ex.id)
        .order_by(EvaluatorAssignment.objective_id, EvaluatorAssignment.id)))


def _evaluator(ex: Exercise, evaluator_id, errors: Errors) -> Participant | None:
    evaluator = db.session.scalar(select(Participant).where(Participant.id == id_or_none(evaluator_id),
                                                            Participant.exercise_id == ex.id))
    if (evaluator is None or evaluator.role not in parts_with("exercise.evaluate")
            or evaluator.status not in ACTIVE_PARTICIPANT_STATUSES):
        errors.append(("evaluator_id", _("Choose a nominated or confirmed evaluator of this exercise.")))
    return evaluator


def _objective(ex: Exercise, objective_id, errors: Errors) -> Objective | None:
    objective = db.session.scalar(select(Objective).where(Objective.id == id_or_none(objective_id),
                                                          Objective.exercise_id == ex.id))
    if objective is None:
        errors.append(("objective_id", _("Choose an objective of this exercise.")))
    return objective


def _target_player(ex: Exercise, participant_id, errors: Errors) -> Participant | None:
    player = db.session.scalar(select(Participant).where(Participant.id == id_or_none(participant_id),
                                                         Participant.exercise_id == ex.id))
    if player is None or player.role not in parts_with("exercise.play"):
        errors.append(("target_participant_id", _("Choose a player of this exercise.")))
    return player


def _target_unit(ex: Exercise, unit_id, errors: Errors) -> Unit | None:
    """A unit committed to the exercise, or the unit of one of its players."""
    unit = db.session.get(Unit, id_or_none(unit_id) or 0)
    allowed = {u.unit_id for u in ex.units} | set(db.session.scalars(select(Participant.unit_id).where(
        Participant.exercise_id == ex.id, Participant.role.in_(parts_with("exercise.play")))))
    if unit is None or unit.id not in allowed:
        errors.append(("target_unit_id", _("Choose a unit taking part in this exercise.")))
    return unit


def _check_not_assigned_yet(evaluator: Participant, objective: Objective, player: Participant | None,
                            unit: Unit | None) -> None:
    duplicate = db.session.scalar(select(func.count()).select_from(EvaluatorAssignment).where(
        EvaluatorAssignment.participant_id == evaluator.id, EvaluatorAssignment.objective_id == objective.id,
        EvaluatorAssignment.target_participant_id.is_(None) if player is None
        else EvaluatorAssignment.target_participant_id == player.id,
        EvaluatorAssignment.target_unit_id.is_(None) if unit is None
        else EvaluatorAssignment.target_unit_id == unit.id))
    if duplicate:
        raise Conflict(_("This evaluator already has exactly this assignment."))


def require_assignments_open(ex: Exercise) -> None:
    """Who evaluated what in a finished exercise is part of its record."""
    if ex.status_enum in FINISHED:
        raise Invalid(_("The evaluators' assignments of an exercise that is %(status)s are its record and no longer "
                        "change.", status=ex.status_enum.label))


def assign_evaluator(actor, ex: Exercise, *, evaluator_id, objective_id, target_participant_id=None,
                     target_unit_id=None) -> EvaluatorAssignment:
    require_planner(actor, ex, "evaluators")
    require_assignments_open(ex)
    errors: Errors = []
    evaluator = _evaluator(ex, evaluator_id, errors)
    objective = _objective(ex, objective_id, errors)
    if target_participant_id and target_unit_id:
        errors.append(("target_unit_id", _("Choose a player or a unit, not both.")))
    player = _target_player(ex, target_participant_id, errors) if target_participant_id else None
    unit = _target_unit(ex, target_unit_id, errors) if target_unit_id else None
    if errors:
        raise Invalid(_("The evaluator could not be assigned."), errors=errors)
    _check_not_assigned_yet(evaluator, objective, player, unit)
    assignment = EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                     target_participant_id=player.id if player else None,
                                     target_unit_id=unit.id if unit else None)
    db.session.add(assignment)
    db.session.flush()
    record_event(actor, "exercise.evaluator.assign", assignment, exercise=ex.code,
                 after={"evaluator": evaluator.person_id, "objective": objective.number,
                        "player": player.person_id if player else None, "unit": unit.id if unit else None})
    db.session.flush()
    return assignment


def remove_assignment(actor, ex: Exercise, assignment_id) -> None:
    require_planner(actor, ex, "evaluators")
    require_assignments_open(ex)
    assignment = db.session.scalar(select(EvaluatorAssignment).join(
        Participant, Participant.id == EvaluatorAssignment.participant_id).where(
        EvaluatorAssignment.id == id_or_not_found(assignment_id), Participant.exercise_id == ex.id))
    if assignment is None:
        raise NotFound()
    delete_recorded(actor, ex, assignment, "exercise.evaluator.unassign",
                    {"evaluator": assignment.participant_id, "objective": assignment.objective_id})
