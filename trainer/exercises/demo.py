"""Demo exercises: past (AAR published, closed), current (in conduct) and future (approved, planning,
draft) across time zones, with participants from several nations, objectives linked to modules,
evaluators with assignments, planning milestones, injects and one double booking to resolve.
The large scale adds about 200 exercises, written with bulk inserts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from trainer.db import utcnow
from trainer.extensions import db
from trainer.exercises.models import (
    EvaluatorAssignment, Exercise, ExerciseNation, ExerciseUnit, Inject, InjectObjective, Milestone, Objective,
    Participant,
)
from trainer.exercises.timeutil import local_to_utc
from trainer.org.models import Person, Unit

FALLBACK_MODULES = ["HR-01", "HR-02", "PKI-01", "PKI-02", "CT-01"]
OBJECTIVES = [
    ("Share threat information with protection actors within the sharing rules", "Intelligence sharing", "PKI-02"),
    ("Protect civilians at a checkpoint under threat, with graduated use of force", "Protection of civilians", "HR-01"),
    ("Identify and report grave violations against children", "Child protection", "HR-02"),
    ("Coordinate a casualty evacuation with the host nation", "Operational coordination", None),
    ("Secure a convoy route against improvised explosive devices within the mandate", "Counter-terrorism within the mandate", "CT-01"),
]

# (code, title, type, military name, lead, nations, zone, location, start offset days, length days, status)
SCENARIOS = [
    ("SHIELD-KIGALI", "Shield of Kigali: protection-of-civilians command post exercise", "functional", "CPX", "RWA",
     ["RWA", "NPL", "BGD", "FRA"], "Africa/Kigali", "Kigali, Rwanda Peace Academy", -60, 3, "aar_published"),
    ("HIMALAYAN-RESOLVE", "Himalayan Resolve: human-rights tabletop", "tabletop", None, "NPL",
     ["NPL", "URY", "JOR", "RWA"], "Asia/Kathmandu", "Birendra Peace Operations Training Centre, Panchkhal", -120, 1, "closed"),
    ("BLUE-HELMET", "Blue Helmet: multinational field training exercise", "full_scale", "FTX", "FRA",
     ["FRA", "NPL", "RWA", "IDN"], "Europe/Oslo", "Rena training area, Norway", -1, 4, "in_conduct"),
    ("RIVER-CROSSING", "River Crossing: convoy protection drill", "drill", None, "URY",
     ["URY", "NPL", "BGD"], "America/Montevideo", "Montevideo, Escuela Nacional de Operaciones de Paz", 30, 3, "approved"),
    ("NIGHT-WATCH", "Night Watch: base defence drill", "drill", None, "NPL",
     ["NPL", "IDN"], "Asia/Kathmandu", "Kathmandu", 31, 2, "planning"),
    ("KIGALI-PROTECT", "Kigali Protect: seminar on early warning", "seminar", None, "RWA",
     ["RWA", "FRA", "CHN"], "Africa/Kigali", "Kigali", 75, 1, "planning"),
    ("DRAFT-TTX", "Intelligence-sharing tabletop (draft)", "tabletop", None, "NPL",
     ["NPL", "UKR"], "Asia/Kathmandu", "Kathmandu", 120, 1, "draft"),
]


def _module_codes() -> list[str]:
    table = db.metadata.tables.get("modules")
    codes = sorted(set(db.session.scalars(select(table.c.code)))) if table is not None else []
    return codes or FALLBACK_MODULES


def _start(ctx, offset: int, zone: str, hour: int = 8) -> dt.datetime:
    day = ctx.today + dt.timedelta(days=offset)
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, 0)), zone, fold=0)


def _people(nation: str, count: int, exclude: set[int]) -> list[Person]:
    rows = db.session.scalars(select(Person).where(Person.nation_code == nation, Person.status == "active",
                                                   Person.id.not_in(exclude or {0})).order_by(Person.id).limit(count))
    return list(rows)


def _seed_exercise(ctx, scenario: tuple, members: list[str], modules: set[str], planner) -> tuple[Exercise, list[Objective]]:
    """One scenario's exercise, with its nations, a battalion of each and its objectives."""
    code, title, type_, military, lead, _, zone, location, offset, days, status = scenario
    ex = Exercise(code=code, title=title, type=type_, military_name=military, lead_nation_code=lead,
                  timezone=zone, location_name=location, start_at=_start(ctx, offset, zone),
                  end_at=_start(ctx, offset + days - 1, zone, hour=17), status=status,
                  scenario_summary=("Armed groups threaten displaced civilians near a river crossing; the force must "
                                    "protect civilians, share information within the rules and report violations."),
                  prerequisite_modules=",".join(c for c in ("HR-01", "PKI-02") if c in modules),
                  created_by_id=planner.id if planner else None)
    ex.nations = [ExerciseNation(nation_code=n) for n in members]
    units = db.session.scalars(select(Unit).where(Unit.nation_code.in_(members), Unit.kind != "contingent",
                                                  Unit.parent_id.is_not(None)).order_by(Unit.id)).all()
    battalions = [u for u in units if u.kind in ("battalion", "formed_police_unit")]
    ex.units = [ExerciseUnit(unit_id=u.id) for u in battalions[: len(members)]]
    db.session.add(ex)
    db.session.flush()
    objectives = []
    for number, (text, capability, module) in enumerate(OBJECTIVES[: 3 + (len(code) % 3)], start=1):
        objective = Objective(exercise_id=ex.id, number=number, description=text, capability=capability,
                              module_code=module if module in modules else None)
        db.session.add(objective)
        objectives.append(objective)
    db.session.flush()
    return ex, objectives


