"""After a change to everyone the writer counts every unit again (readiness/recount.py): the next reader of a
profile asked for today adds up what is kept and counts nothing, and what it shows is what a fresh count says."""
import datetime as dt
import logging

import pytest
from sqlalchemy import select, update

from tests.readiness.test_unit_figures import DAY, TODAY, _figures, _fresh, _view, counted, reading  # noqa: F401
from trainer.org.models import Person
from trainer.readiness import recount, unit_figures
from trainer.readiness.models import StoredUnitFigures
from trainer.transactions import run_follow_ups


@pytest.fixture(autouse=True)
def same_day(monkeypatch):
    """The writer's "today" is the day these tests' pages asked for, even when a run crosses midnight."""
    monkeypatch.setattr(recount, "pages_day", lambda: TODAY)


def _everyone(db, change) -> None:
    """A change no unit can be named for, committed at the boundary (which then runs its follow-ups)."""
    change()
    db.session.commit()
    run_follow_ups()


def test_the_writer_of_a_change_to_everyone_counts_and_the_next_view_counts_nothing(db, force, make_user, counted,
                                                                                  reading):
    from trainer.curricula.models import ReadinessProfile

    commander = make_user("commander", "mission")
    _view(db, commander)
    counted.clear()

    _everyone(db, lambda: db.session.execute(update(Person).values(screening="pending")))  # a bulk statement
    assert counted == [{force[k].id for k in ("top", "b1", "b2", "fra_unit")}], "the writer counted every unit"
    counted.clear()
    pending = _view(db, commander)
    assert counted == [], "the first view after the change counted again"
    assert pending.total.ready == 0 and _figures(pending) == _fresh(db, commander)
    _view(db, commander)
    counted.clear()

    def edit_profile():
        db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == "UN-PDT")).warning_days = 45
    _everyone(db, edit_profile)
    assert len(counted) == 1
    counted.clear()
    after = _view(db, commander)
    assert counted == [] and _figures(after) == _fresh(db, commander)


def test_only_profiles_and_dates_asked_for_today_are_counted_again(db, force, make_user, make_profile, counted,
                                                                  reading):
    from trainer.readiness import aggregate

    commander = make_user("commander", "mission")
    make_profile("UN-OTHER", modules=("HR-01",))
    _view(db, commander)                                                       # UN-PDT, today
    aggregate.scope_readiness(commander, "UN-OTHER", TODAY - 3 * DAY, with_people=False)  # another day only
    db.session.commit()
    assert recount.asked_on(TODAY) == {"UN-PDT": sorted(
        {TODAY, TODAY + 400 * DAY, *aggregate.month_ends(TODAY, 6)})}
    counted.clear()
    _everyone(db, lambda: db.session.execute(update(Person).values(screening="pending")))
    assert len(counted) == 1
    kept = dict(db.session.execute(select(StoredUnitFigures.profile_code, StoredUnitFigures.epoch)
                                   .where(StoredUnitFigures.unit_id == force["top"].id)).all())
    epoch = db.session.scalar(select(unit_figures.FiguresVersion.epoch))
    assert kept["UN-PDT"] == epoch and kept["UN-OTHER"] != epoch


def test_a_recount_that_fails_keeps_the_change_and_leaves_the_count_to_the_next_reader(db, force, make_user, counted,
                                                                                      reading, monkeypatch, caplog):
    commander = make_user("commander", "mission")
    _view(db, commander)
    counted.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(recount, "recount", broken)
    with caplog.at_level(logging.WARNING):
        _everyone(db, lambda: db.session.execute(update(Person).values(screening="pending")))
    assert "readiness figures of UN-PDT not counted" in caplog.text
    assert db.session.scalar(select(Person.screening).where(Person.id == force["ready"].id)) == "pending"
    pending = _view(db, commander)
    assert len(counted) == 1 and pending.total.ready == 0


def test_figures_recounted_while_a_change_commits_are_never_served(db, force, make_user, counted, reading,
                                                                   monkeypatch):
    """A change another app server commits while the writer counts (a unit's people, or the profile again) leaves
    what the writer counted unused: the next view counts those units again."""
    from trainer.readiness import figures_cache

    commander = make_user("commander", "mission")
    _view(db, commander)
    real = recount.unit_figures_on
    other_change = {"units": [force["b2"].id]}

    def counting_while_another_commits(*args, **kwargs):
        figures = real(*args, **kwargs)
        with db.engine.begin() as other:
            if other_change["units"]:
                unit_figures.bump_units(other, other_change["units"])
            else:
                figures_cache.bump(other, everything=True)
        return figures

    monkeypatch.setattr(recount, "unit_figures_on", counting_while_another_commits)
    _everyone(db, lambda: db.session.execute(update(Person).values(screening="pending")))
    counted.clear()
    _view(db, commander)
    assert counted == [{force["b2"].id}]

    monkeypatch.setattr(recount, "unit_figures_on", real)
    real_profile = recount.engine.load_profile

    def profile_edited_again_just_after_it_is_read(code):
        spec = real_profile(code)
        with db.engine.begin() as other:
            figures_cache.bump(other, everything=True)
        return spec

    # (SQLite reads the whole count in one snapshot; on PostgreSQL each statement sees the latest commit.)
    monkeypatch.setattr(recount.engine, "load_profile", profile_edited_again_just_after_it_is_read)
    _everyone(db, lambda: db.session.execute(update(Person).values(screening="cleared")))
    monkeypatch.setattr(recount.engine, "load_profile", real_profile)
    counted.clear()
    _view(db, commander)
    assert len(counted) == 1 and len(counted[0]) == 4, "figures of the profile as it was were served"

    monkeypatch.setattr(recount, "unit_figures_on", counting_while_another_commits)
    other_change["units"] = []                                                # an epoch moved meanwhile
    _everyone(db, lambda: db.session.execute(update(Person).values(screening="hold")))
    counted.clear()
    after = _view(db, commander)
    assert len(counted) == 1 and len(counted[0]) == 4
    assert _figures(after) == _fresh(db, commander)


