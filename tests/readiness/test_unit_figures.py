"""Each unit's own figures are kept between views: the first view after a change counts again only the units the
change touched (a completion, a transfer, a screening decision), a change to everyone counts every unit again, and
what is served is always what a fresh count says."""
import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from trainer.db import write_intent
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.readiness import aggregate, unit_figures
from trainer.readiness.models import StoredUnitFigures, UnitVersion

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def counted(monkeypatch):
    """The units whose figures each view counted from the source tables (the others were read as kept)."""
    calls = []
    real = unit_figures.Known.learn

    def learn(self, unit_ids, *args, **kwargs):
        calls.append(set(unit_ids))
        return real(self, unit_ids, *args, **kwargs)

    monkeypatch.setattr(unit_figures.Known, "learn", learn)
    return calls


@pytest.fixture
def reading():
    """As a page view: a transaction that reads (the kept figures are then stored)."""
    token = write_intent.set(False)
    yield
    write_intent.reset(token)


def _figures(summary):
    return ([(n.code, n.tally.total, n.tally.ready, n.forecast.total, n.forecast.ready)
             for n in aggregate.flatten(summary.roots)],
            summary.expiring, summary.gap_counts, [(day, t.total, t.ready) for day, t in summary.trend])


def _view(db, commander):
    summary = aggregate.scope_readiness(commander, "UN-PDT", TODAY, forecast_on=TODAY + 400 * DAY, trend_count=6,
                                        with_people=False)
    db.session.commit()  # the end of the request
    return summary


def _fresh(db, commander):
    """The same figures counted from nothing (nothing kept)."""
    db.session.execute(delete(StoredUnitFigures))
    db.session.commit()
    return _figures(_view(db, commander))


def test_a_change_counts_again_only_the_units_it_touched(db, force, complete, make_user, counted, reading):
    from trainer.curricula.models import Module

    commander = make_user("commander", "mission")
    units = {force[k].id: k for k in ("top", "b1", "b2", "fra_unit")}
    first = _view(db, commander)
    assert set(counted[-1]) == set(units) and db.session.scalar(select(db.func.count()).select_from(StoredUnitFigures)) == 4
    assert first.total.total == 3 and first.total.ready == 1

    again = _view(db, commander)
    assert len(counted) == 1, "unchanged figures were counted again"
    assert _figures(again) == _figures(first)

    module = db.session.scalar(select(Module).where(Module.code == "HR-01"))
    complete(force["not_ready"], module, TODAY - 3 * DAY)              # b2
    after = _view(db, commander)
    assert counted[-1] == {force["b2"].id}
    assert after.total.ready == 2 and _figures(after) == _fresh(db, commander)
    counted.clear()

    posting = db.session.scalar(select(UnitAssignment).where(UnitAssignment.person_id == force["ready"].id))
    posting.end_on = TODAY - 10 * DAY                                  # transferred from b1 to France
    db.session.add(UnitAssignment(person_id=force["ready"].id, unit_id=force["fra_unit"].id, start_on=TODAY - 10 * DAY))
    db.session.commit()
    moved = _view(db, commander)
    assert counted[-1] == {force["b1"].id, force["fra_unit"].id}
    assert [(n.code, n.tally.ready) for n in aggregate.flatten(moved.roots)] == \
        [("FRBATT", 1), ("NPL-CONT", 1), ("NPBATT-1", 0), ("NPBATT-2", 1)]
    assert _figures(moved) == _fresh(db, commander)
    counted.clear()

    db.session.get(Person, force["french"].id).screening = "hold"     # the French unit's gaps move
    db.session.commit()
    held = _view(db, commander)
    assert counted[-1] == {force["fra_unit"].id}
    assert _figures(held) == _fresh(db, commander)


def test_a_change_to_everyone_counts_every_unit_again(db, force, make_user, counted, reading):
    from trainer.curricula.models import ReadinessProfile

    commander = make_user("commander", "mission")
    _view(db, commander)
    db.session.execute(update(Person).values(screening="pending"))     # a bulk statement: no unit can be named
    db.session.commit()
    pending = _view(db, commander)
    assert len(counted[-1]) == 4
    assert _figures(pending) == _fresh(db, commander)
    counted.clear()

    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == "UN-PDT"))
    profile.warning_days = 45                                          # the profile itself
    db.session.commit()
    _view(db, commander)
    assert len(counted[-1]) == 4


