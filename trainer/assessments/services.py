"""Recording observations and ratings, amending them, and adjudicating final ratings (all append-only)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.auth.policy import parts_with
from trainer.assessments.access import (
    CONFIRMED, Capacity, NotStaff, assigned_objectives, audiences_for, capacity_for, get_objective, raise_invalid,
    require_adjudicator, require_evaluator, resolve_audience,
)
from trainer.assessments.models import Adjudication, Observation, ObservationKind, RatingRecord
from trainer.audit.services import record_event
from trainer.db import utcnow
from trainer.enums import CREDITING_RATINGS, Rating
from trainer.errors import Conflict, Invalid, NotFound
from trainer.exercises.models import Participant, ParticipantRole
from trainer.extensions import db

SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9-]{8,60}$")
MAX_TEXT = 10000


# --- input checks -------------------------------------------------------------------------------

def _check_key(key: str | None) -> str:
    if not key or not SUBMISSION_KEY.match(key):
        raise Invalid("The form is missing its submission key. Reload the page and submit again.")
    return key


def _text(value: str | None, field_name: str, label: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise_invalid(field_name, f"{label} is required.")
    if len(value) > MAX_TEXT:
        raise_invalid(field_name, f"{label} is too long (at most {MAX_TEXT} characters).")
    return value


def _rating(value: str | None, *, required: bool) -> Rating | None:
    if not value:
        if required:
            raise_invalid("rating", "Choose a rating: P, S, M or U.")
        return None
    try:
        return Rating(value)
    except ValueError:
        raise_invalid("rating", "A rating is P, S, M or U.")


def _observed_at(value, exercise) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise_invalid("observed_at", "Give the date and time of the observation.")
    if value.tzinfo is None:
        raise_invalid("observed_at", "The time of the observation has no time zone.")
    if value > utcnow() + dt.timedelta(minutes=10):
        raise_invalid("observed_at", "The observation cannot be in the future.")
    if value < exercise.start_at - dt.timedelta(days=1):
        raise_invalid("observed_at", "The observation is before the exercise started.")
    return value


def _kind(value) -> ObservationKind:
    try:
        return ObservationKind(value)
    except ValueError:
        raise_invalid("kind", "Choose strength or area for improvement.")


def _insert_once(row, key: str, model):
    """Insert `row` in a savepoint. Returns (row, True) when inserted, (existing, False) when a row
    with the same submission key already landed (a retried POST), and raises Conflict when a unique
    link (supersedes, first adjudication) was taken by someone else."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
        return row, True
    except IntegrityError:
        existing = db.session.execute(select(model).where(model.submission_key == key)).scalar_one_or_none()
        if existing is not None:
            return existing, False
        raise Conflict(_CONFLICT_MESSAGE)


_CONFLICT_MESSAGE = ("Someone amended this record at the same moment and their change landed first. "
                     "Nothing of yours was saved or lost: your text is still in the form. Review the current "
                     "version and submit again if your change is still needed.")


def _existing(model, key: str, actor):
    row = db.session.execute(select(model).where(model.submission_key == key)).scalar_one_or_none()
    if row is not None and row.recorded_by_id not in (None, actor.id):
        raise Invalid("This submission key was used by another account. Reload the page and submit again.")
    return row


# --- recording ----------------------------------------------------------------------------------

@dataclass
class Recorded:
    observation: Observation
    rating: RatingRecord | None
    created: bool


