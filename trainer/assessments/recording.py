"""Recording observations and their P/S/M/U ratings, and what an evaluator's objective screen reads."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.assessments.access import (
    Audience, Capacity, all_audiences, assigned_objectives, audiences_for, capacity_for, get_objective,
    require_evaluator, resolve_audience,
)
from trainer.assessments.adjudication_sheet import Progress, adjudication_progress
from trainer.assessments.forms import parse_local
from trainer.assessments.models import Observation, ObservationKind, RatingRecord
from trainer.assessments.records import current, insert_once, rating_of, root_id, submitted
from trainer.assessments.rules import (
    MAX_TEXT, check_explained, check_text, check_key, check_kind, check_observed_at, check_rating, collect,
)
from trainer.audit.services import record_event
from trainer.db import utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.exercises.models import Objective
from trainer.extensions import db


@dataclass
class Recorded:
    observation: Observation
    rating: RatingRecord | None
    created: bool


def _assigned_objective(cap: Capacity, objective_id) -> Objective:
    objective = get_objective(cap.exercise, objective_id)
    if objective.id not in {o.id for o in assigned_objectives(cap)}:
        raise NotFound()
    return objective


def record_observation(actor, exercise_id, objective_id, *, target: str | None, observed_at, kind: str | None,
                       narrative: str | None, rating: str | None, submission_key: str | None) -> Recorded:
    """An evaluator's observation of one player or unit, with an optional P/S/M/U rating. `observed_at`
    is an aware datetime or the form's local value in the exercise's time zone."""
    cap = capacity_for(actor, exercise_id)
    me = require_evaluator(cap)
    objective = _assigned_objective(cap, objective_id)
    key = check_key(submission_key)
    previous = submitted(Observation, key, actor)
    if previous is not None:
        return Recorded(previous, rating_of(previous), False)
    if not cap.recording_open:
        raise Conflict(_("Observations can be recorded only while the exercise is in conduct, after ENDEX or "
                         "while the after-action report is a draft."))
    audience = resolve_audience(cap, objective, target)
    if isinstance(observed_at, str):
        observed_at = parse_local(observed_at, cap.exercise.timezone)
    errors = collect(lambda: check_observed_at(observed_at, cap.exercise), lambda: check_kind(kind),
                     lambda: check_rating(rating, required=False))
    value = check_rating(rating, required=False) if not any(f == "rating" for f, _message in errors) else None
    text = (narrative or "").strip()
    if not text:
        errors.append(("narrative", _("Describe what you observed.")))
    else:
        errors += collect(lambda: check_explained(value, text))
    if len(text) > MAX_TEXT:
        errors += collect(lambda: check_text(text, "narrative", "narrative", required=False))
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    observation = Observation(
        exercise_id=cap.exercise.id, objective_id=objective.id, evaluator_id=me.id,
        target_participant_id=audience.participant_id, target_unit_id=audience.unit_id,
        observed_at=observed_at, kind=ObservationKind(kind).value, narrative=text, submission_key=key,
        recorded_by_id=actor.id, recorded_at=utcnow())
    observation, created = insert_once(observation, key, Observation)
    if not created:
        return Recorded(observation, rating_of(observation), False)
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


# --- what the evaluator's screens read ----------------------------------------------------------

@dataclass
class ObjectiveEntry:
    """One objective of the evaluator's exercise screen: who they evaluate for it, in short (a list of fifty
    names under every objective is read by nobody), and for an adjudicator how far adjudication has got."""
    objective: Objective
    audiences: list[Audience]
    whole: bool                         # the whole training audience of the exercise
    players: int
    units: int
    progress: Progress | None = None


@dataclass
class ExerciseScreen:
    """The evaluator's objectives of one exercise, each with the players and units they evaluate for it."""
    cap: Capacity
    objectives: list[ObjectiveEntry]
    everyone: int


def get_exercise_screen(actor, exercise_id) -> ExerciseScreen:
    cap = capacity_for(actor, exercise_id)
    require_evaluator(cap)
    everyone = all_audiences(cap.exercise)
    progress = adjudication_progress(cap.exercise.id) if cap.adjudicator else {}
    entries = []
    for objective in assigned_objectives(cap):
        audiences = audiences_for(cap, objective, everyone)
        entries.append(ObjectiveEntry(
            objective=objective, audiences=audiences, whole=len(audiences) == len(everyone) and bool(everyone),
            players=sum(1 for a in audiences if a.participant_id), units=sum(1 for a in audiences if a.unit_id),
            progress=progress.get(objective.id, Progress(0, 0)) if cap.adjudicator else None))
    return ExerciseScreen(cap=cap, objectives=entries, everyone=len(everyone))


@dataclass
class ObjectiveScreen:
    """One objective's observation form, with the actor's own records of it."""
    cap: Capacity
    objective: Objective
    audiences: list[Audience]
    records: list[tuple[Observation, RatingRecord | None]]
    confirmed_keys: list[str]


def get_objective_screen(actor, exercise_id, objective_id) -> ObjectiveScreen:
    """The screen of an objective assigned to the actor (every objective for an adjudicator)."""
    cap = capacity_for(actor, exercise_id)
    require_evaluator(cap)
    objective = _assigned_objective(cap, objective_id)
    return ObjectiveScreen(cap=cap, objective=objective, audiences=audiences_for(cap, objective),
                           records=list_my_records(cap, objective), confirmed_keys=recent_submission_keys(cap))


def list_my_records(cap: Capacity, objective) -> list[tuple[Observation, RatingRecord | None]]:
    """The actor's current observations of the objective, newest first, each with its current rating."""
    observations = db.session.execute(current(Observation).where(
        Observation.objective_id == objective.id, Observation.evaluator_id == cap.me.id)
        .order_by(Observation.observed_at.desc(), Observation.id.desc())).scalars().all()
    ratings = db.session.execute(current(RatingRecord).where(
        RatingRecord.objective_id == objective.id, RatingRecord.evaluator_id == cap.me.id)).scalars().all()
    by_root = {}
    for r in ratings:
        by_root.setdefault(root_id(Observation, r.observation) if r.observation is not None else None, r)
    return [(o, by_root.get(root_id(Observation, o))) for o in observations]


def recent_submission_keys(cap: Capacity, limit: int = 100) -> list[str]:
    """Keys of the actor's latest submissions, so the browser can drop the drafts the server holds."""
    if cap.me is None:
        return []
    keys = []
    for model in (Observation, RatingRecord):
        keys += db.session.execute(select(model.submission_key).where(model.evaluator_id == cap.me.id)
                                   .order_by(model.id.desc()).limit(limit)).scalars().all()
    return keys