def _demo_part(nation: str, lead: str, i: int) -> str:
    """The part of the i-th person of a nation: staff from the lead nation, evaluators from elsewhere."""
    if nation == lead and i == 0:
        return "exercise_director"
    if nation == lead and i in (1, 2):
        return "controller"
    if nation == lead and i == 3:
        return "trusted_agent"
    if nation != lead and i == 0:
        return "evaluator"
    if i == 9:
        return "observer"
    return "player"


def _seed_participants(ctx, ex: Exercise, members: list[str], planner, avoid: set[int],
                       double_booked_from: Exercise | None) -> list[Participant]:
    """Players from each nation, staff from the lead nation, evaluators from elsewhere; the demo users'
    own people in the first exercises; one person double-booked from `double_booked_from`."""
    evaluator_person_id = ctx.users["evaluator"].person_id if "evaluator" in ctx.users else None
    trainee_person_id = ctx.users["trainee"].person_id if "trainee" in ctx.users else None
    taken, rows = set(), []

    def add(person_id, nation, unit_id, role, state):
        if person_id in taken:
            return None
        taken.add(person_id)
        p = Participant(exercise_id=ex.id, person_id=person_id, nation_code=nation, unit_id=unit_id, role=role,
                        status=state, nominated_by_id=planner.id if planner else None,
                        decided_by_id=planner.id if planner and state != "nominated" else None,
                        decided_at=utcnow() if state != "nominated" else None)
        db.session.add(p)
        rows.append(p)
        return p

    future_open = ex.status in ("planning", "draft")
    if evaluator_person_id and ex.code in ("SHIELD-KIGALI", "HIMALAYAN-RESOLVE", "BLUE-HELMET"):
        ev = db.session.get(Person, evaluator_person_id)
        add(ev.id, ev.nation_code, ev.unit_id, "lead_evaluator", "confirmed")
    if trainee_person_id and ex.code in ("HIMALAYAN-RESOLVE", "BLUE-HELMET", "RIVER-CROSSING"):
        tr = db.session.get(Person, trainee_person_id)
        add(tr.id, tr.nation_code, tr.unit_id, "player", "confirmed")
    for nation in members:
        for i, person in enumerate(_people(nation, 10, exclude=taken | avoid)):
            role = _demo_part(nation, ex.lead_nation_code, i)
            state = "nominated" if future_open and i % 3 == 0 and role == "player" else "confirmed"
            add(person.id, nation, person.unit_id, role, state)
    if double_booked_from is not None:
        # One NPL player of the other exercise is nominated here too: a double booking to resolve.
        clash = db.session.scalar(select(Participant).where(
            Participant.exercise_id == double_booked_from.id, Participant.nation_code == "NPL",
            Participant.role == "player", Participant.status == "confirmed",
            Participant.person_id != (trainee_person_id or 0)).order_by(Participant.id))
        if clash is not None:
            add(clash.person_id, clash.nation_code, clash.unit_id, "player", "nominated")
    db.session.flush()
    return rows