def record_observation(actor, exercise_id, objective_id, *, target: str | None, observed_at, kind: str | None,
                       narrative: str | None, rating: str | None, submission_key: str | None) -> Recorded:
    """An evaluator's observation of one player or unit, with an optional P/S/M/U rating."""
    cap = capacity_for(actor, exercise_id)
    me = require_evaluator(cap)
    objective = get_objective(cap.exercise, objective_id)
    if objective.id not in {o.id for o in assigned_objectives(cap)}:
        raise NotFound()
    key = _check_key(submission_key)
    previous = _existing(Observation, key, actor)
    if previous is not None:
        return Recorded(previous, _rating_of(previous), False)
    if not cap.recording_open:
        raise Conflict("Observations can be recorded only while the exercise is in conduct, after ENDEX or "
                       "while the after-action report is a draft.")
    audience = resolve_audience(cap, objective, target)
    errors = []
    for check in (lambda: _observed_at(observed_at, cap.exercise), lambda: _kind(kind),
                  lambda: _rating(rating, required=False)):
        try:
            check()
        except Invalid as exc:
            errors += exc.errors
    value = _rating(rating, required=False) if not any(f == "rating" for f, _ in errors) else None
    text = (narrative or "").strip()
    if not text:
        errors.append(("narrative", "Describe what you observed."))
    elif value is not None and value.needs_narrative and len(text) < 10:
        errors.append(("narrative", f"A rating of {value} ({value.label}) needs a narrative that explains it."))
    if len(text) > MAX_TEXT:
        errors.append(("narrative", f"The narrative is too long (at most {MAX_TEXT} characters)."))
    if errors:
        raise Invalid("Please correct the marked fields.", errors=errors)
    observation = Observation(
        exercise_id=cap.exercise.id, objective_id=objective.id, evaluator_id=me.id,
        target_participant_id=audience.participant_id, target_unit_id=audience.unit_id,
        observed_at=observed_at, kind=ObservationKind(kind).value, narrative=text, submission_key=key,
        recorded_by_id=actor.id, recorded_at=utcnow())
    observation, created = _insert_once(observation, key, Observation)
    if not created:
        return Recorded(observation, _rating_of(observation), False)
    rating_row = None
    if value is not None:
        rating_row = RatingRecord(
            exercise_id=cap.exercise.id, objective_id=objective.id, evaluator_id=me.id,
            target_participant_id=audience.participant_id, target_unit_id=audience.unit_id,
            observation_id=observation.id, rating=value.value, narrative=text, rated_at=observed_at,
            submission_key=f"{key}-r", recorded_by_id=actor.id, recorded_at=utcnow())
        db.session.add(rating_row)
        db.session.flush()
    record_event(actor, "assessment.observation.record", observation, exercise=cap.exercise.code,
                 objective=objective.number, audience=audience.key,
                 after={"kind": observation.kind, "narrative": text, "observed_at": observed_at.isoformat(),
                        "rating": value.value if value else None, "rating_id": rating_row.id if rating_row else None})
    return Recorded(observation, rating_row, True)


def _rating_of(observation: Observation) -> RatingRecord | None:
    return db.session.execute(select(RatingRecord).where(RatingRecord.observation_id == observation.id)
                              .order_by(RatingRecord.id)).scalars().first()


# --- amendments ---------------------------------------------------------------------------------

def _superseded_by(model, row_id: int):
    return db.session.execute(select(model).where(model.supersedes_id == row_id)).scalar_one_or_none()


def _may_amend(cap: Capacity, row) -> None:
    if cap.adjudicator:
        return
    if cap.me is None or cap.me.role not in parts_with("exercise.evaluate"):
        raise NotStaff(cap.exercise.id)
    if row.evaluator_id != cap.me.id:
        raise NotFound()


def _load_record(actor, model, record_id):
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise NotFound()
    row = db.session.get(model, record_id)
    if row is None:
        raise NotFound()
    cap = capacity_for(actor, row.exercise_id)
    return cap, row


def _conflict_if_superseded(model, row, label: str):
    newer = _superseded_by(model, row.id)
    if newer is not None:
        who = newer.recorded_by.display_name if newer.recorded_by else "someone"
        raise Conflict(f"This {label} was already amended by {who}; their version landed first. "
                       "Nothing of yours was saved or lost: your text is still in the form. Review the current "
                       "version and submit again if your change is still needed.")


def amend_observation(actor, observation_id, *, observed_at, kind, narrative, reason, submission_key) -> Observation:
    cap, old = _load_record(actor, Observation, observation_id)
    _may_amend(cap, old)
    key = _check_key(submission_key)
    previous = _existing(Observation, key, actor)
    if previous is not None:
        return previous
    if not cap.recording_open:
        raise Conflict("The record of this exercise is closed: the after-action report is published.")
    errors = []
    for check in (lambda: _observed_at(observed_at, cap.exercise), lambda: _kind(kind),
                  lambda: _text(narrative, "narrative", "The narrative", required=True),
                  lambda: _text(reason, "reason", "The reason for the amendment", required=True)):
        try:
            check()
        except Invalid as exc:
            errors += exc.errors
    if errors:
        raise Invalid("Please correct the marked fields.", errors=errors)
    _conflict_if_superseded(Observation, old, "observation")
    new = Observation(
        exercise_id=old.exercise_id, objective_id=old.objective_id, evaluator_id=old.evaluator_id,
        target_participant_id=old.target_participant_id, target_unit_id=old.target_unit_id,
        observed_at=observed_at, kind=ObservationKind(kind).value, narrative=narrative.strip(),
        supersedes_id=old.id, amendment_reason=reason.strip(), submission_key=key,
        recorded_by_id=actor.id, recorded_at=utcnow())
    new, created = _insert_once(new, key, Observation)
    if created:
        record_event(actor, "assessment.observation.amend", new, supersedes=old.id, reason=reason.strip(),
                     before={"kind": old.kind, "narrative": old.narrative, "observed_at": old.observed_at.isoformat()},
                     after={"kind": new.kind, "narrative": new.narrative, "observed_at": new.observed_at.isoformat()})
    return new


