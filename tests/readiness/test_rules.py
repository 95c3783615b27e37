"""Pure readiness rules: interval building and requirement states at boundary dates."""
import datetime as dt
from types import SimpleNamespace as NS

from trainer.readiness.intervals import compute_rows
from trainer.readiness.rules import Span, State, exercise_status, module_status, screening_status

D = dt.date


def completion(id, on, until, major=1, version="1.0", person=1, code="HR-01"):
    return NS(id=id, person_id=person, module_code=code, module_major=major, module_version=version,
              completed_on=on, valid_until=until)


def spans_from(rows):
    return [Span(r["start_on"], r["end_on"], r["basis"], r["source_id"], r["cut"], r["module_version"],
                 r["completed_on"], r["valid_until"]) for r in rows]


def test_completion_counts_on_its_first_and_last_day_only():
    rows = compute_rows([completion(1, D(2025, 3, 1), D(2026, 3, 1))], [], {})
    spans = spans_from(rows)
    assert module_status("HR-01", "HR-01", spans, D(2025, 2, 28), 0).state == State.MISSING
    assert module_status("HR-01", "HR-01", spans, D(2025, 3, 1), 0).state == State.MET
    assert module_status("HR-01", "HR-01", spans, D(2026, 3, 1), 0).state == State.MET
    assert module_status("HR-01", "HR-01", spans, D(2026, 3, 1), 30).state == State.EXPIRING
    assert module_status("HR-01", "HR-01", spans, D(2026, 3, 2), 0).state == State.EXPIRED


def test_expiring_inside_the_warning_window():
    spans = spans_from(compute_rows([completion(1, D(2025, 1, 1), D(2026, 1, 1))], [], {}))
    assert module_status("HR-01", "HR-01", spans, D(2025, 11, 1), 60).state == State.MET
    status = module_status("HR-01", "HR-01", spans, D(2025, 11, 15), 60)
    assert status.state == State.EXPIRING and "47 days" in status.reason


def test_new_major_version_with_retraining_supersedes_older_completions():
    cutoffs = {"HR-01": [(2, D(2025, 6, 1))]}
    rows = compute_rows([completion(1, D(2025, 1, 10), D(2026, 1, 10), major=1)], [], cutoffs)
    spans = spans_from(rows)
    assert module_status("HR-01", "HR-01", spans, D(2025, 5, 31), 0).state == State.MET
    later = module_status("HR-01", "HR-01", spans, D(2025, 6, 1), 0)
    assert later.state == State.SUPERSEDED and "new major version" in later.reason


def test_a_newer_completion_supersedes_the_older_from_its_date():
    rows = compute_rows([completion(1, D(2024, 1, 1), D(2026, 1, 1)), completion(2, D(2025, 1, 1), D(2025, 7, 1))], [], {})
    spans = spans_from(rows)
    assert module_status("HR-01", "HR-01", spans, D(2024, 6, 1), 0).evidence["completion_id"] == 1
    assert module_status("HR-01", "HR-01", spans, D(2025, 3, 1), 0).evidence["completion_id"] == 2
    assert module_status("HR-01", "HR-01", spans, D(2025, 8, 1), 0).state == State.EXPIRED


def test_waiver_counts_until_it_expires_or_is_revoked():
    waiver = NS(id=5, person_id=1, requirement="HR-01", granted_on=D(2025, 1, 1), expires_on=D(2025, 6, 30), revoked_at=None)
    spans = spans_from(compute_rows([], [waiver], {}))
    assert module_status("HR-01", "HR-01", spans, D(2025, 6, 30), 0).state == State.WAIVED
    lapsed = module_status("HR-01", "HR-01", spans, D(2025, 7, 1), 0)
    assert lapsed.state == State.MISSING and "waiver ended on 30 Jun 2025" in lapsed.reason
    revoked = NS(**{**waiver.__dict__, "revoked_at": dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)})
    spans = spans_from(compute_rows([], [revoked], {}))
    assert module_status("HR-01", "HR-01", spans, D(2025, 3, 1), 0).state == State.MISSING


def test_exercise_requirement_window_and_minimum_outcome():
    credit = {"exercise_id": 1, "exercise_code": "EX-1", "exercise_title": "Tabletop", "exercise_type": "tabletop",
              "rating": "S", "ended_on": D(2024, 5, 10)}
    kwargs = {"types": ["tabletop", "functional"], "within_months": 12, "warning_days": 0}
    assert exercise_status([credit], D(2025, 5, 10), min_outcome="S", **kwargs).state == State.MET
    assert exercise_status([credit], D(2025, 5, 11), min_outcome="S", **kwargs).state == State.EXPIRED
    assert exercise_status([credit], D(2024, 6, 1), min_outcome="P", **kwargs).state == State.MISSING
    assert exercise_status([credit], D(2024, 5, 9), min_outcome="S", **kwargs).state == State.MISSING


def test_screening_states():
    assert screening_status("cleared").state == State.MET
    assert screening_status("hold").state == State.ON_HOLD
    assert screening_status("pending").state == State.MISSING


def test_a_completion_committed_without_explicit_flush_updates_readiness(db, make_person):
    """The flush listener must see objects that only commit() flushes."""
    from sqlalchemy import select

    from trainer.learning.models import Completion
    from trainer.readiness.models import ReadinessInterval

    person = make_person()
    module = _any_module(db)
    db.session.add(Completion(person_id=person.id, module_id=module.id, module_code=module.code,
                              module_version=module.version, module_major=module.major, method="recognised",
                              score=None, completed_on=D(2025, 1, 1), valid_until=D(2026, 1, 1), evidence="test"))
    db.session.commit()
    rows = db.session.scalars(select(ReadinessInterval).where(ReadinessInterval.person_id == person.id)).all()
    assert [(r.requirement, r.start_on, r.end_on) for r in rows] == [(module.code, D(2025, 1, 1), D(2026, 1, 1))]


def _any_module(db):
    from tests.curricula.builders import add_module

    return add_module(db.session, "HR-01", title="Test", retrain_on_major=True, questions_per_attempt=1)