def _seed_assignments(ex: Exercise, rows: list[Participant], objectives: list[Objective]) -> None:
    """Each confirmed evaluator evaluates players of other nations on every objective, and a unit on the first."""
    evaluators = [p for p in rows if p.role in ("evaluator", "lead_evaluator") and p.status == "confirmed"]
    players = [p for p in rows if p.role == "player" and p.status == "confirmed"]
    for k, evaluator in enumerate(evaluators):
        for objective in objectives:
            targets = [p for p in players if p.nation_code != evaluator.nation_code][k::max(len(evaluators), 1)][:2]
            for target in targets:
                db.session.add(EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                                   target_participant_id=target.id))
        unit = next((u for u in ex.units if u.unit.nation_code != evaluator.nation_code), None)
        if unit is not None:
            db.session.add(EvaluatorAssignment(participant_id=evaluator.id, objective_id=objectives[0].id,
                                               target_unit_id=unit.unit_id))


def _seed_milestones(ctx, ex: Exercise, offset: int) -> None:
    """Planning milestones, in HSEEP order, before the start (held when their day has passed)."""
    local_start = (ctx.today + dt.timedelta(days=offset))
    for kind, before in (("concept_objectives", 90), ("initial_planning", 60), ("midterm_planning", 30),
                         ("final_planning", 7)):
        if ex.status == "draft" and kind != "concept_objectives":
            continue
        db.session.add(Milestone(exercise_id=ex.id, kind=kind, due_on=local_start - dt.timedelta(days=before),
                                 done=offset - before < 0))


INJECT_MESSAGES = ["Displaced families gather at the bridge; armed men seen nearby.",
                   "A local leader reports a child recruited by an armed group.",
                   "A partner force asks for the patrol's source reports.",
                   "A convoy reports a suspicious object on the route.",
                   "Casualties at the market; host-nation ambulances delayed.",
                   "Media ask about an alleged abuse by peacekeepers."]


def _seed_injects(ex: Exercise, members: list[str], objectives: list[Objective]) -> None:
    """Six injects through the first day; released already when the exercise is over or under way."""
    if ex.status == "draft":
        return
    for number in range(1, 7):
        planned = ex.start_at + dt.timedelta(hours=number)
        released = ex.status in ("aar_published", "closed") or (ex.status == "in_conduct" and planned < utcnow())
        inject = Inject(exercise_id=ex.id, number=number, scenario_time=f"D+0 {8 + number:02d}:00",
                        planned_at=planned, from_text="SIMCELL — UN OCHA liaison" if number % 2 else "EXCON",
                        to_type="nation", to_nation_code=members[number % len(members)],
                        method=["radio", "phone", "e-mail", "role player"][number % 4],
                        message=INJECT_MESSAGES[number - 1],
                        expected_action="Report through the chain of command and act within the mandate.",
                        contingency=number == 6, status="released" if released else "planned",
                        released_at=planned + dt.timedelta(minutes=3) if released else None)
        db.session.add(inject)
        db.session.flush()
        db.session.add(InjectObjective(inject_id=inject.id, objective_id=objectives[number % len(objectives)].id))


def seed(ctx) -> None:
    nations = set(ctx.nations)
    modules = set(_module_codes())
    planner = ctx.users.get("officer")
    used_in: dict[str, set[int]] = {}
    created: dict[str, Exercise] = {}
    for scenario in SCENARIOS:
        code, offset, members = scenario[0], scenario[8], [n for n in scenario[5] if n in nations]
        ex, objectives = _seed_exercise(ctx, scenario, members, modules, planner)
        # Night Watch overlaps River Crossing: keep its people apart but for the one double booking.
        night_watch = code == "NIGHT-WATCH"
        rows = _seed_participants(ctx, ex, members, planner,
                                  avoid=used_in.get("RIVER-CROSSING", set()) if night_watch else set(),
                                  double_booked_from=created.get("RIVER-CROSSING") if night_watch else None)
        used_in[code] = {p.person_id for p in rows}
        _seed_assignments(ex, rows, objectives)
        _seed_milestones(ctx, ex, offset)
        _seed_injects(ex, members, objectives)
        created[code] = ex
    db.session.flush()
    if ctx.scale == "large":
        _seed_bulk(ctx, sorted(modules))


