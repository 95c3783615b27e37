"""The readiness demo seed: waivers, a deployment of a Nepalese battalion and an assessed level."""
import datetime as dt
import random
from types import SimpleNamespace

from sqlalchemy import func, select

from trainer.readiness import demo
from trainer.readiness.models import Waiver
from trainer.readiness.models import AssessedLevel, Deployment


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


class SteadyRng:
    """Always the middle road: nobody skips the course, nobody's completion lapses during the tour."""

    def random(self):
        return 0.5

    def randint(self, low, high):
        return low

    def choice(self, seq):
        return seq[0]


def test_demo_people_with_exercise_credit_take_the_course_and_are_ready(db, make_unit, make_person, make_module,
                                                                        make_profile, make_user, credit):
    from trainer.audit.models import AuditEvent
    from trainer.readiness import engine

    make_module("HR-01")
    make_profile("UN-PDT-MIL", modules=("HR-01",), exercise_types=("tabletop",), within_months=24, min_outcome="S")
    battalion = make_unit(nation="NPL", code="NPL-B1", kind="battalion")
    people = [make_person(unit=battalion) for _ in range(4)]
    today = dt.date.today()
    for person in people[:2]:
        credit(person, today - dt.timedelta(days=60), rating="S", exercise_type="tabletop")
    users = {"commander.npl": make_user("commander", "nation", nation="NPL"), "admin": make_user("admin", "mission"),
             "officer": make_user("training_officer", "mission")}
    demo.seed(SimpleNamespace(users=users, today=today, rng=SteadyRng(), scale="small"))
    db.session.commit()
    results = engine.evaluate([p.id for p in people], "UN-PDT-MIL", today)
    assert [results[p.id].ready for p in people] == [True, True, False, False]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "completion.record")) == 2
    deployment = db.session.scalar(select(Deployment))
    assert deployment.profile_code == "UN-PDT-MIL" and len(deployment.members) == 4


def test_a_module_two_unit_profiles_require_is_taken_once_in_the_demo_course(db, make_unit, make_person, make_module,
                                                                             make_profile, make_user, credit):
    """The course runs profile after profile in one transaction: the second profile sees the first's completions
    (each completion's savepoint brings the readiness up to date) and records nothing again."""
    from trainer.audit.models import AuditEvent
    from trainer.learning.models import Completion, ProfileAssignment

    make_module("HR-01")
    for code in ("UN-PDT-MIL", "UN-PDT-POL"):
        make_profile(code, modules=("HR-01",), exercise_types=("tabletop",), within_months=24, min_outcome="S")
    battalion = make_unit(nation="NPL", code="NPL-B1", kind="battalion")
    db.session.add_all([ProfileAssignment(profile_code=code, unit_id=battalion.id)
                        for code in ("UN-PDT-MIL", "UN-PDT-POL")])
    people = [make_person(unit=battalion) for _ in range(2)]
    for person in people:
        credit(person, dt.date.today() - dt.timedelta(days=60), rating="S", exercise_type="tabletop")
    users = {"commander.npl": make_user("commander", "nation", nation="NPL"), "admin": make_user("admin", "mission"),
             "officer": make_user("training_officer", "mission")}
    demo.seed(SimpleNamespace(users=users, today=dt.date.today(), rng=SteadyRng(), scale="small"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 2  # one HR-01 each
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "completion.record")) == 2