def amend_rating(actor, rating_id, *, rating, narrative, reason, submission_key) -> RatingRecord:
    cap, old = _load_record(actor, RatingRecord, rating_id)
    _may_amend(cap, old)
    key = _check_key(submission_key)
    previous = _existing(RatingRecord, key, actor)
    if previous is not None:
        return previous
    if not cap.recording_open:
        raise Conflict("The record of this exercise is closed: the after-action report is published.")
    errors = []
    value = None
    try:
        value = _rating(rating, required=True)
    except Invalid as exc:
        errors += exc.errors
    text = (narrative or "").strip()
    if value is not None and value.needs_narrative and len(text) < 10:
        errors.append(("narrative", f"A rating of {value} ({value.label}) needs a narrative that explains it."))
    try:
        _text(reason, "reason", "The reason for the amendment", required=True)
        _text(narrative, "narrative", "The narrative", required=False)
    except Invalid as exc:
        errors += exc.errors
    if errors:
        raise Invalid("Please correct the marked fields.", errors=errors)
    _conflict_if_superseded(RatingRecord, old, "rating")
    new = RatingRecord(
        exercise_id=old.exercise_id, objective_id=old.objective_id, evaluator_id=old.evaluator_id,
        target_participant_id=old.target_participant_id, target_unit_id=old.target_unit_id,
        observation_id=old.observation_id, rating=value.value, narrative=text, rated_at=old.rated_at,
        supersedes_id=old.id, amendment_reason=reason.strip(), submission_key=key,
        recorded_by_id=actor.id, recorded_at=utcnow())
    new, created = _insert_once(new, key, RatingRecord)
    if created:
        record_event(actor, "assessment.rating.amend", new, supersedes=old.id, reason=reason.strip(),
                     before={"rating": old.rating, "narrative": old.narrative},
                     after={"rating": new.rating, "narrative": new.narrative})
    return new


def history(model, row) -> list:
    """Every version of the record, oldest first (the chain through `supersedes_id`)."""
    chain = [row]
    while chain[0].supersedes_id:
        chain.insert(0, db.session.get(model, chain[0].supersedes_id))
    while True:
        newer = _superseded_by(model, chain[-1].id)
        if newer is None:
            break
        chain.append(newer)
    return chain


def get_record(actor, model, record_id):
    """A record and its capacity, for its author, the adjudicators and the managers in scope."""
    cap, row = _load_record(actor, model, record_id)
    if not cap.manager:
        _may_amend(cap, row)
    return cap, row


# --- current rows -------------------------------------------------------------------------------

def current(model):
    """Rows of `model` that no later row supersedes."""
    newer = aliased(model)
    return select(model).where(~exists().where(newer.supersedes_id == model.id))


def list_my_records(cap: Capacity, objective) -> list[tuple[Observation, RatingRecord | None]]:
    """The actor's current observations of the objective, newest first, each with its current rating."""
    observations = db.session.execute(current(Observation).where(
        Observation.objective_id == objective.id, Observation.evaluator_id == cap.me.id)
        .order_by(Observation.observed_at.desc(), Observation.id.desc())).scalars().all()
    ratings = db.session.execute(current(RatingRecord).where(
        RatingRecord.objective_id == objective.id, RatingRecord.evaluator_id == cap.me.id)).scalars().all()
    by_root = {}
    for r in ratings:
        by_root.setdefault(_root_observation(r), r)
    return [(o, by_root.get(_root_id(Observation, o))) for o in observations]


def _root_id(model, row) -> int:
    while row.supersedes_id:
        row = db.session.get(model, row.supersedes_id)
    return row.id


def _root_observation(rating: RatingRecord) -> int | None:
    return _root_id(Observation, rating.observation) if rating.observation is not None else None


