"""Demo assessments for the past exercises seeded by the exercises demo: observations and ratings by
every confirmed evaluator, adjudications (with their exercise credits), executive summaries and
improvement items. The large scale bulk-inserts about 20,000 ratings (the append-only triggers only
refuse UPDATE and DELETE)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert, select

from trainer.assessments.access import CONFIRMED, all_audiences
from trainer.assessments.adjudication import rebuild_credits
from trainer.assessments.improvements import validation_candidates
from trainer.assessments.models import (
    Adjudication, AfterActionReport, ImprovementItem, ImprovementStatus, Observation, RatingRecord,
)
from trainer.audit.services import record_event
from trainer.auth.models import User
from trainer.auth.policy import parts_with
from trainer.demo.data import by_scale
from trainer.exercises.models import Exercise, Objective, Participant
from trainer.extensions import db

PAST_STATUSES = ("endex", "aar_draft", "aar_published", "closed")

STRENGTHS = [
    "Passed the threat report to the protection desk within ten minutes, using the agreed format.",
    "Checked the civilians' safe route with the local liaison before moving the patrol.",
    "Kept a complete radio log throughout the incident.",
    "Escalated the allegation to the human rights officer the same hour.",
]
IMPROVEMENTS = [
    "Did not confirm the source's reliability before sharing the report outside the mission.",
    "The checkpoint briefing omitted the rules on the use of force for unarmed civilians.",
    "The hand-over to the relieving platoon left the casualty list behind.",
    "Children were questioned without a child protection adviser present.",
]
WEIGHTS = (("P", 30), ("S", 40), ("M", 20), ("U", 10))


def _pick(rng) -> str:
    roll = rng.randrange(100)
    for letter, weight in WEIGHTS:
        if roll < weight:
            return letter
        roll -= weight
    return "S"


def seed(ctx) -> None:
    exercises = db.session.execute(select(Exercise).where(Exercise.status.in_(PAST_STATUSES))
                                   .order_by(Exercise.start_at)).scalars().all()
    if not exercises:
        return
    target_ratings = by_scale(ctx.scale, 1500, 20000, 60000)
    triples = []
    plans = []
    for ex in exercises:
        evaluators = db.session.execute(select(Participant).where(
            Participant.exercise_id == ex.id, Participant.status == CONFIRMED,
            Participant.role.in_(parts_with("exercise.evaluate")))).scalars().all()
        objectives = db.session.execute(select(Objective).where(Objective.exercise_id == ex.id)).scalars().all()
        audiences = all_audiences(ex)
        if not evaluators or not objectives or not audiences:
            continue
        plans.append((ex, evaluators, objectives, audiences))
        triples += [(ex, o, a, e) for o in objectives for a in audiences for e in evaluators[:3]]
    if not triples:
        return
    per_triple = max(1, min(12, round(target_ratings / len(triples))))
    users_by_person = dict(db.session.execute(select(User.person_id, User.id).where(User.person_id.is_not(None))).all())
    for ex, evaluators, objectives, audiences in plans:
        _seed_exercise(ctx, ex, evaluators, objectives, audiences, per_triple, users_by_person, target_ratings)
    db.session.flush()


def _seed_exercise(ctx, ex, evaluators, objectives, audiences, per_triple, users_by_person, target):
    rng = ctx.rng
    span = max((ex.end_at - ex.start_at).total_seconds(), 3600)
    obs_rows, rating_plan = [], []
    for objective in objectives:
        for audience in audiences:
            for evaluator in evaluators[:3]:
                for _ in range(per_triple):
                    letter = _pick(rng)
                    strength = letter in ("P", "S")
                    key = str(uuid.uuid4())
                    observed = ex.start_at + dt.timedelta(seconds=rng.randrange(int(span)))
                    obs_rows.append(dict(
                        exercise_id=ex.id, objective_id=objective.id, evaluator_id=evaluator.id,
                        target_participant_id=audience.participant_id, target_unit_id=audience.unit_id,
                        observed_at=observed, kind="strength" if strength else "improvement",
                        narrative=rng.choice(STRENGTHS if strength else IMPROVEMENTS), submission_key=key,
                        recorded_by_id=users_by_person.get(evaluator.person_id), recorded_at=observed))
                    rating_plan.append((key, letter))
    for i in range(0, len(obs_rows), 5000):
        db.session.execute(insert(Observation), obs_rows[i:i + 5000])
    ids = dict(db.session.execute(select(Observation.submission_key, Observation.id)
                                  .where(Observation.exercise_id == ex.id)).all())
    by_key = {row["submission_key"]: row for row in obs_rows}
    rating_rows = []
    for key, letter in rating_plan:
        o = by_key[key]
        rating_rows.append(dict(
            exercise_id=ex.id, objective_id=o["objective_id"], evaluator_id=o["evaluator_id"],
            target_participant_id=o["target_participant_id"], target_unit_id=o["target_unit_id"],
            observation_id=ids[key], rating=letter, narrative=o["narrative"], rated_at=o["observed_at"],
            submission_key=f"{key}-r", recorded_by_id=o["recorded_by_id"], recorded_at=o["recorded_at"]))
    for i in range(0, len(rating_rows), 5000):
        db.session.execute(insert(RatingRecord), rating_rows[i:i + 5000])

    adjudicator = next((e for e in evaluators if e.role in parts_with("exercise.lead_evaluation")), evaluators[0])
    adjudicator_user = users_by_person.get(adjudicator.person_id)
    decided_at = ex.end_at + dt.timedelta(hours=6)
    adj_rows = []
    for objective in objectives:
        for audience in audiences:
            letters = [r["rating"] for r in rating_rows
                       if r["objective_id"] == objective.id and (r["target_participant_id"] or 0) == (audience.participant_id or 0)
                       and (r["target_unit_id"] or 0) == (audience.unit_id or 0)]
            # The adjudicator picks one evaluator's rating, never an average.
            chosen = rng.choice(letters) if letters else "S"
            adj_rows.append(dict(
                exercise_id=ex.id, objective_id=objective.id, audience=audience.key,
                target_participant_id=audience.participant_id, target_unit_id=audience.unit_id, rating=chosen,
                rationale=f"Chosen from {len(letters)} evaluator ratings after the hot wash; see the observations.",
                submission_key=str(uuid.uuid4()), adjudicated_by_id=adjudicator_user, adjudicated_at=decided_at))
    db.session.execute(insert(Adjudication), adj_rows)
    for objective in objectives:
        rebuild_credits(ex, objective.id, refresh=False)

    if ex.status in ("aar_draft", "aar_published", "closed"):
        db.session.add(AfterActionReport(
            exercise_id=ex.id, version=1, updated_by_id=adjudicator_user, updated_at=decided_at,
            executive_summary=(f"{ex.title} exercised {len(objectives)} objectives with {len(audiences)} training "
                               "audiences. Information sharing with protection actors was timely; record keeping "
                               "and hand-overs need work.")))
    weak = [a for a in adj_rows if a["rating"] in ("M", "U")][:3]
    for n, adj in enumerate(weak):
        owner_unit = adj["target_unit_id"]
        due = decided_at.date() + dt.timedelta(days=60 + 30 * n)
        status = ImprovementStatus.OPEN.value if n == 0 else (
            ImprovementStatus.IN_PROGRESS.value if n == 1 else ImprovementStatus.COMPLETED.value)
        item = ImprovementItem(
            exercise_id=ex.id, objective_id=adj["objective_id"],
            finding=IMPROVEMENTS[n % len(IMPROVEMENTS)], corrective_action="Run a focused drill and re-evaluate.",
            owner_nation_code=ex.lead_nation_code, owner_unit_id=owner_unit,
            point_of_contact="Training officer of the owning unit", due_on=due, status=status,
            created_by_id=adjudicator_user, created_at=decided_at, updated_at=decided_at)
        candidates = validation_candidates(None, ex, adj["objective_id"])
        if candidates and n == 2:
            item.status = ImprovementStatus.VALIDATED.value
            item.validated_by_adjudication_id = candidates[0].id
        db.session.add(item)
    db.session.flush()
    record_event(None, "assessment.demo.seed", ex, observations=len(obs_rows), ratings=len(rating_rows),
                 adjudications=len(adj_rows))
