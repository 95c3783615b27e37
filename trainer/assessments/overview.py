"""What the assessments start page lists for the actor: the exercises they evaluate, the published results
of the exercises they played in, and the reports of the exercises they manage."""
from __future__ import annotations

from sqlalchemy import select

from trainer.assessments.access import CONFIRMED, PUBLISHED_STATUSES, RECORDING_STATUSES, evaluation_parts
from trainer.auth import scoping
from trainer.auth.policy import has_ability, parts_with
from trainer.exercises.models import Exercise, Participant
from trainer.extensions import db

REPORTS_LISTED = 100


def list_my_evaluations(actor) -> list[tuple[Participant, Exercise]]:
    """The actor's confirmed evaluating parts, with their exercises (not drafts or cancelled ones), latest
    first. The part itself is the reach (as on the evaluation screens), whatever the account's grants."""
    if not getattr(actor, "person_id", None):
        return []
    return db.session.execute(
        select(Participant, Exercise).join(Exercise, Exercise.id == Participant.exercise_id).where(
            Participant.person_id == actor.person_id, Participant.status == CONFIRMED,
            Participant.role.in_(evaluation_parts()), Exercise.status.notin_(("draft", "cancelled")))
        .order_by(Exercise.start_at.desc())).all()


def list_my_results(actor) -> list[Exercise]:
    """The exercises the actor played in whose after-action report is published and that they reach."""
    if not getattr(actor, "person_id", None):
        return []
    played = select(Participant.exercise_id).where(
        Participant.person_id == actor.person_id, Participant.status == CONFIRMED,
        Participant.role.in_(parts_with("exercise.play")))
    return db.session.execute(
        select(Exercise).where(Exercise.id.in_(played), Exercise.status.in_(PUBLISHED_STATUSES),
                               scoping.scope_condition(actor, "exercise", "anything"))
        .order_by(Exercise.end_at.desc())).scalars().all()


def list_reports(actor) -> list[Exercise]:
    """The latest exercises with a report (in conduct or later) among those the actor manages."""
    if not has_ability(actor, "assessment.manage"):
        return []
    return db.session.execute(
        select(Exercise).where(scoping.scope_condition(actor, "exercise", "assessment.manage"),
                               Exercise.status.in_(RECORDING_STATUSES + PUBLISHED_STATUSES))
        .order_by(Exercise.end_at.desc()).limit(REPORTS_LISTED)).scalars().all()
