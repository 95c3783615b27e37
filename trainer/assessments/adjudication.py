"""Adjudication: the lead evaluator or the exercise director picks the final rating of an objective for
each player or unit (never an average), and the exercise credits are derived from those decisions."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import delete, insert, select

from trainer.assessments.access import CONFIRMED, capacity_for, get_objective, require_adjudicator, resolve_audience
from trainer.assessments.models import Adjudication
from trainer.assessments.records import CLOSED_MESSAGE, current, insert_once
from trainer.assessments.rules import check_key, check_rating, check_text, collect, row_id
from trainer.audit.services import record_event
from trainer.auth.policy import parts_with
from trainer.db import utcnow
from trainer.enums import CREDITING_RATINGS, Rating
from trainer.errors import Conflict, Invalid
from trainer.exercises.models import Objective, Participant
from trainer.extensions import db

DAMAGED = _l("The form is damaged. Reload the page and try again.")


def _expected_head(supersedes_id, objective: Objective, audience_key: str) -> int | None:
    """The adjudication the form showed as current (None for a first one). An id that is no adjudication of
    this objective and audience did not come from the form."""
    if supersedes_id in (None, ""):
        return None
    expected = row_id(supersedes_id)
    shown = db.session.get(Adjudication, expected) if expected is not None else None
    if shown is None or shown.objective_id != objective.id or shown.audience != audience_key:
        raise Invalid(str(DAMAGED))
    return expected


def adjudicate(actor, exercise_id, objective_id, *, target, rating, rationale, supersedes_id, reason,
               submission_key) -> Adjudication:
    """The final rating of an objective for one player or unit, picked by the lead evaluator or the
    exercise director with a rationale. `supersedes_id` is the adjudication the adjudicator saw as
    current (empty for the first): if another landed meanwhile, this one is refused as a conflict."""
    cap = capacity_for(actor, exercise_id)
    require_adjudicator(cap)
    objective = get_objective(cap.exercise, objective_id)
    key = check_key(submission_key)
    previous = db.session.execute(select(Adjudication).where(Adjudication.submission_key == key)).scalar_one_or_none()
    if previous is not None:
        return previous
    if not cap.recording_open:
        raise Conflict(str(CLOSED_MESSAGE))
    audience = resolve_audience(cap, objective, target)
    errors = collect(lambda: check_rating(rating, required=True),
                     lambda: check_text(rationale, "rationale", "rationale", required=True))
    value = None if any(f == "rating" for f, _message in errors) else check_rating(rating, required=True)
    expected = _expected_head(supersedes_id, objective, audience.key)
    if expected is not None:
        errors += collect(lambda: check_text(reason, "reason", "adjudication_reason", required=True))
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    heads = db.session.execute(current(Adjudication).where(
        Adjudication.objective_id == objective.id, Adjudication.audience == audience.key)).scalars().all()
    head = heads[-1] if heads else None
    if (head.id if head else None) != expected:
        who = head.adjudicated_by.display_name if head is not None and head.adjudicated_by else _("Someone")
        raise Conflict(_("%(who)s adjudicated this rating at the same moment and that decision landed first "
                         "(%(rating)s). Nothing of yours was saved or lost: your rationale is still in the form. Review "
                         "the current decision and submit again if still needed.", who=who,
                         rating=head.rating if head else _("none")))
    row = Adjudication(
        exercise_id=cap.exercise.id, objective_id=objective.id, audience=audience.key,
        target_participant_id=audience.participant_id, target_unit_id=audience.unit_id, rating=value.value,
        rationale=rationale.strip(), supersedes_id=expected, amendment_reason=(reason or "").strip() or None,
        submission_key=key, adjudicated_by_id=actor.id, adjudicated_at=utcnow())
    row, created = insert_once(row, key, Adjudication)
    if created:
        record_event(actor, "assessment.adjudicate", row, exercise=cap.exercise.code, objective=objective.number,
                     audience=audience.key, supersedes=expected,
                     before={"rating": head.rating} if head else None,
                     after={"rating": row.rating, "rationale": row.rationale})
        rebuild_credits(cap.exercise, objective.id)
    return row


def rebuild_credits(exercise, objective_id: int, *, refresh: bool = True) -> set[int]:
    """Derive the exercise credits of one objective from its current adjudications.

    Adjudications stay append-only; credits are derived rows, replaced here. A P or S for a player
    credits that player; for a unit, each confirmed player of that unit in the exercise."""
    from trainer.readiness.models import ExerciseCredit

    before = set(db.session.execute(select(ExerciseCredit.person_id).where(
        ExerciseCredit.exercise_id == exercise.id, ExerciseCredit.objective_id == objective_id)).scalars())
    db.session.execute(delete(ExerciseCredit).where(ExerciseCredit.exercise_id == exercise.id,
                                                    ExerciseCredit.objective_id == objective_id))
    heads = db.session.execute(current(Adjudication).where(
        Adjudication.objective_id == objective_id,
        Adjudication.rating.in_([r.value for r in CREDITING_RATINGS]))).scalars().all()
    players = db.session.execute(select(Participant).where(
        Participant.exercise_id == exercise.id, Participant.role.in_(parts_with("exercise.play")),
        Participant.status == CONFIRMED)).scalars().all()
    best: dict[int, Adjudication] = {}
    for adj in heads:
        if adj.target_participant_id:
            people = [p.person_id for p in players if p.id == adj.target_participant_id]
        else:
            people = [p.person_id for p in players if p.unit_id == adj.target_unit_id]
        for person_id in people:
            if person_id not in best or Rating(adj.rating).rank < Rating(best[person_id].rating).rank:
                best[person_id] = adj
    ended_on = exercise.end_at.astimezone(dt.timezone.utc).date()
    rows = [dict(person_id=pid, exercise_id=exercise.id, objective_id=objective_id, exercise_code=exercise.code,
                 exercise_title=exercise.title, exercise_type=exercise.type, rating=adj.rating, ended_on=ended_on,
                 adjudication_id=adj.id, created_at=utcnow()) for pid, adj in best.items()]
    if rows:
        db.session.execute(insert(ExerciseCredit), rows)
    db.session.flush()
    changed = before | set(best)
    if refresh:
        refresh_readiness(changed)
    return changed


def refresh_readiness(person_ids) -> None:
    if not person_ids:
        return
    try:
        from trainer.readiness import intervals
    except ImportError:
        return
    if hasattr(intervals, "refresh_people"):
        intervals.refresh_people(sorted(person_ids))
