"""The learning demo seed: completions in every state, on top of the shipped curricula."""
from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

from sqlalchemy import select


def test_demo_seed_gives_every_state(app, db, make_unit, make_person, make_user):
    from trainer.curricula import demo as curricula_demo
    from trainer.learning import demo, reports
    from trainer.learning.models import Completion
    from trainer.learning.rules import Status

    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    battalion = make_unit(nation="NPL", code="NPL-B1", parent=top)
    people = [make_person(unit=battalion, rank_code="OF-3" if i < 3 else "OR-4") for i in range(30)]
    users = {"officer": make_user("training_officer", "mission"),
             "officer.npl": make_user("training_officer", "nation", nation="NPL"),
             "trainee": make_user("trainee", "self", person=people[0])}
    today = dt.date.today()
    ctx = SimpleNamespace(users=users, today=today, rng=random.Random(7), scale="small")
    curricula_demo.seed(ctx)
    demo.seed(ctx)
    db.session.commit()

    rows = db.session.scalars(select(Completion)).all()
    assert any(c.supersedes_id for c in rows)
    assert any(c.module_version == curricula_demo.OLD_VERSION for c in rows)
    assert any(c.valid_until < today for c in rows) and any(c.valid_until > today + dt.timedelta(days=60) for c in rows)
    required, _ = reports.my_training(people[0], today)
    states = {r.status for r in required}
    assert {Status.PASSED, Status.EXPIRING, Status.EXPIRED, Status.IN_PROGRESS, Status.NOT_STARTED} <= states
    # Seeding the curricula again changes nothing.
    before = len(rows)
    curricula_demo.seed(ctx)
    assert len(db.session.scalars(select(Completion)).all()) == before
