"""The dashboard's figures (per-unit tallies, 30/60/90-day expiries, most common gaps) come from set-based
queries; they must be exactly what the per-person engine says, on every boundary day."""
import datetime as dt
from collections import Counter

from trainer.readiness import aggregate, counting, engine, intervals, services
from trainer.readiness.models import Waiver
from trainer.calendar_months import add_months, month_ends
from trainer.readiness.profiles import requirement_label

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def _expected(summary, spec):
    """Figures recomputed from the engine's per-person results."""
    per_unit, expiring, gaps = {}, Counter(), Counter()
    for pid, result in summary.people.items():
        unit_id = summary.unit_of[pid]
        total, ready = per_unit.get(unit_id, (0, 0))
        per_unit[unit_id] = (total + 1, ready + int(result.ready))
        until = result.valid_until
        for days in counting.EXPIRY_WINDOWS:
            if result.ready and until is not None and until <= summary.as_of + dt.timedelta(days=days):
                expiring[days] += 1
        for gap in result.gaps:
            gaps[(requirement_label(spec, gap.key), gap.label)] += 1
    return per_unit, expiring, gaps


def test_set_based_figures_match_the_engine(db, make_unit, make_person, make_module, make_profile, make_user,
                                             complete, credit):
    hr1 = make_module("HR-01", validity_months=12)
    hr2_old = make_module("HR-02", version="1.0", validity_months=24, title="Protection")
    cutover = TODAY - 10 * DAY
    make_module("HR-02", version="2.0", validity_months=24, retrain_on_major=True, title="Protection",
                imported_at=dt.datetime.combine(cutover, dt.time(9), tzinfo=dt.timezone.utc))
    hr2 = hr2_old
    make_profile(modules=("HR-01", "HR-02"), exercise_types=("functional",), within_months=1, min_outcome="S",
                 warning_days=30)
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    child = make_unit(nation="NPL", code="NPBATT-1", parent=top)
    french = make_unit(nation="FRA", code="FRBATT")
    units = [top, child, french]
    commander = make_user("commander", "mission")
    n = iter(range(1000))

    def person(**kwargs):
        return make_person(unit=units[next(n) % 3], start_on=TODAY - 400 * DAY, **kwargs)

    def full(p, hr1_on=TODAY - 100 * DAY, hr2_on=TODAY - 5 * DAY, exercise_on=TODAY - 3 * DAY, rating="S"):
        complete(p, hr1, hr1_on)
        complete(p, hr2, hr2_on)
        if exercise_on:
            credit(p, exercise_on, rating=rating)

    full(person())                                                    # ready
    expires_today = add_months(TODAY - 365 * DAY, 12)
    full(person(), hr1_on=TODAY - 365 * DAY)                           # HR-01 valid until about today
    full(person(), hr1_on=TODAY)                                       # completed on the date
    full(person(), hr1_on=TODAY + 5 * DAY)                             # completed later (missing before)
    full(person(), hr2_on=TODAY - 50 * DAY)                            # superseded by the new major version
    full(person(), hr2_on=TODAY - 800 * DAY)                           # expired long ago
    full(person(screening="hold"))
    full(person(screening="pending"))
    full(person(), rating="M")                                         # an M does not count
    full(person(), exercise_on=TODAY - 60 * DAY)                       # exercise too old: expired
    full(person(), exercise_on=TODAY - 31 * DAY)                       # on the edge of its window
    full(person(), exercise_on=None)                                   # never exercised: missing
    waived_module = person()
    full(waived_module, hr2_on=TODAY - 800 * DAY)
    waived_exercise = person()
    full(waived_exercise, exercise_on=None)
    both = person()                                                    # two waivers on one requirement
    complete(both, hr1, TODAY - 20 * DAY)
    credit(both, TODAY - 2 * DAY)
    person()                                                           # nothing at all
    moved = person()                                                   # transferred 50 days ago, gaps and all
    complete(moved, hr1, TODAY - 300 * DAY)
    from trainer.org.models import UnitAssignment
    posting = db.session.query(UnitAssignment).filter_by(person_id=moved.id).one()
    posting.end_on = TODAY - 50 * DAY
    db.session.add(UnitAssignment(person_id=moved.id, unit_id=(french if posting.unit_id != french.id else top).id,
                                  start_on=TODAY - 50 * DAY))
    for who, requirement, expires in ((waived_module, "HR-02", TODAY + 20 * DAY),
                                      (waived_exercise, "exercise", TODAY + 45 * DAY),
                                      (both, "HR-02", TODAY + 15 * DAY)):
        services.grant_waiver(commander, who, requirement=requirement, authority="Order 7", reason="Course full",
                              expires_on=expires, granted_on=TODAY - 30 * DAY)
    # An older record overlapping the current waiver (as imported data can hold): the later expiry counts.
    db.session.add(Waiver(person_id=both.id, requirement="HR-02", authority="Order 6", reason="Earlier order",
                          granted_on=TODAY - 40 * DAY, expires_on=TODAY + 70 * DAY))
    db.session.commit()
    intervals.rebuild_all()
    db.session.commit()

    spec = engine.load_profile("UN-PDT")
    days = {TODAY, TODAY - DAY, TODAY + DAY, expires_today, expires_today + DAY, cutover - DAY, cutover, TODAY - 30 * DAY,
            TODAY - 31 * DAY, TODAY + 5 * DAY, TODAY + 15 * DAY, TODAY + 16 * DAY, TODAY + 20 * DAY, TODAY + 21 * DAY,
            TODAY + 45 * DAY, TODAY + 46 * DAY, TODAY - 100 * DAY, TODAY + 300 * DAY}
    # Days on which some evidence lapses exactly at the end of a 30, 60 or 90-day window.
    lapses = {add_months(TODAY - 3 * DAY, 1), add_months(TODAY - 2 * DAY, 1), TODAY + 15 * DAY, TODAY + 45 * DAY}
    days |= {until - dt.timedelta(days=w) for until in lapses for w in counting.EXPIRY_WINDOWS}
    seen_states = set()
    for day in sorted(days):
        summary = aggregate.scope_readiness(commander, spec, day)
        per_unit, expiring, gaps = _expected(summary, spec)
        figures = counting.unit_figures_on(aggregate.member_spans(commander), spec, [], details_on=day)[day]
        assert {u: (f.total, f.ready) for u, f in figures.items()} == per_unit, day
        assert summary.expiring == {d: expiring[d] for d in counting.EXPIRY_WINDOWS}, day
        assert all(gaps[(r, s)] == c for r, s, c in summary.gaps), day
        assert [c for _, _, c in summary.gaps] == sorted(gaps.values(), reverse=True)[:8], day
        assert summary.total.ready == sum(r for _, r in per_unit.values()), day
        slim = aggregate.scope_readiness(commander, spec, day, with_people=False)
        assert [(n.id, n.tally.total, n.tally.ready) for n in aggregate.flatten(slim.roots)] == \
            [(n.id, n.tally.total, n.tally.ready) for n in aggregate.flatten(summary.roots)]
        assert slim.people == {} and slim.gaps == summary.gaps and slim.expiring == summary.expiring
        seen_states |= {s for _, s, _ in summary.gaps}
        assert engine.count_ready(aggregate.members_select(commander, day).with_only_columns(
            aggregate.UnitAssignment.person_id), spec, day) == (summary.total.total, summary.total.ready)
    # Every date in one pass gives each date's own figures per unit (membership included).
    many = counting.unit_figures_on(aggregate.member_spans(commander), spec, days)
    for day in days:
        alone = counting.unit_figures_on(aggregate.member_spans(commander), spec, [], details_on=day)[day]
        assert {u: (f.total, f.ready) for u, f in many[day].items()} == {u: (f.total, f.ready) for u, f in alone.items()}
    # A unit's page (figures and gaps counted from rows) says what the engine says of that unit's people.
    for unit in units:
        for day in sorted(days):
            page = aggregate.scope_readiness(commander, spec, day, unit=unit)
            per_unit, expiring, gaps = _expected(page, spec)
            assert (page.total.total, page.total.ready) == (sum(t for t, _ in per_unit.values()),
                                                            sum(r for _, r in per_unit.values())), (unit.code, day)
            node = page.units[unit.id]
            assert (node.tally.total, node.tally.ready) == (page.total.total, page.total.ready), (unit.code, day)
            assert page.expiring == {d: expiring[d] for d in counting.EXPIRY_WINDOWS}, (unit.code, day)
            assert sorted(gaps.items()) == sorted(((r, s), c) for r, s, c in page.gaps) or len(gaps) > 8, (unit.code, day)
            assert all(gaps[(r, s)] == c for r, s, c in page.gaps), (unit.code, day)
    # A unit's figures counted from rows are the same as from the wide statements.
    for unit in units:
        spans = aggregate.member_spans(commander, unit=unit)
        for day in days:
            wide = counting.unit_figures_on(spans, spec, sorted(days), details_on=day)
            rows = counting.unit_figures_on(spans, spec, sorted(days), details_on=day, by_rows=True)
            assert {d: {u: (f.total, f.ready, f.expiring) for u, f in by_unit.items()} for d, by_unit in rows.items()} \
                == {d: {u: (f.total, f.ready, f.expiring) for u, f in by_unit.items()} for d, by_unit in wide.items()}, day
    # Each unit's gaps, summed by the database slot by slot for the whole force, are those counted from rows.
    slots = counting.gap_slots(spec)
    for day in sorted(days):
        wide = counting.unit_gaps(aggregate.members_select(commander, day), spec, day)
        counted: dict = {}
        counting.count_rows(aggregate.member_spans(commander), spec, [day], day, gaps=counted)
        assert {u: v for u, v in wide.items() if any(v)} == \
            {u: tuple(c.get(slot, 0) for slot in slots) for u, c in counted.items() if c}, day
        assert any(any(v) for v in wide.values()), day
    # The trend points and the forecast of a page are each day's own figures.
    page = aggregate.scope_readiness(commander, spec, TODAY, forecast_on=TODAY + 10 * DAY, trend_count=6,
                                     with_people=False)
    assert [day for day, _ in page.trend] == month_ends(TODAY, 6)
    for day, tally in page.trend:
        alone = aggregate.scope_readiness(commander, spec, day, with_people=False)
        assert (tally.total, tally.ready) == (alone.total.total, alone.total.ready), day
    later = aggregate.scope_readiness(commander, spec, TODAY + 10 * DAY, with_people=False)
    assert [(n.id, n.forecast.total, n.forecast.ready) for n in aggregate.flatten(page.roots)] == \
        [(n.id, n.tally.total, n.tally.ready) for n in aggregate.flatten(later.roots)]
    assert any(n.forecast.ready for n in aggregate.flatten(page.roots))
    # The population really exercised every kind of gap and the expiry windows.
    assert {"missing", "expired", "superseded", "on hold"} <= seen_states
    today = aggregate.scope_readiness(commander, spec, TODAY)
    assert 0 < today.expiring[30] <= today.expiring[90] and today.total.ready > 0