def _bulk_status(rng, offset: int, days: int) -> str:
    """A likely status for an exercise starting `offset` days from today and lasting `days`."""
    if offset + days < -14:
        return rng.choice(["closed", "closed", "aar_published", "cancelled"])
    if offset + days < 0:
        return rng.choice(["endex", "aar_draft"])
    if offset <= 0:
        return "in_conduct"
    if offset < 60:
        return rng.choice(["approved", "approved", "planning", "postponed"])
    return rng.choice(["planning", "draft"])


def _seed_bulk(ctx, modules: list[str]) -> None:
    """About 200 more exercises over two years, written set-wise."""
    rng = ctx.rng
    zones = ["Asia/Kathmandu", "Europe/Oslo", "Africa/Kigali", "America/Montevideo", "Asia/Dhaka", "Asia/Jakarta",
             "Asia/Amman", "Europe/Paris", "Africa/Nairobi", "Asia/Karachi"]
    types = ["seminar", "workshop", "tabletop", "game", "drill", "functional", "full_scale"]
    nations = list(ctx.nations)
    people_by_nation: dict[str, list[tuple[int, int]]] = {}
    for pid, nation, unit_id in db.session.execute(select(Person.id, Person.nation_code, Person.unit_id)
                                                   .where(Person.status == "active")):
        people_by_nation.setdefault(nation, []).append((pid, unit_id))
    battalions: dict[str, list[int]] = {}
    for uid, nation in db.session.execute(select(Unit.id, Unit.nation_code).where(
            Unit.kind.in_(("battalion", "formed_police_unit")))):
        battalions.setdefault(nation, []).append(uid)
    next_ex = (db.session.scalar(select(func.max(Exercise.id))) or 0) + 1
    next_obj = (db.session.scalar(select(func.max(Objective.id))) or 0) + 1
    ex_rows, nation_rows, unit_rows, obj_rows, part_rows = [], [], [], [], []
    now = utcnow()
    for i in range(195):
        offset = rng.randint(-700, 365)
        days = rng.choice([1, 1, 2, 3, 5])
        zone = rng.choice(zones)
        members = rng.sample(nations, rng.randint(2, 4))
        lead = members[0]
        status = _bulk_status(rng, offset, days)
        type_ = rng.choice(types)
        start = _start(ctx, offset, zone)
        ex_id = next_ex + i
        ex_rows.append({"id": ex_id, "code": f"EX-{ctx.today.year % 100:02d}-{i + 1:03d}", "title": f"Joint exercise {i + 1}",
                        "type": type_, "military_name": {"functional": "CPX", "full_scale": "FTX"}.get(type_),
                        "scenario_summary": "", "lead_nation_code": lead, "location_name": zone.split("/")[-1].replace("_", " "),
                        "timezone": zone, "start_at": start, "end_at": _start(ctx, offset + days - 1, zone, hour=17),
                        "status": status, "prerequisite_modules": ",".join(rng.sample(modules, min(2, len(modules)))),
                        "created_by_id": None, "created_at": now, "updated_at": now, "version": 1})
        for n in members:
            nation_rows.append({"exercise_id": ex_id, "nation_code": n})
            if battalions.get(n):
                unit_rows.append({"exercise_id": ex_id, "unit_id": rng.choice(battalions[n])})
        for number in range(1, 4):
            text, capability, module = OBJECTIVES[(i + number) % len(OBJECTIVES)]
            obj_rows.append({"id": next_obj, "exercise_id": ex_id, "number": number, "description": text,
                             "capability": capability, "module_code": module if module in modules else None,
                             "rating_scale": "HSEEP"})
            next_obj += 1
        for n_index, n in enumerate(members):
            pool = people_by_nation.get(n, [])
            if not pool:
                continue
            for k, (pid, unit_id) in enumerate(rng.sample(pool, min(6, len(pool)))):
                role = "evaluator" if (k == 0 and n_index > 0) else ("controller" if k == 0 else "player")
                part_rows.append({"exercise_id": ex_id, "person_id": pid, "nation_code": n, "unit_id": unit_id,
                                  "role": role, "status": "confirmed" if status not in ("draft", "planning") else "nominated",
                                  "nominated_at": now, "updated_at": now})
    for table, rows in ((Exercise, ex_rows), (ExerciseNation, nation_rows), (ExerciseUnit, unit_rows),
                        (Objective, obj_rows), (Participant, part_rows)):
        for chunk in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[chunk:chunk + 2000])
    db.session.flush()
