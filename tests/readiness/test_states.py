"""The stored readiness stretches (readiness_states) are what the dashboard, trends and unit pages count from.
They must say exactly what the per-person engine says on every single day, and stay exact after every kind
of change, whichever way it is recorded."""
import datetime as dt

from sqlalchemy import select

from trainer.readiness import engine, services, states
from trainer.readiness.models import ExerciseCredit, ReadinessInterval, ReadinessState
from trainer.readiness.rules import State

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def _stored(db):
    return sorted((r.person_id, r.profile_code, r.start_on, r.end_on, r.ready, r.valid_until, r.gaps)
                  for r in db.session.scalars(select(ReadinessState)))


def _recomputed(db):
    """The stretches a full rebuild from every recorded interval and credit would give."""
    intervals = db.session.execute(select(ReadinessInterval.person_id, ReadinessInterval.requirement,
                                          ReadinessInterval.basis, ReadinessInterval.start_on,
                                          ReadinessInterval.end_on, ReadinessInterval.cut)).all()
    credits = db.session.execute(select(ExerciseCredit.person_id, ExerciseCredit.exercise_type,
                                        ExerciseCredit.rating, ExerciseCredit.ended_on)).all()
    rows = states.compute_rows(states.load_profiles(db.session), intervals, credits)
    return sorted((r["person_id"], r["profile_code"], r["start_on"], r["end_on"], r["ready"], r["valid_until"],
                   r["gaps"]) for r in rows)


def _state_on(rows, profile, person_id, day):
    """(ready, valid_until, gaps) from the stored stretches, as the SQL lookups read them."""
    for pid, code, start, end, ready, until, gaps in rows:
        if pid == person_id and code == profile.code and start <= day <= end:
            return ready, until, sorted(profile.decode(gaps))
    return profile.ready_by_default, None, sorted(profile.decode(None))


def _engine_on(result):
    """The same three things from the engine's worded result (screening is judged live, so left out)."""
    requirements = [r for r in result.requirements if r.kind != "screening"]
    ready = all(r.met for r in requirements)
    until = min((r.valid_until for r in requirements if r.valid_until is not None), default=None) if ready else None
    return ready, until, sorted((r.key, r.state) for r in requirements if not r.met)


def _population(make_person, make_module, complete, credit, commander):
    hr1 = make_module("HR-01", validity_months=12)
    hr2 = make_module("HR-02", version="1.0", validity_months=1)
    people = [make_person() for _ in range(9)]
    a, b, c, d, e, f, g, h, _nothing = people
    complete(a, hr1, TODAY - 300 * DAY)                      # renewed before it lapsed
    complete(a, hr1, TODAY - 20 * DAY)
    complete(a, hr2, TODAY - 10 * DAY)
    credit(a, TODAY - 15 * DAY, rating="S")
    credit(a, TODAY - 40 * DAY, rating="P")
    complete(b, hr1, TODAY - 400 * DAY)                      # expired, then completed again much later
    complete(b, hr1, TODAY + 30 * DAY)
    credit(b, TODAY - 100 * DAY, rating="M")                 # an M never counts
    complete(c, hr2, TODAY - 45 * DAY)                       # one module, then lapsed
    credit(c, TODAY - 5 * DAY, exercise_type="tabletop")     # wrong exercise type
    complete(d, hr1, TODAY - 50 * DAY)
    complete(d, hr2, TODAY - 50 * DAY)                       # lapsed, then waived
    credit(d, TODAY - 70 * DAY)
    services.grant_waiver(commander, d, requirement="HR-02", authority="Order 1", reason="Course full",
                          expires_on=TODAY + 60 * DAY, granted_on=TODAY - 5 * DAY)
    services.grant_waiver(commander, e, requirement="exercise", authority="Order 2", reason="Medical",
                          expires_on=TODAY + 25 * DAY, granted_on=TODAY - 30 * DAY)
    complete(e, hr1, TODAY - 10 * DAY)
    complete(e, hr2, TODAY - 3 * DAY)
    waiver = services.grant_waiver(commander, f, requirement="HR-01", authority="Order 3", reason="Pending recognition",
                                   expires_on=TODAY + 90 * DAY, granted_on=TODAY - 10 * DAY)
    complete(f, hr2, TODAY - 1 * DAY)
    credit(f, TODAY - 2 * DAY)
    services.revoke_waiver(commander, waiver.id, reason="Recognition refused")
    credit(g, TODAY - 200 * DAY)                             # an exercise only, long ago
    complete(h, hr1, TODAY)                                  # completed today, exercise on the same day
    complete(h, hr2, TODAY)
    credit(h, TODAY)
    return people, hr1, hr2


