"""Withdrawing an assignment: kept on record and audited, no longer required, scope-bound, and bad
input changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import login


@pytest.fixture
def assigned(db, curricula_loaded, make_unit, make_person, make_user):
    from trainer.learning.models import ModuleAssignment, ProfileAssignment

    unit = make_unit(nation="NPL", code="NPL-WD")
    person = make_person(unit=unit, family_name_latin="Gurung", given_names_latin="Hari")
    due = dt.date.today() + dt.timedelta(days=20)
    module = ModuleAssignment(module_code="TS-01", person_id=person.id, due_on=due)
    profile = ProfileAssignment(profile_code="TST-PROFILE", unit_id=unit.id, due_on=due)
    db.session.add_all([module, profile])
    db.session.commit()
    make_user("training_officer", "nation", nation="NPL", username="o.wd")
    make_user("trainee", "self", person=person, username="t.wd")
    return module, profile


def reload(db, row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def test_a_withdrawn_assignment_is_kept_marked_and_no_longer_required(app, db, client, assigned):
    from trainer.audit.models import AuditEvent

    module, profile = assigned
    login(client, "t.wd")
    before = client.get("/learning/").get_data(as_text=True)
    assert "assigned to you" in before and "required by profile TST-PROFILE" in before
    login(client, "o.wd")
    page = client.get("/learning/assignments").get_data(as_text=True)
    assert "Withdraw" in page
    response = client.post(f"/learning/assignments/profile/{profile.id}/withdraw",
                           data={"reason": "Unit re-roled to logistics; profile no longer applies"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Assignment of profile TST-PROFILE withdrawn" in text
    assert "Withdrawn" in text and "Unit re-roled to logistics" in text
    row = reload(db, profile)
    assert row.withdrawn_at is not None and row.withdrawal_reason.startswith("Unit re-roled")
    assert db.session.scalars(select(AuditEvent.action)).all().count("profile_assignment.withdraw") == 1
    login(client, "t.wd")
    after = client.get("/learning/").get_data(as_text=True)
    assert "required by profile TST-PROFILE" not in after and "assigned to you" in after


def test_withdrawing_needs_a_reason_and_happens_once(app, db, client, assigned):
    module, _ = assigned
    login(client, "o.wd")
    url = f"/learning/assignments/module/{module.id}/withdraw"
    response = client.post(url, data={"reason": "  "}, follow_redirects=True)
    assert "give a reason" in response.get_data(as_text=True)
    assert reload(db, module).withdrawn_at is None
    client.post(url, data={"reason": "Assigned to the wrong person"})
    first = reload(db, module).withdrawn_at
    response = client.post(url, data={"reason": "Second try"}, follow_redirects=True)
    assert "already withdrawn" in response.get_data(as_text=True)
    row = reload(db, module)
    assert row.withdrawn_at == first and row.withdrawal_reason == "Assigned to the wrong person"


def test_assignments_outside_the_officers_scope_cannot_be_withdrawn(app, db, client, assigned, make_user,
                                                                    make_nation):
    module, profile = assigned
    make_nation("FRA")
    make_user("training_officer", "nation", nation="FRA", username="o.fra.wd")
    login(client, "o.fra.wd")
    assert client.post(f"/learning/assignments/module/{module.id}/withdraw",
                       data={"reason": "Not mine to withdraw"}).status_code == 404
    assert client.post(f"/learning/assignments/profile/{profile.id}/withdraw",
                       data={"reason": "Not mine to withdraw"}).status_code == 404
    assert client.post("/learning/assignments/profile/999999/withdraw", data={"reason": "No such one"}).status_code == 404
    assert reload(db, module).withdrawn_at is None and reload(db, profile).withdrawn_at is None
    login(client, "t.wd")
    assert client.post(f"/learning/assignments/module/{module.id}/withdraw",
                       data={"reason": "Trainees cannot withdraw"}).status_code == 403
    assert reload(db, module).withdrawn_at is None


def test_readiness_no_longer_applies_a_withdrawn_profile(app, db, assigned, make_user):
    from trainer.learning.services import withdraw_assignment
    from trainer.org.models import Person
    from trainer.readiness.guidance import profiles_for_person

    module, profile = assigned
    person = db.session.get(Person, module.person_id)
    assert profiles_for_person(person) == ["TST-PROFILE"]
    withdraw_assignment(make_user("admin", "mission"), "profile", profile.id, "Profile replaced by a newer standard")
    db.session.commit()
    assert profiles_for_person(person) == []
