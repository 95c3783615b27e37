"""Objects for the access matrix (tests/auth/test_access_matrix.py): exercises in and out of scope.

The in-scope exercise (in conduct) is led by the matrix's nation (NPL), commits its unit, and has the
trainee's person as a confirmed controller and the evaluator's person as the confirmed lead
evaluator. The out-of-scope exercise belongs to FRA only.
"""
from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def _exercise(world):
    from trainer.exercises.models import (
        EvaluatorAssignment, Exercise, ExerciseNation, ExerciseUnit, Inject, Objective, Participant,
    )

    db = world.db
    n = world.next()
    start = dt.datetime(2031, 3, 1, 8, 0, tzinfo=UTC) + dt.timedelta(days=10 * n)

    def build(code, lead, nations, unit, people):
        ex = Exercise(code=code, title=f"Matrix {code}", type="tabletop", lead_nation_code=lead, timezone="Europe/Oslo",
                      start_at=start, end_at=start + dt.timedelta(days=1), status="in_conduct", scenario_summary="",
                      location_name="", prerequisite_modules="")
        ex.nations = [ExerciseNation(nation_code=c) for c in nations]
        ex.units = [ExerciseUnit(unit_id=unit.id)]
        db.session.add(ex)
        db.session.flush()
        objective = Objective(exercise_id=ex.id, number=1, description="Protect civilians", capability="Protection")
        db.session.add(objective)
        parts = []
        for person, role in people:
            p = Participant(exercise_id=ex.id, person_id=person.id, nation_code=person.nation_code,
                            unit_id=person.unit_id, role=role, status="confirmed")
            db.session.add(p)
            parts.append(p)
        db.session.flush()
        evaluator = next((p for p in parts if p.role == "evaluator"), None)
        player = next(p for p in parts if p.role == "player")
        assignment = None
        if evaluator is not None:
            assignment = EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                             target_participant_id=player.id)
            db.session.add(assignment)
        inject = Inject(exercise_id=ex.id, number=1, planned_at=start + dt.timedelta(hours=1), to_type="nation",
                        to_nation_code=lead, message="Report of displaced persons at the bridge")
        db.session.add(inject)
        db.session.flush()
        return ex, objective, player, assignment, inject

    player_in = world.make_person(unit=world.subunit_in)
    spare_evaluator = world.make_person(unit=world.unit_in)
    ex, objective, player, assignment, inject = build(
        f"MX-IN-{n}", world.nation_in, [world.nation_in, "RWA"], world.unit_in,
        [(player_in, "player"), (world.person_in, "controller"), (world.evaluator_person, "lead_evaluator"),
         (spare_evaluator, "evaluator")])
    outside = None
    if not world.reaches_everything:
        player_out = world.make_person(unit=world.unit_out)
        out_ex, *_ = build(f"MX-OUT-{n}", world.nation_out, [world.nation_out], world.unit_out, [(player_out, "player")])
        outside = {"exercise_id": out_ex.id}
    db.session.commit()
    from tests.auth.test_access_matrix import Objects

    return Objects(inside={"exercise_id": ex.id, "participant_id": player.id, "objective_id": objective.id,
                           "assignment_id": assignment.id, "inject_id": inject.id}, outside=outside)


def _calendar_token(world):
    from tests.auth.test_access_matrix import Objects

    token = world.actor.calendar_token if world.actor is not None else "x" * 43
    return Objects(inside={"token": token})


BUILDERS = {"exercise": _exercise, "calendar_token": _calendar_token}
PARAM_KINDS = {"token": "calendar_token"}
