"""Readiness demo data: intervals rebuilt after the other domains' bulk loads, a few waivers, a deployment
of a Nepalese battalion and an assessed level."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from trainer.db import utcnow
from trainer.demo.data import by_scale
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.calendar_months import add_months
from trainer.readiness import engine, intervals, services
from trainer.readiness.profiles import list_profiles
from trainer.readiness.models import ExerciseCredit


def _showcase_profile(profiles: list[tuple[str, str]]) -> str:
    """The profile most units carry (the one a commander looks at first), else the first one."""
    codes = [code for code, _ in profiles]
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:
        return codes[0]
    counts = dict(db.session.execute(select(ProfileAssignment.profile_code, func.count()).where(
        ProfileAssignment.unit_id.is_not(None)).group_by(ProfileAssignment.profile_code)).all())
    return max(codes, key=lambda code: (counts.get(code, 0), code == "UN-PDT-MIL"))


def _unit_profiles(profiles: list[tuple[str, str]]) -> list[str]:
    """Profiles assigned to whole units (the pre-deployment standards), else the showcase one."""
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:
        return [_showcase_profile(profiles)]
    assigned = set(db.session.scalars(select(ProfileAssignment.profile_code).where(ProfileAssignment.unit_id.is_not(None))))
    return [code for code, _ in profiles if code in assigned] or [_showcase_profile(profiles)]


def _credited_people(spec, limit: int) -> list[int]:
    """Active people whose exercise credits meet the profile's exercise requirement, fewest queries."""
    if not spec.has_exercise_requirement:
        return []
    from trainer.enums import Rating

    order = [r.value for r in Rating]
    good = order[:order.index(spec.exercise_min_outcome) + 1]
    return list(db.session.scalars(
        select(ExerciseCredit.person_id).join(Person, Person.id == ExerciseCredit.person_id)
        .where(ExerciseCredit.exercise_type.in_(spec.exercise_types), ExerciseCredit.rating.in_(good),
               Person.status == "active")
        .group_by(ExerciseCredit.person_id).order_by(ExerciseCredit.person_id).limit(limit)))


def _pre_deployment_course(ctx, spec, officer) -> int:
    """The people who already met the exercise requirement attend a pre-deployment course for the modules
    they lack, so the demo has ready people (and certificates to issue). About one in six skips a module,
    and about one in four of those who attend did so a year ago, so that they lapse during a deployment."""
    from trainer.curricula.models import Module
    from trainer.learning import services as learning

    people = _credited_people(spec, by_scale(ctx.scale, 60, 400, 4000))
    if not people or not spec.required_modules:
        return 0
    modules = {}
    for module in db.session.scalars(select(Module).where(Module.code.in_(spec.required_modules))
                                     .order_by(Module.major, Module.minor)):
        modules[module.code] = module  # the newest version wins
    results = engine.evaluate(people, spec, ctx.today)
    plan = []  # (person_id, module, completed_on)
    for person_id in people:
        result = results.get(person_id)
        if result is None:
            continue
        gaps = [r.key for r in result.requirements if r.kind == "module" and not r.met and r.key in modules]
        if not gaps or ctx.rng.random() < 0.17:
            continue
        lapsing = ctx.rng.random() < 0.25
        for code in gaps:
            module = modules[code]
            if lapsing:  # valid until two to four months from now: inside a six-month deployment
                held = add_months(ctx.today, -module.validity_months) + dt.timedelta(days=ctx.rng.randint(60, 120))
            else:
                held = ctx.today - dt.timedelta(days=ctx.rng.randint(10, 40))
            plan.append((person_id, module, held))
    if ctx.scale == "small":  # through the service, audited like any recorded completion
        for person_id, module, held in plan:
            learning.record_completion(officer, db.session.get(Person, person_id), module, method="classroom",
                                       completed_on=held, score=None,
                                       evidence=f"Pre-deployment course, {held:%d %b %Y}: attendance sheet on file")
    else:
        _bulk_completions(plan, officer)
    db.session.flush()
    return len(plan)


