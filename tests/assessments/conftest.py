"""The world of the assessment tests: an exercise in conduct with players in two units, two evaluators,
a lead evaluator and a director, each with an account. Exercises and participants are made by the
exercises domain's builders."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest

from tests.conftest import login


@dataclass
class World:
    exercise: object
    objectives: list
    unit_a: object
    unit_b: object
    players: dict = field(default_factory=dict)       # name -> Participant
    staff: dict = field(default_factory=dict)         # name -> (Participant, User)
    player_users: dict = field(default_factory=dict)  # name -> User


def key() -> str:
    return str(uuid.uuid4())


# The exercise of these tests: in conduct, led by Nepal with Rwanda, in Kathmandu's time zone.
OBJECTIVES = (("Share threat information with protection actors", "Intelligence sharing", "PKI-02"),
              ("Protect civilians at a checkpoint", "Protection of civilians", "HR-01"))
EXERCISE = {"status": "in_conduct", "lead": "NPL", "nations": ("RWA",), "timezone": "Asia/Kathmandu",
            "type_": "functional", "objectives": OBJECTIVES, "scenario_summary": "A scenario.", "location_name": ""}


@pytest.fixture
def world(db, make_unit, make_exercise, add_participant, make_user, make_nation):
    make_nation("NPL")
    make_nation("RWA")
    unit_a = make_unit(nation="NPL", code="NPBATT-A")
    unit_b = make_unit(nation="NPL", code="NPBATT-B")
    rwa = make_unit(nation="RWA", code="RW-EVAL")
    now = dt.datetime.now(dt.timezone.utc)
    ex = make_exercise(code="EX-ALPHA", start=now - dt.timedelta(days=2), end=now + dt.timedelta(days=1), **EXERCISE)
    from trainer.exercises.models import EvaluatorAssignment, Objective
    from sqlalchemy import select

    objectives = db.session.execute(select(Objective).where(Objective.exercise_id == ex.id)
                                    .order_by(Objective.number)).scalars().all()
    w = World(exercise=ex, objectives=objectives, unit_a=unit_a, unit_b=unit_b)
    w.players["anna"] = add_participant(ex, role="player", unit=unit_a)
    w.players["bo"] = add_participant(ex, role="player", unit=unit_a)
    w.players["cy"] = add_participant(ex, role="player", unit=unit_b)
    w.players["nominee"] = add_participant(ex, role="player", unit=unit_a, status="nominated")
    for name, role in (("eva", "evaluator"), ("evan", "evaluator"), ("lead", "lead_evaluator"),
                       ("director", "exercise_director")):
        p = add_participant(ex, role=role, unit=rwa)
        user = make_user("evaluator", "exercises", person=p.person, username=name)
        w.staff[name] = (p, user)
    for name in ("eva", "evan"):
        db.session.add(EvaluatorAssignment(participant_id=w.staff[name][0].id, objective_id=objectives[0].id))
    db.session.commit()
    w.player_users["anna"] = make_user("trainee", "self", person=w.players["anna"].person, username="anna")
    return w


@pytest.fixture
def sign_in(client):
    def do(username, on=None):
        response = login(on or client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return on or client
    return do


def local_now(exercise, minutes_ago=5) -> str:
    import zoneinfo

    value = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago)
    return value.astimezone(zoneinfo.ZoneInfo(exercise.timezone)).strftime("%Y-%m-%dT%H:%M")


def observation_form(w, target, *, rating="S", narrative="Shared the threat report within ten minutes.",
                     kind="strength", submission_key=None):
    return {"target": target, "observed_at": local_now(w.exercise), "kind": kind, "narrative": narrative,
            "rating": rating or "", "submission_key": submission_key or key()}
