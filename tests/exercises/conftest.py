"""Factories for exercises and their participants (rows written directly, for speed)."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

_seq = itertools.count(1)
UTC = dt.timezone.utc


@pytest.fixture
def make_exercise(db, make_nation):
    def make(lead="NPL", nations=(), code=None, start=None, end=None, timezone="UTC", status="planning",
             type_="tabletop", units=(), prerequisites="", title=None, objectives=0):
        from trainer.exercises.models import Exercise, ExerciseNation, ExerciseUnit, Objective

        codes = list(dict.fromkeys([lead, *nations]))
        for c in codes:
            make_nation(c)
        start = start or dt.datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
        end = end or start + dt.timedelta(days=2)
        n = next(_seq)
        ex = Exercise(code=code or f"EX-{n:04d}", title=title or f"Exercise {n}", type=type_, lead_nation_code=lead,
                      timezone=timezone, start_at=start, end_at=end, status=status, scenario_summary="",
                      location_name="Somewhere", prerequisite_modules=prerequisites)
        ex.nations = [ExerciseNation(nation_code=c) for c in codes]
        ex.units = [ExerciseUnit(unit_id=u.id) for u in units]
        db.session.add(ex)
        db.session.flush()
        for i in range(1, objectives + 1):
            db.session.add(Objective(exercise_id=ex.id, number=i, description=f"Objective {i}", capability="Protection"))
        db.session.commit()
        return ex
    return make


@pytest.fixture
def add_participant(db):
    def add(ex, person, role="player", status="confirmed"):
        from trainer.exercises.models import Participant

        p = Participant(exercise_id=ex.id, person_id=person.id, nation_code=person.nation_code, unit_id=person.unit_id,
                        role=role, status=status)
        db.session.add(p)
        db.session.commit()
        return p
    return add