def _bulk_completions(plan, officer) -> None:
    """The large scale writes the course in bulk; each new completion supersedes the person's current one."""
    from trainer.learning.models import Completion
    from trainer.learning.services import end_of_record

    if not plan:
        return
    person_ids = sorted({person_id for person_id, _, _ in plan})
    current = {}
    for start in range(0, len(person_ids), 2000):
        for cid, pid, code in db.session.execute(select(Completion.id, Completion.person_id, Completion.module_code).where(
                Completion.person_id.in_(person_ids[start:start + 2000]), end_of_record())):
            current[(pid, code)] = cid
    now = utcnow()
    rows = [{"person_id": pid, "module_id": module.id, "module_code": module.code, "module_version": module.version,
             "module_major": module.major, "method": "classroom", "score": None, "completed_on": held,
             "valid_until": add_months(held, module.validity_months), "recorded_by_id": officer.id,
             "evidence": f"Pre-deployment course, {held:%d %b %Y}: attendance sheet on file", "session_id": None,
             "created_at": now, "supersedes_id": current.get((pid, module.code))} for pid, module, held in plan]
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Completion), rows[start:start + 2000])


def seed(ctx) -> None:
    profiles = list_profiles()
    commander = ctx.users.get("commander.npl") or ctx.users.get("commander")
    admin = ctx.users.get("admin")
    officer = ctx.users.get("officer") or admin
    if profiles and officer is not None:
        for code in _unit_profiles(profiles):
            _pre_deployment_course(ctx, engine.load_profile(code), officer)
    intervals.rebuild_all()
    db.session.flush()
    if not profiles:
        return
    profile_code = _showcase_profile(profiles)
    if commander is None or admin is None:
        return
    # The Nepalese battalion with the most people who met the exercise requirement goes on the deployment.
    credited = set(_credited_people(engine.load_profile(profile_code), 100000))
    battalions = db.session.scalars(select(Unit).where(Unit.nation_code == "NPL", Unit.kind == "battalion")
                                    .order_by(Unit.code)).all()
    if not battalions:
        return
    members = {b.id: {pid for pid, in db.session.execute(engine.member_ids_as_of(ctx.today, unit=b))} for b in battalions}
    battalion = max(battalions, key=lambda b: (len(members[b.id] & credited), -b.id))

    # Waivers where a commander would give them: people of the battalion who lack exactly one thing that
    # can be waived (a module or the exercise), not screening.
    results = engine.evaluate(sorted(members[battalion.id]), profile_code, ctx.today)
    candidates = sorted((pid for pid, r in results.items()
                         if len(r.gaps) == 1 and r.gaps[0].kind in ("module", "exercise")))
    reasons = ["Course place unavailable before departure; booked for the first in-mission session.",
               "Medical leave during the scheduled classroom session.",
               "Equivalent national course under recognition review."]
    for person_id, reason in zip(candidates, reasons):
        try:
            services.grant_waiver(commander, db.session.get(Person, person_id), requirement=results[person_id].gaps[0].key,
                                  authority="Contingent Commander, NPL, order 14/2026", reason=reason,
                                  expires_on=ctx.today + dt.timedelta(days=ctx.rng.choice((45, 90, 120))),
                                  granted_on=ctx.today)
        except DomainError:
            continue

    services.create_deployment(commander, mission="MINUSCA rotation 14", departure_on=ctx.today + dt.timedelta(days=21),
                               return_on=ctx.today + dt.timedelta(days=213), profile_code=profile_code,
                               unit_ids=[battalion.id], notes="Main body; advance party leaves one week earlier.")
    services.record_assessed_level(commander, battalion.id, profile_code=profile_code, assessed_level="amber",
                                   reason="Missing module completions are booked for the pre-deployment course next week.",
                                   as_of=ctx.today)
    db.session.flush()