def test_savepoints_inside_the_change_keep_the_writers_recount(db, force, make_user, counted, reading):
    from sqlalchemy import text

    commander = make_user("commander", "mission")
    _view(db, commander)
    counted.clear()

    def change_with_savepoints():
        db.session.execute(update(Person).values(screening="pending"))
        with db.session.begin_nested():
            pass
        with db.session.begin_nested():
            db.session.execute(text("SELECT 1"))
    _everyone(db, change_with_savepoints)
    assert len(counted) == 1


def test_the_daily_count_says_when_it_could_not_store_and_exits_non_zero(db, force, make_user, runner, reading,
                                                                        monkeypatch):
    from trainer.readiness import aggregate

    commander = make_user("commander", "mission")
    aggregate.scope_readiness(commander, "UN-PDT", TODAY - DAY, with_people=False)
    db.session.commit()
    monkeypatch.setattr(unit_figures, "store", lambda known, patient=False: False)   # the database stayed busy
    result = runner.invoke(args=["readiness", "count", "--date", TODAY.isoformat()])
    assert result.exit_code == 1
    assert f"UN-PDT on {TODAY.isoformat()}: not counted" in result.output


@pytest.mark.parametrize("command", [["readiness", "rebuild"]])
def test_a_command_that_changes_everyone_counts_again_before_it_ends(db, force, make_user, runner, counted, reading,
                                                                     command):
    commander = make_user("commander", "mission")
    _view(db, commander)
    counted.clear()
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert len(counted) == 1
    counted.clear()
    db.session.expire_all()
    _view(db, commander)
    assert counted == []


def test_the_daily_count_keeps_a_new_days_figures_before_anyone_asks(db, force, make_user, runner, counted, reading):
    from trainer.readiness import aggregate

    commander = make_user("commander", "mission")
    month_end = aggregate.month_ends(TODAY, 1)[-1]
    aggregate.scope_readiness(commander, "UN-PDT", TODAY - DAY, forecast_on=TODAY + 400 * DAY, trend_count=6,
                              with_people=False)                          # yesterday's page, with a forecast
    db.session.commit()
    aggregate.scope_readiness(commander, "UN-PDT", month_end, with_people=False)   # a past page, with its details
    db.session.commit()
    counted.clear()
    unit_figures.forget_parsed()   # cron runs in a process of its own, which has parsed nothing
    result = runner.invoke(args=["readiness", "count", "--date", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"UN-PDT on {TODAY.isoformat()}: 4 units counted." in result.output
    counted.clear()
    first = _view(db, commander)                                          # today's first page: same forecast
    assert counted == [], "the day's first page counted again"
    aggregate.scope_readiness(commander, "UN-PDT", TODAY - DAY, forecast_on=TODAY + 400 * DAY, trend_count=6,
                              with_people=False)                          # yesterday's page again: still kept
    aggregate.scope_readiness(commander, "UN-PDT", month_end, with_people=False)   # and the past page's details
    assert counted == []
    assert _figures(first) == _fresh(db, commander)

    # After a change to everyone that nobody has looked at since, the dates come from what was asked for
    db.session.execute(update(Person).values(screening="pending"))
    db.session.commit()
    counted.clear()
    assert runner.invoke(args=["readiness", "count", "--date", (TODAY + DAY).isoformat()]).exit_code == 0
    counted.clear()
    aggregate.scope_readiness(commander, "UN-PDT", TODAY + DAY, forecast_on=TODAY + 400 * DAY, trend_count=6,
                              with_people=False)
    assert counted == []

    later = runner.invoke(args=["readiness", "count", "--date", (TODAY + 5 * DAY).isoformat()])
    assert later.exit_code == 0 and "nothing to count" in later.output
    wrong = runner.invoke(args=["readiness", "count", "--date", "2026-02-30"])
    assert wrong.exit_code == 2 and "2026-02-30 is not a day of the calendar." in wrong.output
