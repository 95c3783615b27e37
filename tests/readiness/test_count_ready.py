"""Trend totals come from one aggregate query (engine.count_ready); they must agree with the full
engine for every kind of person and on the boundary days."""
import datetime as dt

from sqlalchemy import Date, cast, literal, null, select

from trainer.org.models import Person
from trainer.readiness import counting, engine, services

D = dt.date


def test_count_ready_agrees_with_the_engine_on_every_boundary(db, make_person, make_module, make_profile, make_user,
                                                              complete, credit):
    hr1, hr2 = make_module("HR-01", validity_months=12), make_module("HR-02", validity_months=1)
    make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S",
                 warning_days=30)
    everyone = []

    def person(**kwargs):
        p = make_person(**kwargs)
        everyone.append(p.id)
        return p

    ready = person()
    complete(ready, hr1, D(2025, 1, 31))
    complete(ready, hr2, D(2025, 1, 31))          # valid until 28 Feb 2025 (clamped)
    credit(ready, D(2025, 1, 31), rating="S")      # counts until 28 Feb 2025
    held = person(screening="hold")
    complete(held, hr1, D(2025, 1, 31))
    complete(held, hr2, D(2025, 1, 31))
    credit(held, D(2025, 1, 31))
    weak = person()                                # an M does not count
    complete(weak, hr1, D(2025, 1, 31))
    complete(weak, hr2, D(2025, 1, 31))
    credit(weak, D(2025, 1, 31), rating="M")
    other_type = person()                          # nor does an exercise of another type
    complete(other_type, hr1, D(2025, 1, 31))
    complete(other_type, hr2, D(2025, 1, 31))
    credit(other_type, D(2025, 1, 31), exercise_type="tabletop")
    half = person()                                # one module only
    complete(half, hr1, D(2025, 1, 31))
    credit(half, D(2025, 1, 31))
    waived = person()                              # a waived module and a waived exercise requirement
    complete(waived, hr1, D(2025, 1, 31))
    commander = make_user("commander", "mission")
    today = dt.date.today()
    for requirement in ("HR-02", "exercise"):
        services.grant_waiver(commander, waived, requirement=requirement, authority="Order 7", reason="Course full",
                              expires_on=today + dt.timedelta(days=30), granted_on=today)
    db.session.commit()

    people = select(Person.id).where(Person.id.in_(everyone))
    days = [D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 27), D(2025, 2, 28), D(2025, 3, 1), today,
            today + dt.timedelta(days=30), today + dt.timedelta(days=31)]
    for day in days:
        results = engine.evaluate(people, "UN-PDT", day)
        expected = (len(results), sum(1 for r in results.values() if r.ready))
        assert engine.count_ready(people, "UN-PDT", day) == expected, day
    assert engine.count_ready(people, "UN-PDT", D(2025, 2, 28)) == (6, 1)
    # All dates in one pass (a column per date): the same figures as one query per date.
    spans = select(Person.id.label("person_id"), literal(D(2000, 1, 1), Date).label("start_on"),
                   cast(null(), Date).label("end_on"), literal(1).label("unit_id")).where(Person.id.in_(everyone))
    many = counting.unit_figures_on(spans, engine.load_profile("UN-PDT"), days)
    assert {day: (figures[1].total, figures[1].ready) for day, figures in many.items()} == \
        {day: engine.count_ready(people, "UN-PDT", day) for day in days}
    assert many[D(2025, 2, 28)][1].ready == 1
