"""Classroom sessions with more people than one form holds, and bad input that changes nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import login


def _session(db, client, unit):
    response = client.post("/learning/sessions/new", data={
        "module_code": "TS-01", "unit_id": str(unit.id), "held_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "instructor": "Capt. Rana", "location": "Hall 1"})
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_large_unit_is_recorded_page_by_page(app, db, client, curricula_loaded, make_unit, make_person, make_user,
                                               monkeypatch):
    from trainer.learning import services

    monkeypatch.setattr(services, "SESSION_ROWS", 2)
    unit = make_unit(nation="NPL", code="NPL-BIG")
    people = [make_person(unit=unit, family_name_latin=f"Big{n}") for n in range(3)]
    make_user("training_officer", "nation", nation="NPL", username="o.big")
    login(client, "o.big")
    url = _session(db, client, unit)
    page = client.get(url).get_data(as_text=True)
    assert "more people than fit on one page" in page and 'data-select-all="person"' in page
    assert f'value="{people[2].id}"' not in page
    client.post(url, data={"person": [str(people[0].id), str(people[1].id)], "common_evidence": "Sheet 4",
                           f"result-{people[0].id}": "passed", f"result-{people[1].id}": "absent"})
    page = client.get(url).get_data(as_text=True)
    assert f'name="person" value="{people[2].id}"' in page and "more people than fit" not in page


def test_bad_session_input_gets_a_message_and_changes_nothing(app, db, client, curricula_loaded, make_unit,
                                                              make_person, make_user):
    from trainer.learning.models import ClassroomSession, Completion, SessionAttendance

    unit = make_unit(nation="NPL", code="NPL-BAD")
    person = make_person(unit=unit)
    make_user("training_officer", "nation", nation="NPL", username="o.bad")
    login(client, "o.bad")
    empty = client.post("/learning/sessions/new", data={})
    assert empty.status_code == 422 and "This field is required" in empty.get_data(as_text=True)
    future = client.post("/learning/sessions/new", data={
        "module_code": "TS-01", "unit_id": str(unit.id), "held_on": (dt.date.today() + dt.timedelta(days=5)).isoformat(),
        "instructor": "X", "location": "Y"})
    assert "cannot be in the future" in future.get_data(as_text=True)
    wrong_module = client.post("/learning/sessions/new", data={
        "module_code": "NOPE-1", "unit_id": str(unit.id), "held_on": "2026-01-01", "instructor": "X", "location": "Y"})
    assert wrong_module.status_code in (404, 422, 200) and wrong_module.status_code != 302
    assert db.session.scalars(select(ClassroomSession)).all() == []
    url = _session(db, client, unit)
    for data, message in [
        ({"person": [str(person.id)], f"result-{person.id}": "passed", f"score-{person.id}": "abc",
          "common_evidence": "Sheet"}, "a score is a whole number from 0 to 100"),
        ({"person": [str(person.id)], f"result-{person.id}": "passed"}, "a pass needs an evidence note"),
        ({"person": ["not-a-number"]}, "A row names no valid person"),
        ({}, "Select at least one person"),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    db.session.expire_all()
    assert db.session.scalars(select(SessionAttendance)).all() == []
    assert db.session.scalars(select(Completion)).all() == []


def test_bad_assignments_get_a_message_and_change_nothing(app, db, client, curricula_loaded, make_unit, make_person,
                                                          make_user):
    from trainer.learning.models import ModuleAssignment, ProfileAssignment

    unit = make_unit(nation="NPL", code="NPL-AS")
    person = make_person(unit=unit)
    make_user("training_officer", "nation", nation="NPL", username="o.as")
    login(client, "o.as")
    for data, message in [
        ({"code": "TS-01"}, "Choose either one person or one unit"),
        ({"code": "TS-01", "unit_id": str(unit.id), "person_id": str(person.id)}, "Choose either one person or one unit"),
        ({"code": "TS-01", "person_id": str(person.id), "due_on": "2001-01-01"}, "cannot be in the past"),
        ({"code": "TS-01", "person_id": "abc"}, "Not a valid integer value"),
        ({"code": "TS-01", "person_id": str(person.id), "due_on": "31/31/2026"}, "Not a valid date value"),
        ({"code": "NOPE", "person_id": str(person.id)}, "There is no module NOPE"),
    ]:
        response = client.post("/learning/assign", data=data)
        assert response.status_code in (200, 422) and message in response.get_data(as_text=True), (data, message)
    assert db.session.scalars(select(ModuleAssignment)).all() == []
    assert db.session.scalars(select(ProfileAssignment)).all() == []