def test_stretches_say_what_the_engine_says_on_every_day(db, make_person, make_module, make_profile, make_user,
                                                         complete, credit):
    make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S")
    make_profile(code="PKI", modules=("HR-02",), title="Intelligence")          # no exercise requirement
    make_profile(code="SCREEN", modules=(), title="Screening only")              # no module nor exercise
    commander = make_user("commander", "mission")
    people, _, _ = _population(make_person, make_module, complete, credit, commander)
    db.session.commit()
    rows = _stored(db)
    assert rows == _recomputed(db)
    ids = [p.id for p in people]
    checked = set()
    for code in ("UN-PDT", "PKI", "SCREEN"):
        spec = engine.load_profile(code)
        profile = states.profile_of(spec)
        day = TODAY - 460 * DAY
        while day <= TODAY + 460 * DAY:
            for pid, result in engine.evaluate(ids, spec, day).items():
                assert _state_on(rows, profile, pid, day) == _engine_on(result), (code, pid, day)
                checked.add((_engine_on(result)[0], tuple(s for _, s in _engine_on(result)[2])))
            day += DAY
    # The population covered ready and not ready, and every kind of gap.
    assert {ready for ready, _ in checked} == {True, False}
    assert {State.MISSING, State.EXPIRED} <= {s for _, gaps in checked for s in gaps}
    assert not any(code == "SCREEN" for _, code, *_ in rows)  # nothing to store: everyone is ready apart from screening


def test_stretches_stay_exact_after_every_kind_of_change(db, make_person, make_module, make_profile, make_user,
                                                         complete, credit):
    profile = make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S")
    commander = make_user("commander", "mission")
    people, hr1, hr2 = _population(make_person, make_module, complete, credit, commander)
    a, b, c, *_ = people
    assert _stored(db) == _recomputed(db)

    complete(c, hr1, TODAY - 2 * DAY)                                        # a completion recorded
    assert _stored(db) == _recomputed(db)
    credit(c, TODAY - 1 * DAY)                                               # an exercise credit
    assert _stored(db) == _recomputed(db)
    waiver = services.grant_waiver(commander, b, requirement="exercise", authority="Order 9", reason="Course full",
                                   expires_on=TODAY + 10 * DAY, granted_on=TODAY)
    db.session.commit()
    assert _stored(db) == _recomputed(db)
    services.revoke_waiver(commander, waiver.id, reason="Issued in error")   # a waiver revoked
    db.session.commit()
    assert _stored(db) == _recomputed(db)
    profile.required_modules = ["HR-01"]                                     # the profile asks for less
    profile.exercise_within_months = 3
    db.session.commit()
    assert _stored(db) == _recomputed(db)
    assert all(len(gaps) == 2 for *_, gaps in _stored(db))                   # HR-01 and the exercise only
    make_module("HR-01", version="2.0", validity_months=12, retrain_on_major=True,   # a new major version
                imported_at=dt.datetime.combine(TODAY - 5 * DAY, dt.time(9), tzinfo=dt.timezone.utc))
    assert _stored(db) == _recomputed(db)
    assert any("s" in gaps for *_, gaps in _stored(db))                       # the old completions are superseded
    db.session.delete(db.session.get(ExerciseCredit, db.session.scalar(      # a credit withdrawn
        select(ExerciseCredit.id).where(ExerciseCredit.person_id == a.id).limit(1))))
    db.session.commit()
    assert _stored(db) == _recomputed(db)


def _two_profiles_and_population(make_profile, make_user, make_person, make_module, complete, credit):
    """UN-PDT (two modules and an exercise) and a screening-only profile, and the population of `_population`, with the
    commander who sees them."""
    make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S")
    make_profile(code="SCREEN", modules=(), title="Screening only")
    commander = make_user("commander", "mission")
    return (commander, *_population(make_person, make_module, complete, credit, commander))


