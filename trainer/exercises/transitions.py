"""Moving an exercise through its statuses: which moves the actor is offered, what a move would meet
(shown before it is made), and making one."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _, ngettext

from trainer.audit.services import record_event
from trainer.errors import Forbidden, Invalid
from trainer.exercises import access, workflow
from trainer.exercises.conflicts import ConflictReport, blocking_conflicts_count, exercise_conflicts
from trainer.exercises.models import Exercise, ExerciseStatus
from trainer.exercises.services import CONCURRENT_CHANGE, check_version
from trainer.extensions import db
from trainer.transactions import flush_versioned


def list_transitions(actor, ex: Exercise) -> list[workflow.Transition]:
    """The moves the actor may make from the exercise's status (the buttons of its page)."""
    return workflow.available(ex.status, access.actor_kinds(actor, ex))


def approval_obstacles(ex: Exercise) -> list[str]:
    """What refuses approval, in words: no objective, or participants confirmed in two exercises at once."""
    obstacles = []
    if not ex.objectives:
        obstacles.append(_("An exercise needs at least one objective before it can be approved."))
    blocking = blocking_conflicts_count(ex)
    if blocking:
        obstacles.append(ngettext(
            "%(num)d confirmed participant is also confirmed in an overlapping exercise. Resolve the double "
            "booking (see Conflicts) before approval.",
            "%(num)d confirmed participants are also confirmed in an overlapping exercise. Resolve the double "
            "bookings (see Conflicts) before approval.", blocking))
    return obstacles


@dataclass
class StatusChange:
    """A move as its confirmation page shows it: who may make it, what would refuse it and, before an
    approval, the exercise's open conflicts (which do not refuse it: the approver decides knowingly)."""
    transition: workflow.Transition | None
    refusal: str | None
    obstacles: list[str]
    report: ConflictReport | None


def get_status_change(actor, ex: Exercise, target: str) -> StatusChange:
    refusal = workflow.refusal(ex.status, target, access.actor_kinds(actor, ex))
    transition = workflow.find(ex.status, target)
    approving = target == ExerciseStatus.APPROVED.value
    return StatusChange(transition=transition, refusal=refusal,
                        obstacles=approval_obstacles(ex) if approving and transition else [],
                        report=exercise_conflicts(actor, ex) if approving and transition else None)


def transition_exercise(actor, ex: Exercise, target: str, *, expected_version=None) -> Exercise:
    reason = workflow.refusal(ex.status, target, access.actor_kinds(actor, ex))
    if reason:
        raise Forbidden(reason) if workflow.find(ex.status, target) else Invalid(reason)
    check_version(ex, expected_version)
    if target == ExerciseStatus.APPROVED.value:
        obstacles = approval_obstacles(ex)
        if obstacles:
            raise Invalid(" ".join(obstacles))
    before = ex.status
    ex.status = target
    flush_versioned(str(CONCURRENT_CHANGE))
    record_event(actor, "exercise.status", ex, before={"status": before}, after={"status": target})
    db.session.flush()
    return ex
