"""Readiness as of a date, end to end through the database: boundaries, supersession, screening,
the exercise requirement, waivers and transfers between units."""
import datetime as dt

from trainer.readiness import aggregate, engine, services
from trainer.readiness.rules import State

D = dt.date


def _state(result, key):
    return next(r for r in result.requirements if r.key == key).state


def test_boundary_dates_expiring_on_the_day_completed_on_the_day_and_forecast(db, make_person, make_module, make_profile, complete):
    module = make_module("HR-01", validity_months=12)
    make_profile("UN-PDT", modules=("HR-01",), warning_days=0)
    person = make_person()
    complete(person, module, D(2025, 3, 1))  # valid until 1 March 2026 inclusive

    assert not engine.evaluate_person(person.id, "UN-PDT", D(2025, 2, 28)).ready          # the day before
    on_completion = engine.evaluate_person(person.id, "UN-PDT", D(2025, 3, 1))              # completed on the as-of date
    assert on_completion.ready and _state(on_completion, "HR-01") == State.MET
    last_day = engine.evaluate_person(person.id, "UN-PDT", D(2026, 3, 1))                  # expiring on the as-of date
    assert last_day.ready and last_day.valid_until == D(2026, 3, 1)
    after = engine.evaluate_person(person.id, "UN-PDT", D(2026, 3, 2))                     # a future forecast
    assert not after.ready and _state(after, "HR-01") == State.EXPIRED
    assert "expired on 01 Mar 2026" in after.gaps[0].reason


def test_new_major_version_with_retraining_supersedes_old_completions(db, make_person, make_module, make_profile, complete):
    old = make_module("HR-01", "1.0", validity_months=36)
    make_profile("UN-PDT", modules=("HR-01",), warning_days=0)
    person = make_person()
    complete(person, old, D(2024, 1, 10))
    assert engine.evaluate_person(person.id, "UN-PDT", D(2025, 6, 1)).ready
    make_module("HR-01", "2.0", validity_months=36, retrain_on_major=True,
                imported_at=dt.datetime(2025, 5, 1, 8, tzinfo=dt.timezone.utc))
    assert engine.evaluate_person(person.id, "UN-PDT", D(2025, 4, 30)).ready
    later = engine.evaluate_person(person.id, "UN-PDT", D(2025, 6, 1))
    assert _state(later, "HR-01") == State.SUPERSEDED and not later.ready


def test_screening_hold_makes_a_trained_person_not_ready(db, make_person, make_module, make_profile, complete):
    module = make_module()
    make_profile(modules=("HR-01",))
    held = make_person(screening="hold")
    complete(held, module, D(2025, 1, 1))
    result = engine.evaluate_person(held.id, "UN-PDT", D(2025, 2, 1))
    assert not result.ready and _state(result, "screening") == State.ON_HOLD


def test_exercise_requirement_needs_a_recent_p_or_s(db, make_person, make_module, make_profile, complete, credit):
    module = make_module()
    make_profile(modules=("HR-01",), exercise_types=("functional", "full_scale"), within_months=12, min_outcome="S",
                 warning_days=0)
    person = make_person()
    complete(person, module, D(2025, 1, 1))
    credit(person, D(2024, 6, 30), rating="M")
    assert _state(engine.evaluate_person(person.id, "UN-PDT", D(2025, 2, 1)), "exercise") == State.MISSING
    credit(person, D(2024, 6, 30), rating="S")
    assert engine.evaluate_person(person.id, "UN-PDT", D(2025, 2, 1)).ready
    assert _state(engine.evaluate_person(person.id, "UN-PDT", D(2025, 7, 1)), "exercise") == State.EXPIRED


def test_waiver_counts_as_waived_until_revoked(db, make_person, make_module, make_profile, make_user):
    make_module()
    make_profile(modules=("HR-01",))
    person = make_person()
    commander = make_user("commander", "nation", nation="NPL")
    today = dt.date.today()
    waiver = services.grant_waiver(commander, person, requirement="HR-01", authority="Contingent order 7",
                                   reason="Course full; scheduled next rotation", expires_on=today + dt.timedelta(days=60))
    db.session.commit()
    result = engine.evaluate_person(person.id, "UN-PDT", today)
    assert result.ready and _state(result, "HR-01") == State.WAIVED
    assert not engine.evaluate_person(person.id, "UN-PDT", today + dt.timedelta(days=61)).ready

    services.revoke_waiver(commander, waiver.id, reason="Course place found")
    db.session.commit()
    assert _state(engine.evaluate_person(person.id, "UN-PDT", today + dt.timedelta(days=1)), "HR-01") == State.MISSING


def test_waiver_needs_reason_authority_and_a_known_requirement(db, make_person, make_module, make_profile, make_user, make_nation):
    import pytest

    from trainer.errors import Invalid, NotFound

    make_module()
    make_profile(modules=("HR-01",))
    person = make_person()
    commander = make_user("commander", "nation", nation="NPL")
    with pytest.raises(Invalid) as caught:
        services.grant_waiver(commander, person, requirement="XX-99", authority="", reason=" ", expires_on="soon")
    assert {f for f, _ in caught.value.errors} == {"requirement", "authority", "reason", "expires_on"}
    make_nation("FRA")
    french = make_user("commander", "nation", nation="FRA")
    with pytest.raises(NotFound):
        services.grant_waiver(french, person, requirement="HR-01", authority="x", reason="y",
                              expires_on=dt.date.today() + dt.timedelta(days=5))


def test_transfer_moves_a_person_between_units_on_the_date(db, make_unit, make_person, make_module, make_profile, complete, make_user):
    from trainer.org.people import transfer_person

    module = make_module()
    make_profile(modules=("HR-01",))
    a = make_unit(code="NPBATT-A")
    b = make_unit(code="NPBATT-B")
    person = make_person(unit=a, start_on=D(2024, 1, 1))
    complete(person, module, D(2024, 2, 1))
    transfer_person(None, person, b, D(2024, 6, 1))
    db.session.commit()
    admin = make_user("admin", "mission")
    spec = engine.load_profile("UN-PDT")
    before = aggregate.scope_readiness(admin, spec, D(2024, 5, 31))
    after = aggregate.scope_readiness(admin, spec, D(2024, 6, 1))
    assert (before.units[a.id].tally.total, before.units[b.id].tally.total) == (1, 0)
    assert (after.units[a.id].tally.total, after.units[b.id].tally.total) == (0, 1)
    assert after.units[b.id].tally.ready == 1