def recent_submission_keys(cap: Capacity, limit: int = 100) -> list[str]:
    """Keys of the actor's latest submissions, so the browser can drop the drafts the server holds."""
    if cap.me is None:
        return []
    keys = []
    for model in (Observation, RatingRecord):
        keys += db.session.execute(select(model.submission_key).where(model.evaluator_id == cap.me.id)
                                   .order_by(model.id.desc()).limit(limit)).scalars().all()
    return keys


# --- adjudication -------------------------------------------------------------------------------

@dataclass
class AdjudicationRow:
    audience: object
    ratings: list = field(default_factory=list)     # every evaluator's current rating, side by side
    current: Adjudication | None = None
    history: list = field(default_factory=list)


def adjudication_sheet(actor, exercise_id, objective_id):
    cap = capacity_for(actor, exercise_id)
    require_adjudicator(cap)
    objective = get_objective(cap.exercise, objective_id)
    ratings = db.session.execute(current(RatingRecord).where(RatingRecord.objective_id == objective.id)
                                 .order_by(RatingRecord.rated_at)).scalars().all()
    adjudications = db.session.execute(select(Adjudication).where(Adjudication.objective_id == objective.id)
                                       .order_by(Adjudication.id)).scalars().all()
    superseded = {a.supersedes_id for a in adjudications if a.supersedes_id}
    rows = []
    for audience in audiences_for(cap, objective):
        row = AdjudicationRow(audience)
        row.ratings = [r for r in ratings if r.audience_key == audience.key]
        row.history = [a for a in adjudications if a.audience == audience.key]
        heads = [a for a in row.history if a.id not in superseded]
        row.current = heads[-1] if heads else None
        rows.append(row)
    return cap, objective, rows


def adjudicate(actor, exercise_id, objective_id, *, target, rating, rationale, supersedes_id, reason,
               submission_key) -> Adjudication:
    """The final rating of an objective for one player or unit, picked by the lead evaluator or the
    exercise director with a rationale. `supersedes_id` is the adjudication the adjudicator saw as
    current (empty for the first): if another landed meanwhile, this one is refused as a conflict."""
    cap = capacity_for(actor, exercise_id)
    require_adjudicator(cap)
    objective = get_objective(cap.exercise, objective_id)
    key = _check_key(submission_key)
    previous = db.session.execute(select(Adjudication).where(Adjudication.submission_key == key)).scalar_one_or_none()
    if previous is not None:
        return previous
    if not cap.recording_open:
        raise Conflict("The record of this exercise is closed: the after-action report is published.")
    audience = resolve_audience(cap, objective, target)
    errors = []
    value = None
    try:
        value = _rating(rating, required=True)
    except Invalid as exc:
        errors += exc.errors
    try:
        _text(rationale, "rationale", "The rationale", required=True)
    except Invalid as exc:
        errors += exc.errors
    try:
        expected = int(supersedes_id) if supersedes_id not in (None, "") else None
    except (TypeError, ValueError):
        raise Invalid("The form is damaged. Reload the page and try again.")
    if expected is not None:
        try:
            _text(reason, "reason", "The reason for changing the adjudication", required=True)
        except Invalid as exc:
            errors += exc.errors
    if errors:
        raise Invalid("Please correct the marked fields.", errors=errors)
    heads = db.session.execute(current(Adjudication).where(
        Adjudication.objective_id == objective.id, Adjudication.audience == audience.key)).scalars().all()
    head = heads[-1] if heads else None
    if (head.id if head else None) != expected:
        who = head.adjudicated_by.display_name if head is not None and head.adjudicated_by else "someone"
        raise Conflict(f"{who} adjudicated this rating at the same moment and that decision landed first "
                       f"({head.rating if head else 'none'}). Nothing of yours was saved or lost: your rationale "
                       "is still in the form. Review the current decision and submit again if still needed.")
    row = Adjudication(
        exercise_id=cap.exercise.id, objective_id=objective.id, audience=audience.key,
        target_participant_id=audience.participant_id, target_unit_id=audience.unit_id, rating=value.value,
        rationale=rationale.strip(), supersedes_id=expected, amendment_reason=(reason or "").strip() or None,
        submission_key=key, adjudicated_by_id=actor.id, adjudicated_at=utcnow())
    row, created = _insert_once(row, key, Adjudication)
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
        Participant.exercise_id == exercise.id, Participant.role == ParticipantRole.PLAYER.value,
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