def test_unit_page_standings_are_the_engines_verdicts(db, make_person, make_module, make_profile, make_user,
                                                      complete, credit):
    """The unit page lists people from their stretches; what it shows must be what the person page says."""
    from trainer.readiness import listing

    _commander, people, hr1, hr2 = _two_profiles_and_population(make_profile, make_user, make_person, make_module,
                                                                complete, credit)
    for screening in ("hold", "pending"):
        person = make_person(screening=screening)
        complete(person, hr1, TODAY - 5 * DAY)
        complete(person, hr2, TODAY - 5 * DAY)
        credit(person, TODAY - 5 * DAY)
        people.append(person)
    db.session.commit()
    ids = [p.id for p in people]
    seen = set()
    for code in ("UN-PDT", "SCREEN"):
        spec = engine.load_profile(code)
        for offset in range(-420, 421, 7):
            day = TODAY + offset * DAY
            expected = engine.evaluate(ids, spec, day)
            shown = listing.standings(ids, spec, day)
            assert shown.keys() == expected.keys()
            for pid, result in expected.items():
                got = shown[pid]
                assert got.ready == result.ready, (code, pid, day)
                assert [(g.key, g.state, g.label) for g in got.gaps] == \
                    [(g.key, g.state, g.label) for g in result.gaps], (code, pid, day)
                if result.ready:
                    assert got.valid_until == result.valid_until, (code, pid, day)
                seen.add((code, result.ready))
    assert seen == {("UN-PDT", True), ("UN-PDT", False), ("SCREEN", True), ("SCREEN", False)}


def test_the_reports_not_ready_list_words_what_the_engine_says(db, make_person, make_module, make_profile, make_user,
                                                                complete, credit, monkeypatch):
    """The report finds who is not ready, and which requirements to word, from their stretches; each listed gap,
    its state and its reason must be the full engine's (their evidence read a few pairs at a time here)."""
    from trainer.readiness.report_rows import ReportScope, not_ready

    monkeypatch.setattr(engine, "PAIRS_PER_STATEMENT", 3)

    commander, people, hr1, hr2 = _two_profiles_and_population(make_profile, make_user, make_person, make_module,
                                                               complete, credit)
    for screening in ("hold", "pending"):
        person = make_person(screening=screening)
        complete(person, hr1, TODAY - 5 * DAY)
        people.append(person)
    db.session.commit()
    ids = [p.id for p in people]
    names = {f"{p.given_names_latin} {p.family_name_latin}".strip(): p.id for p in people}
    seen = set()
    for code in ("UN-PDT", "SCREEN"):
        spec = engine.load_profile(code)
        for offset in range(-420, 421, 14):
            day = TODAY + offset * DAY
            expected = {pid: [(g.key, g.state, g.reason) for g in r.gaps]
                        for pid, r in engine.evaluate(ids, spec, day).items() if not r.ready}
            listed = {names[p.name]: [(g.key, g.state, g.reason) for g in p.gaps]
                      for p in not_ready(ReportScope(commander, spec, day))}
            assert listed == expected, (code, day)
            seen.add((code, bool(listed)))
    assert seen >= {("UN-PDT", True), ("SCREEN", True)}


def test_the_rebuild_command_writes_what_was_there_and_keeps_every_index(app, db, runner, make_person, make_module,
                                                                       make_profile, make_user, complete, credit):
    """`readiness rebuild` empties and rewrites both tables whole (on PostgreSQL: truncated, their indexes built
    again after the load): the same rows as before, and the same indexes."""
    from sqlalchemy import inspect

    make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S")
    commander = make_user("commander", "mission")
    _population(make_person, make_module, complete, credit, commander)
    db.session.commit()
    intervals_before = sorted(db.session.execute(select(
        ReadinessInterval.person_id, ReadinessInterval.requirement, ReadinessInterval.start_on,
        ReadinessInterval.end_on)).tuples())
    stretches_before = _stored(db)

    def indexes():
        found = inspect(db.engine)
        return {table: sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table))
                for table in ("readiness_intervals", "readiness_states")}

    indexes_before = indexes()
    db.session.remove()
    result = runner.invoke(args=["readiness", "rebuild"])
    assert result.exit_code == 0, result.output
    assert sorted(db.session.execute(select(
        ReadinessInterval.person_id, ReadinessInterval.requirement, ReadinessInterval.start_on,
        ReadinessInterval.end_on)).tuples()) == intervals_before
    assert _stored(db) == stretches_before and stretches_before
    assert indexes() == indexes_before and indexes_before["readiness_states"]
