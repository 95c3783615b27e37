"""Readiness test data: modules, profiles, completions (through the learning model), exercise credits, and a small
force of two nations for the page tests."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from trainer.calendar_months import add_months

D = dt.date
_seq = itertools.count(1)


def _stored(db, row):
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def make_profile(db):
    def make(code="UN-PDT", modules=("HR-01",), exercise_types=(), within_months=None, min_outcome=None,
             screening=True, warning_days=30, title="UN pre-deployment"):
        from trainer.curricula.models import ReadinessProfile

        profile = ReadinessProfile(code=code, title={"en": title}, summary={}, audience=None, required_modules=list(modules),
                                   exercise_types=list(exercise_types), exercise_within_months=within_months,
                                   exercise_min_outcome=min_outcome, screening_required=screening,
                                   warning_days=warning_days, content_hash=code.ljust(64, "0"))
        return _stored(db, profile)
    return make


@pytest.fixture
def contingent(make_unit, make_module, make_profile):
    """contingent(sub_codes, validity_months=, warning_days=) -> (module, top, sub-units): module HR-01, all that
    profile UN-PDT requires, and a Nepalese contingent with a sub-unit for each code."""
    def make(sub_codes, *, validity_months: int, warning_days: int):
        module = make_module("HR-01", validity_months=validity_months)
        make_profile("UN-PDT", modules=("HR-01",), warning_days=warning_days)
        top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
        return module, top, [make_unit(nation="NPL", code=code, parent=top) for code in sub_codes]
    return make


@pytest.fixture
def complete(db):
    """complete(person, module, on) -> Completion, recorded through the learning model (intervals follow on commit)."""
    def make(person, module, on: dt.date, *, commit=True):
        from trainer.learning.models import Completion

        completion = Completion(person_id=person.id, module_id=module.id, module_code=module.code,
                                module_version=module.version, module_major=module.major, method="classroom",
                                score=None, completed_on=on, valid_until=add_months(on, module.validity_months),
                                evidence="Test session")
        db.session.add(completion)
        db.session.flush()
        if commit:
            db.session.commit()
        return completion
    return make


@pytest.fixture
def bulk_complete(db):
    """bulk_complete(module, person_ids, completed_on, valid_until): an online completion for each person, inserted
    set-based, then the readiness intervals rebuilt."""
    def make(module, person_ids, completed_on: dt.date, valid_until: dt.date):
        from sqlalchemy import insert

        from trainer.learning.models import Completion
        from trainer.readiness import intervals

        db.session.execute(insert(Completion), [
            {"person_id": pid, "module_id": module.id, "module_code": module.code, "module_version": module.version,
             "module_major": module.major, "method": "online", "completed_on": completed_on,
             "valid_until": valid_until, "evidence": ""} for pid in person_ids])
        intervals.rebuild_all()
        db.session.commit()
    return make


@pytest.fixture
def credit(db):
    def make(person, ended_on: dt.date, *, rating="P", exercise_type="functional", code=None):
        from trainer.readiness.models import ExerciseCredit

        n = next(_seq)
        row = ExerciseCredit(person_id=person.id, exercise_id=1000 + n, objective_id=n, exercise_code=code or f"EX-{n}",
                             exercise_title="Exercise", exercise_type=exercise_type, rating=rating, ended_on=ended_on)
        return _stored(db, row)
    return make


@pytest.fixture
def bulk_people(db):
    """bulk_people(unit, n, start_on) -> ids: many people inserted set-based, each with a unit assignment."""
    def make(unit, n, *, start_on=D(2020, 1, 1), screening="cleared"):
        from sqlalchemy import insert, select

        from trainer.org.models import Person, UnitAssignment

        base = next(_seq) * 100000
        rows = [{"nation_code": unit.nation_code, "unit_id": unit.id, "service_number": f"B{base + i}",
                 "family_name": f"Bulk{base + i}", "given_names": "Test", "family_name_latin": f"Bulk{base + i}",
                 "given_names_latin": "Test", "search_text": "", "rank_code": "OR-4", "national_rank": "",
                 "category": "military", "screening": screening, "status": "active", "version": 1}
                for i in range(n)]
        db.session.execute(insert(Person), rows)
        ids = db.session.scalars(select(Person.id).where(Person.service_number.in_([r["service_number"] for r in rows]))).all()
        db.session.execute(insert(UnitAssignment), [{"person_id": pid, "unit_id": unit.id, "start_on": start_on, "note": ""}
                                                    for pid in ids])
        db.session.commit()
        return list(ids)
    return make


@pytest.fixture
def force(db, make_unit, make_person, make_module, make_profile, complete):
    """Nepal: a contingent with two battalions, one trained person and one untrained; France: one unit."""
    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",), warning_days=30)
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    b1 = make_unit(nation="NPL", code="NPBATT-1", parent=top)
    b2 = make_unit(nation="NPL", code="NPBATT-2", parent=top)
    ready = make_person(unit=b1, family_name="Gurung", given_names="Asha")
    complete(ready, module, dt.date.today() - dt.timedelta(days=100))
    not_ready = make_person(unit=b2, family_name="=HYPERLINK(1)", given_names="Bishnu", family_name_latin="=HYPERLINK(1)")
    fra_unit = make_unit(nation="FRA", code="FRBATT")
    french = make_person(unit=fra_unit, family_name="Martin")
    return {"top": top, "b1": b1, "b2": b2, "ready": ready, "not_ready": not_ready, "fra_unit": fra_unit, "french": french}