def test_a_process_that_did_not_count_them_reads_every_kept_row_it_needs(db, force, make_user, counted, reading):
    """Another worker or app server reads the rows one process stored: only those of its reader's scope, and the
    same figures."""
    commander = make_user("commander", "mission")
    first = _figures(_view(db, commander))
    unit_figures.forget_parsed()  # as another worker: nothing parsed by this process yet
    assert _figures(_view(db, commander)) == first and len(counted) == 1, "kept figures were counted again"

    unit_figures.forget_parsed()
    nepal = _view(db, make_user("commander", "nation", nation="NPL"))
    assert len(counted) == 1
    assert sorted(n.code for n in nepal.units.values()) == ["NPBATT-1", "NPBATT-2", "NPL-CONT"]
    assert (nepal.total.total, nepal.total.ready) == (2, 1)
    assert set(unit_figures._PARSED) == {("UN-PDT", force[k].id) for k in ("top", "b1", "b2")}


def test_a_transaction_with_changes_of_its_own_counts_afresh_and_stores_nothing(db, force, make_user, counted, reading,
                                                                                 monkeypatch):
    """Figures read inside a transaction that has changed something, not yet committed, show that change (nothing
    kept is trusted), are not stored, and nothing of them outlives a rollback."""
    commander = make_user("commander", "mission")
    before = _figures(_view(db, commander))
    stored = db.session.execute(select(StoredUnitFigures.unit_id, StoredUnitFigures.stamp)).all()
    counted.clear()
    kept, real_store = [], unit_figures.store
    monkeypatch.setattr(unit_figures, "store", kept.append)

    db.session.get(Person, force["ready"].id).screening = "hold"      # in this transaction only
    inside = aggregate.scope_readiness(commander, "UN-PDT", TODAY, forecast_on=TODAY + 400 * DAY, trend_count=6,
                                       with_people=False)
    assert counted == [{force[k].id for k in ("top", "b1", "b2", "fra_unit")}] and kept == []
    assert inside.total.ready == 0 and _figures(inside) != before
    db.session.rollback()
    assert db.session.execute(select(StoredUnitFigures.unit_id, StoredUnitFigures.stamp)).all() == stored

    monkeypatch.setattr(unit_figures, "store", real_store)
    counted.clear()
    assert _figures(_view(db, commander)) == before and counted == []


def test_figures_counted_while_a_change_commits_are_never_served(db, force, make_user, counted, reading, monkeypatch):
    """A change that commits after a view read the counters, but before it stored what it counted, leaves the
    stored row behind its unit's counter: the next view counts that unit again."""
    commander = make_user("commander", "mission")
    real_store = unit_figures.store

    def store_after_a_change(known):
        with db.engine.begin() as other:   # another app server's writing transaction, committed meanwhile
            unit_figures.bump_units(other, [force["b2"].id])
        real_store(known)

    monkeypatch.setattr(unit_figures, "store", store_after_a_change)
    _view(db, commander)
    monkeypatch.setattr(unit_figures, "store", real_store)
    stale = db.session.scalar(select(StoredUnitFigures.version).where(StoredUnitFigures.unit_id == force["b2"].id))
    current = db.session.scalar(select(UnitVersion.version).where(UnitVersion.unit_id == force["b2"].id))
    assert stale is not None and current == stale + 1
    counted.clear()
    _view(db, commander)
    assert counted == [{force["b2"].id}]


def test_figures_counted_with_a_profile_read_before_a_change_committed_are_never_kept(db, force, make_user, counted,
                                                                                     reading, monkeypatch):
    """The profile and its reach are read before the kept figures' counters: a change to everyone committed in
    between (the profile edited on another app server) leaves what this view counts shown but not kept. (SQLite
    reads the whole view in one snapshot; on PostgreSQL each statement sees the latest commit.)"""
    from trainer.readiness import engine, figures_cache

    commander = make_user("commander", "mission")
    _view(db, commander)
    db.session.execute(update(Person).values(screening="pending"))     # every unit to count again
    db.session.commit()
    real_units = aggregate._units

    def units_after_another_change(*args, **kwargs):
        with db.engine.begin() as other:
            figures_cache.bump(other, everything=True)
        return real_units(*args, **kwargs)

    spec = engine.load_profile("UN-PDT")
    monkeypatch.setattr(aggregate, "_units", units_after_another_change)
    aggregate.scope_readiness(commander, spec, TODAY, forecast_on=TODAY + 400 * DAY, trend_count=6, with_people=False)
    db.session.commit()
    monkeypatch.setattr(aggregate, "_units", real_units)
    counted.clear()
    _view(db, commander)
    assert len(counted) == 1 and len(counted[0]) == 4, "figures counted with the profile as it was were kept"


