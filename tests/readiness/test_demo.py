"""The readiness demo seed: waivers, a deployment of a Nepalese battalion and an assessed level."""
import datetime as dt
import random
from types import SimpleNamespace

from sqlalchemy import func, select

from trainer.readiness import demo
from trainer.readiness.models import Waiver
from trainer.readiness.tables import AssessedLevel, Deployment


def test_demo_seed_adds_waivers_deployment_and_assessed_level(db, make_unit, make_person, make_module, make_profile, make_user):
    make_module()
    make_profile("UN-PDT")
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    battalion = make_unit(nation="NPL", code="NPL-B1", parent=top)
    for _ in range(4):
        make_person(unit=battalion)
    users = {"commander.npl": make_user("commander", "nation", nation="NPL"), "admin": make_user("admin", "mission")}
    ctx = SimpleNamespace(users=users, today=dt.date.today(), rng=random.Random(1), scale="small")
    demo.seed(ctx)
    db.session.commit()
    deployment = db.session.scalar(select(Deployment))
    assert deployment.departure_on == ctx.today + dt.timedelta(days=21) and len(deployment.members) == 4
    assert db.session.scalar(select(func.count()).select_from(Waiver)) == 3
    assert db.session.scalar(select(AssessedLevel)).assessed_level == "amber"
