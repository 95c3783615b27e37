"""Demo learning data: profile and module assignments, attempts, a classroom session, and completions
that are current, expiring soon, expired, superseded by a newer completion, or made stale by a new
major version. The large scale writes about 230,000 completions, the extra-large one about 1.5 million, in bulk
(COPY on PostgreSQL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from trainer.curricula.demo import OLD_MAJOR_MODULE, OLD_VERSION, db_module
from trainer.curricula.models import Module, ReadinessProfile
from trainer.db import move_sequence, utcnow
from trainer.demo.data import by_scale
from trainer.extensions import db
from trainer.learning.models import (Attempt, ClassroomSession, Completion, LessonProgress, ModuleAssignment,
                                     ProfileAssignment, SessionAttendance)
from trainer.calendar_months import add_months
from trainer.org.models import Person, Unit

CHUNK = 50000


def seed(ctx) -> None:
    modules = {m.code: m for m in db.session.scalars(select(Module).where(Module.is_current.is_(True)))}
    profiles = {p.code: p for p in db.session.scalars(select(ReadinessProfile))}
    if not modules or not profiles:
        return
    old = db_module(OLD_MAJOR_MODULE, OLD_VERSION)
    officer = ctx.users.get("officer")
    now = utcnow()
    today = ctx.today
    rng = ctx.rng

    # Assignments: every contingent gets the pre-deployment profile of its category, civilians the
    # civilian one; staff officers (OF-3 and above) also get the intelligence profile, and the lead
    # evaluator and a few staff officers the exercise planner and evaluator profile.
    tops = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).all()
    police_nations = set(db.session.scalars(select(Person.nation_code).group_by(Person.nation_code)
                                            .having(func.avg((Person.category == "police").cast(db.Integer)) > 0.5)))
    assignment_rows = []
    for unit in tops:
        code = "UN-PDT-POL" if unit.nation_code in police_nations else "UN-PDT-MIL"
        if code in profiles:
            assignment_rows.append({"profile_code": code, "unit_id": unit.id, "person_id": None,
                                    "due_on": today + dt.timedelta(days=rng.choice([-20, 45, 90])),
                                    "assigned_by_id": officer.id if officer else None, "created_at": now})
    staff = db.session.execute(select(Person.id).where(Person.rank_code.in_(["OF-3", "OF-4", "OF-5"]))).scalars().all()
    if "PKI-SO" in profiles:
        for person_id in staff[: by_scale(ctx.scale, 40, 600, 6000)]:
            assignment_rows.append({"profile_code": "PKI-SO", "unit_id": None, "person_id": person_id,
                                    "due_on": today + dt.timedelta(days=120), "assigned_by_id": officer.id if officer else None,
                                    "created_at": now})
    civilians = set(db.session.scalars(select(Person.id).where(Person.category == "civilian")))
    evaluator = ctx.users.get("evaluator")
    exercise_staff = set(staff[:10]) | ({evaluator.person_id} if evaluator and evaluator.person_id else set())
    for code, people_ids in (("UN-PDT-CIV", civilians), ("TRAINING-STAFF", exercise_staff)):
        if code in profiles:
            assignment_rows += [{"profile_code": code, "unit_id": None, "person_id": person_id,
                                 "due_on": today + dt.timedelta(days=90), "assigned_by_id": officer.id if officer else None,
                                 "created_at": now} for person_id in sorted(people_ids)]
    db.session.execute(insert(ProfileAssignment), assignment_rows)

    # Completions for everyone under a profile, set-wise and in bulk.
    people = db.session.execute(select(Person.id, Person.nation_code, Person.category)).all()
    staff_set = set(staff[: by_scale(ctx.scale, 40, 600, 6000)])
    recorder = officer.id if officer else None
    next_id = (db.session.scalar(select(func.max(Completion.id))) or 0) + 1
    rows = []
    chain_rate = by_scale(ctx.scale, 0.25, 0.95, 0.3)
    written = 0
    for person_id, nation, category in people:
        code = "UN-PDT-POL" if nation in police_nations else "UN-PDT-MIL"
        wanted = list(profiles[code].required_modules) if code in profiles else []
        extra = (["PKI-SO"] if person_id in staff_set else []) + (["UN-PDT-CIV"] if person_id in civilians else []) \
            + (["TRAINING-STAFF"] if person_id in exercise_staff else [])
        for other in extra:
            if other in profiles:
                wanted += [c for c in profiles[other].required_modules if c not in wanted]
        for module_code in wanted:
            module = modules.get(module_code)
            if module is None:
                continue
            roll = rng.random()
            if roll < 0.12:
                continue  # not done
            if roll < 0.22:
                completed = add_months(today, -module.validity_months) - dt.timedelta(days=rng.randint(1, 200))  # expired
            elif roll < 0.34:
                completed = add_months(today, -module.validity_months) + dt.timedelta(days=rng.randint(1, 55))  # expiring
            else:
                completed = today - dt.timedelta(days=rng.randint(1, 270))  # current
            version_row = module
            if module_code == OLD_MAJOR_MODULE and old is not None and rng.random() < 0.3:
                version_row = old  # passed before the new major version: it no longer counts
            supersedes = None
            if rng.random() < chain_rate:
                earlier = add_months(completed, -module.validity_months) - dt.timedelta(days=rng.randint(0, 30))
                rows.append(_row(next_id, person_id, old if (old is not None and module_code == OLD_MAJOR_MODULE) else module,
                                 earlier, None, recorder, rng, now))
                supersedes = next_id
                next_id += 1
            rows.append(_row(next_id, person_id, version_row, completed, supersedes, recorder, rng, now))
            next_id += 1
        if len(rows) >= CHUNK:
            written += _write(rows)
    written += _write(rows)
    move_sequence(db.session, Completion.__tablename__)  # written with explicit ids
    _seed_trainee(ctx, modules, old, now)
    db.session.flush()


def _write(rows: list[dict]) -> int:
    """Write the rows (in one COPY on PostgreSQL) and empty the list; returns how many were written."""
    from trainer.db import copy_rows

    columns = tuple(rows[0]) if rows else ()
    count = copy_rows(db.session, Completion.__tablename__, columns, (tuple(r.values()) for r in rows))
    rows.clear()
    return count


def _row(row_id, person_id, module, completed, supersedes, recorder, rng, now) -> dict:
    method = rng.choices(["online", "classroom", "recognised"], weights=[80, 17, 3])[0]
    return {
        "id": row_id, "person_id": person_id, "module_id": module.id, "module_code": module.code,
        "module_version": module.version, "module_major": module.major, "method": method,
        "score": rng.randint(80, 100) if method != "recognised" else None, "completed_on": completed,
        "valid_until": add_months(completed, module.validity_months),
        "recorded_by_id": None if method == "online" else recorder,
        "evidence": {"online": "Online knowledge check", "classroom": "Classroom session, attendance sheet on file",
                     "recognised": "National pre-deployment course certificate seen"}[method],
        "session_id": None, "created_at": now, "supersedes_id": supersedes,
    }


def _seed_trainee(ctx, modules, old, now) -> None:
    """The demo trainee sees every status on My training; a classroom session has attendance."""
    from trainer.learning.services import record_completion

    trainee = ctx.users.get("trainee")
    if trainee is None or not trainee.person_id:
        return
    person = db.session.get(Person, trainee.person_id)
    db.session.execute(Completion.__table__.update().where(Completion.person_id == person.id)
                       .values(supersedes_id=None))
    db.session.execute(Completion.__table__.delete().where(Completion.person_id == person.id))
    today = ctx.today
    plan = {"HR-01": today - dt.timedelta(days=40),                                     # passed
            "HR-02": add_months(today, -12) + dt.timedelta(days=20),                   # expiring
            "HR-03": add_months(today, -12) - dt.timedelta(days=15)}                   # expired
    for code, completed in plan.items():
        if code in modules:
            record_completion(None, person, modules[code], method="online", completed_on=completed, score=90,
                              evidence="Online knowledge check")
    if old is not None:
        record_completion(None, person, old, method="classroom", completed_on=today - dt.timedelta(days=100), score=85,
                          evidence="Classroom session before the new version")
    if "CT-01" in modules and modules["CT-01"].lessons:
        db.session.add(LessonProgress(person_id=person.id, lesson_id=modules["CT-01"].lessons[0].id,
                                      module_code="CT-01", opened_at=now, read_at=now))
        question = modules["CT-01"].questions[0]
        db.session.add(Attempt(person_id=person.id, module_id=modules["CT-01"].id, module_code="CT-01",
                               started_at=now - dt.timedelta(days=2), submitted_at=now - dt.timedelta(days=2),
                               drawn=[{"question_id": question.id, "order": [0, 1, 2, 3]}],
                               answers={str(question.id): (question.correct + 1) % 4}, score=0, passed=False))
    if "PKI-01" in modules:
        db.session.add(ModuleAssignment(module_code="PKI-01", person_id=person.id,
                                        due_on=today + dt.timedelta(days=21),
                                        assigned_by_id=ctx.users["officer.npl"].id if "officer.npl" in ctx.users else None))
    if "HR-05" in modules:
        session = ClassroomSession(module_id=modules["HR-05"].id, unit_id=person.unit_id,
                                   held_on=today - dt.timedelta(days=10), instructor="Maj. A. Gurung",
                                   location="Panchkhal training centre", notes="Practical on detention standards.",
                                   recorded_by_id=ctx.users["officer.npl"].id if "officer.npl" in ctx.users else None)
        db.session.add(session)
        db.session.flush()
        others = db.session.scalars(select(Person).where(Person.unit_id == person.unit_id, Person.id != person.id)
                                    .order_by(Person.id).limit(4)).all()
        for index, other in enumerate(others):
            result = "passed" if index < 3 else "absent"
            completion = None
            if result == "passed":
                completion = record_completion(None, other, modules["HR-05"], method="classroom",
                                               completed_on=session.held_on, score=85 + index,
                                               evidence="Attendance sheet HR-05/2026-03", session_id=session.id)
            db.session.add(SessionAttendance(session_id=session.id, person_id=other.id, result=result,
                                             score=85 + index if completion else None,
                                             evidence="Attendance sheet HR-05/2026-03" if completion else "",
                                             completion_id=completion.id if completion else None))