def test_a_unit_page_counts_and_lists_only_the_people_the_profile_reaches_below_it(db, force, make_person,
                                                                                  make_user):
    """A profile assigned to one battalion: the contingent's page (its subtree's units narrowed to those the
    profile reaches, as one list) counts and lists that battalion's people only, as the plain condition does."""
    from trainer.learning.models import ProfileAssignment
    from trainer.readiness import engine, listing
    from trainer.readiness.profiles import UnitReach, profile_condition

    make_person(unit=force["b1"], family_name="Rai")
    db.session.add(ProfileAssignment(profile_code="UN-PDT", unit_id=force["b1"].id))
    db.session.commit()
    commander = make_user("commander", "mission")
    spec = engine.load_profile("UN-PDT")
    reach = profile_condition("UN-PDT")
    assert isinstance(reach, UnitReach) and reach.unit_ids == {force["b1"].id}
    page = aggregate.scope_readiness(commander, spec, TODAY, unit=force["top"], with_people=False, condition=reach)
    assert (page.total.total, page.total.ready) == (2, 1)
    _, members, people, _ = listing.member_page(commander, spec, TODAY, force["top"], 1, condition=reach)
    assert sorted(p.family_name for p in people.values()) == ["Gurung", "Rai"]
    plain = aggregate.members_select(commander, TODAY, unit=force["top"], profile_condition=reach.condition)
    assert sorted(db.session.execute(plain.with_only_columns(UnitAssignment.person_id)).scalars()) == \
        sorted(people)

    # Found within the contingent, the reach lists the subtree's reached units itself: the list reads no unit again,
    # and gives the same people; found within another unit, it is narrowed to this subtree as before.
    from sqlalchemy import event

    units_read = []
    within = profile_condition("UN-PDT", within=force["top"])
    listener = lambda conn, cursor, statement, *args: units_read.append(statement) if "FROM units" in statement else None
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _, _, listed, _ = listing.member_page(commander, spec, TODAY, force["top"], 1, condition=within)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert sorted(listed) == sorted(people) and units_read == []
    french = force["fra_unit"]
    elsewhere = UnitReach(UnitAssignment.unit_id == french.id, frozenset({french.id}), within=french.path)
    _, _, none, _ = listing.member_page(commander, spec, TODAY, force["top"], 1, condition=elsewhere)
    assert none == {}


def test_a_profile_reaches_every_unit_below_its_units_and_its_people_however_the_reach_is_handed_on(
        db, force, make_unit, make_person, monkeypatch):
    """Assigned to the contingent, a profile reaches both battalions and a company two levels down, not the French
    unit; assigned in person, it reaches that person too; the same people when the reached units are too many to
    list and go to the queries as a subquery."""
    from trainer.learning.models import ProfileAssignment
    from trainer.readiness import profiles

    company = make_unit(nation="NPL", code="NP-COY", parent=force["b2"], kind="company")
    deep = make_person(unit=company, family_name="Thapa")
    db.session.add_all([ProfileAssignment(profile_code="UN-PDT", unit_id=force["top"].id),
                        ProfileAssignment(profile_code="UN-PDT", person_id=force["french"].id)])
    db.session.commit()

    def reached(within=None):
        condition = profiles.profile_condition("UN-PDT", within=within)
        query = select(UnitAssignment.person_id).where(condition, UnitAssignment.end_on.is_(None))
        if within is not None:  # a unit page's queries stay in the unit's subtree
            query = query.join(Unit, Unit.id == UnitAssignment.unit_id).where(Unit.path.startswith(within.path))
        return set(db.session.scalars(query))

    everyone = {force["ready"].id, force["not_ready"].id, deep.id, force["french"].id}
    assert reached() == everyone
    assert reached(within=force["b2"]) == {force["not_ready"].id, deep.id}
    assert reached(within=company) == {deep.id}
    assert reached(within=force["fra_unit"]) == {force["french"].id}
    monkeypatch.setattr(profiles, "REACHED_UNITS_LISTED", 1)
    assert reached() == everyone
    assert reached(within=force["b2"]) == {force["not_ready"].id, deep.id}
    assert profiles.profile_condition("NO-SUCH-PROFILE") is None


def test_on_sqlite_each_persons_stretch_is_sought_not_scanned_for(db, force, make_user):
    """SQLite only nests loops: a join to the stretches covering a day, read from the index by profile and end
    date, would scan every stretch ending after the day for each person (80 s for the gaps of 10,000 people).
    The gap sums and a unit's list of people seek each person's stretch through the person index."""
    import re

    from sqlalchemy import event, text

    from trainer.readiness import counting, engine, listing

    if db.engine.dialect.name != "sqlite":
        pytest.skip("a query plan of SQLite")
    commander = make_user("commander", "mission")
    spec = engine.load_profile("UN-PDT")
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "readiness_states" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        counting.unit_gaps(aggregate.members_select(commander, TODAY), spec, TODAY)
        listing.member_page(commander, spec, TODAY, force["top"], 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) >= 2
    connection = db.session.connection().connection.driver_connection
    for statement, parameters in statements:
        plan = " | ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters))
        assert not re.search(r"readiness_states_covering \(profile_code=\? AND end_on>\?\)", plan), plan
