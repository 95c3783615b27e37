"""Access-matrix builders for learning URLs: knowledge-check attempts (a trainee's own versus
someone else's) and classroom sessions (in the actor's unit versus another nation's)."""
from __future__ import annotations

import datetime as dt


def _module(world):
    from tests.curricula.matrix_builders import _ensure_curricula
    from trainer.curricula.services import get_module

    _ensure_curricula(world)
    return get_module("TS-01")


def _attempt(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.learning.models import Attempt

    module = _module(world)

    def make(person):
        attempt = Attempt(person_id=person.id, module_id=module.id, module_code=module.code,
                          drawn=[{"question_id": module.questions[0].id, "order": [0, 1, 2, 3]}])
        world.db.session.add(attempt)
        world.db.session.commit()
        return attempt

    inside = make(world.person_in)
    outside = make(world.person_out)
    return Objects(inside={"attempt_id": inside.id}, outside={"attempt_id": outside.id})


def _session(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.learning.models import ClassroomSession

    module = _module(world)

    def make(unit):
        session = ClassroomSession(module_id=module.id, unit_id=unit.id, held_on=dt.date(2026, 1, 15),
                                   instructor="Instructor", location="Training hall")
        world.db.session.add(session)
        world.db.session.commit()
        return session

    inside = make(world.subunit_in)
    outside = make(world.unit_out)
    return Objects(inside={"session_id": inside.id},
                   outside=None if world.reaches_everything else {"session_id": outside.id})


def _assignment(model, field):
    def build(world):
        from tests.auth.test_access_matrix import Objects

        _module(world)
        code = "TS-01" if field == "module_code" else "TST-PROFILE"

        def make(**target):
            row = model()(**{field: code}, **target)
            world.db.session.add(row)
            world.db.session.commit()
            return row

        inside = make(unit_id=world.subunit_in.id)
        outside = None if world.reaches_everything else make(person_id=world.person_out.id)
        kind = "module_assignment_id" if field == "module_code" else "profile_assignment_id"
        return Objects(inside={kind: inside.id}, outside=outside and {kind: outside.id})
    return build


def _module_assignment_model():
    from trainer.learning.models import ModuleAssignment
    return ModuleAssignment


def _profile_assignment_model():
    from trainer.learning.models import ProfileAssignment
    return ProfileAssignment


BUILDERS = {"attempt": _attempt, "session": _session,
            "module_assignment": _assignment(_module_assignment_model, "module_code"),
            "profile_assignment": _assignment(_profile_assignment_model, "profile_code")}
