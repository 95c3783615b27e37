"""Moving an exercise through its statuses: which moves the actor is offered, and making one."""
from __future__ import annotations

from trainer.audit.services import record_event
from trainer.errors import Forbidden, Invalid
from trainer.exercises import access, workflow
from trainer.exercises.conflicts import blocking_conflicts_count
from trainer.exercises.models import Exercise, ExerciseStatus
from trainer.exercises.services import CONCURRENT_CHANGE, check_version
from trainer.extensions import db
from trainer.transactions import flush_versioned


def list_transitions(actor, ex: Exercise) -> list[workflow.Transition]:
    """The moves the actor may make from the exercise's status (the buttons of its page)."""
    return workflow.available(ex.status, access.actor_kinds(actor, ex))


def _check_ready_for_approval(ex: Exercise) -> None:
    if not ex.objectives:
        raise Invalid("An exercise needs at least one objective before it can be approved.")
    blocking = blocking_conflicts_count(ex)
    if blocking:
        raise Invalid(f"{blocking} confirmed participant(s) are also confirmed in an overlapping exercise. "
                      "Resolve the double bookings (see Conflicts) before approval.")


def transition_exercise(actor, ex: Exercise, target: str, *, expected_version=None) -> Exercise:
    reason = workflow.refusal(ex.status, target, access.actor_kinds(actor, ex))
    if reason:
        raise Forbidden(reason) if workflow.find(ex.status, target) else Invalid(reason)
    check_version(ex, expected_version)
    if target == ExerciseStatus.APPROVED.value:
        _check_ready_for_approval(ex)
    before = ex.status
    ex.status = target
    flush_versioned(CONCURRENT_CHANGE)
    record_event(actor, "exercise.status", ex, before={"status": before}, after={"status": target})
    db.session.flush()
    return ex
