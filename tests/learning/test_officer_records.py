"""Training officers: assignments in scope, classroom sessions for many people at once, recognised
prior learning; every change audited and scope-bound."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.conftest import login


def audit_actions(db):
    from trainer.audit.models import AuditEvent

    db.session.expire_all()
    return db.session.scalars(select(AuditEvent.action)).all()


def test_classroom_session_records_results_for_many_people(app, db, client, curricula_loaded, make_unit,
                                                           make_person, make_user):
    from trainer.learning.models import Completion, SessionAttendance

    unit = make_unit(nation="NPL", code="NPL-B2")
    people = [make_person(unit=unit) for _ in range(3)]
    outsider = make_person(unit=make_unit(nation="FRA", code="FRA-B2"))
    officer = make_user("training_officer", "nation", nation="NPL", username="o.class")
    login(client, officer.username)
    held = dt.date.today() - dt.timedelta(days=3)
    response = client.post("/learning/sessions/new", data={"module_code": "TS-01", "unit_id": str(unit.id),
                                                           "held_on": held.isoformat(), "instructor": "Maj. Rai",
                                                           "location": "Hall 2"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session_url = response.headers["Location"]
    # One bad row (a person from another nation) and nothing is recorded.
    bad = {"person": [str(people[0].id), str(outsider.id)], f"result-{people[0].id}": "passed",
           f"result-{outsider.id}": "passed", "common_evidence": "Sheet 12"}
    response = client.post(session_url, data=bad)
    assert response.status_code == 422 and "not in NPL-B2 or not in your scope" in response.get_data(as_text=True)
    assert db.session.scalars(select(SessionAttendance)).all() == []
    good = {"person": [str(p.id) for p in people], "common_evidence": "Attendance sheet 12",
            f"result-{people[0].id}": "passed", f"score-{people[0].id}": "92",
            f"result-{people[1].id}": "passed", f"evidence-{people[1].id}": "Practical test passed",
            f"result-{people[2].id}": "absent"}
    response = client.post(session_url, data=good)
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(Completion).order_by(Completion.person_id)).all()
    assert [(c.person_id, c.method, c.completed_on, c.evidence) for c in rows] == [
        (people[0].id, "classroom", held, "Attendance sheet 12"),
        (people[1].id, "classroom", held, "Practical test passed")]
    assert rows[0].score == 92 and rows[0].recorded_by_id == officer.id
    assert len(db.session.scalars(select(SessionAttendance)).all()) == 3
    assert {"session.create", "session.attendance", "completion.record"} <= set(audit_actions(db))
    # Recording the same person again is refused: records are never changed.
    again = client.post(session_url, data={"person": [str(people[0].id)], f"result-{people[0].id}": "failed"})
    assert again.status_code == 422


def test_recognised_prior_learning_needs_a_justification(app, db, client, curricula_loaded, make_person, make_user):
    from trainer.learning.models import Completion

    person = make_person()
    make_user("training_officer", "nation", nation="NPL", username="o.rpl")
    login(client, "o.rpl")
    url = f"/learning/people/{person.id}/recognise"
    response = client.post(url, data={"module_code": "TS-01", "completed_on": "2026-01-31", "justification": "ok"})
    assert response.status_code == 422 and "at least 20 characters" in response.get_data(as_text=True)
    response = client.post(url, data={"module_code": "TS-01", "completed_on": "2025-01-31",
                                      "justification": "National PDT course 2025, certificate no. 4411 seen"})
    assert response.status_code == 302
    completion = db.session.scalars(select(Completion)).one()
    assert completion.method == "recognised" and completion.valid_until == dt.date(2026, 1, 31)
    assert "completion.record" in audit_actions(db)


def test_prior_learning_recognised_after_a_later_pass_joins_the_history_without_replacing_it(
        app, db, client, curricula_loaded, make_person, make_user):
    """An online pass last month, then prior learning from two years ago recognised today: the matrix, the
    person's record and the start page keep the pass as current, as readiness does."""
    from trainer.curricula.services import get_module
    from trainer.db import utc_today
    from trainer.learning.models import Completion
    from trainer.learning.services import current_completion, record_completion

    person = make_person()
    recent = utc_today() - dt.timedelta(days=30)
    passed = record_completion(None, person, get_module("TS-01"), method="online", completed_on=recent, score=90)
    db.session.commit()
    make_user("training_officer", "nation", nation="NPL", username="o.rpl2")
    login(client, "o.rpl2")
    old = (utc_today() - dt.timedelta(days=730)).isoformat()
    response = client.post(f"/learning/people/{person.id}/recognise", data={
        "module_code": "TS-01", "completed_on": old, "justification": "National PDT course, certificate no. 4411 seen"})
    assert response.status_code == 302
    db.session.expire_all()
    recognised = db.session.scalar(select(Completion).where(Completion.method == "recognised"))
    assert recognised.supersedes_id == passed.id                      # the record keeps the order it was written in
    assert current_completion(person.id, "TS-01").id == passed.id     # the later pass stays current
    page = client.get(f"/learning/people/{person.id}").get_data(as_text=True)
    rows = page.split("All completions")[1]
    assert rows.count("superseded") == 1 and rows.index("superseded") > rows.index(old[:4])
    matrix = client.get(f"/learning/matrix/export?unit_id={person.unit_id}&format=csv").get_data(as_text=True)
    assert "Expired" not in matrix and "Passed" in matrix


def test_officers_cannot_reach_people_outside_their_scope(app, db, client, curricula_loaded, make_person, make_user,
                                                          make_unit):
    make_unit(nation="NPL", code="NPL-HOME")
    outsider = make_person(unit=make_unit(nation="FRA", code="FRA-X"))
    make_user("training_officer", "nation", nation="NPL", username="o.scope")
    login(client, "o.scope")
    assert client.get(f"/learning/people/{outsider.id}").status_code == 404
    response = client.post("/learning/assign", data={"code": "TS-01", "person_id": str(outsider.id)})
    assert response.status_code in (404, 422) and "Assigned." not in response.get_data(as_text=True)
    from trainer.learning.models import ModuleAssignment

    assert db.session.scalars(select(ModuleAssignment)).all() == []


def test_the_same_module_assigned_twice_to_one_unit_is_refused_until_withdrawn(app, db, client, curricula_loaded,
                                                                               make_unit, make_user):
    from trainer.learning.models import ModuleAssignment

    unit = make_unit(nation="NPL", code="NPL-C2", kind="company")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    assign = {"code": "TS-01", "unit_id": str(unit.id)}
    assert client.post("/learning/assign", data=assign).status_code == 302
    again = client.post("/learning/assign", data=assign)
    assert again.status_code in (409, 422)  # shown again on its form
    assert "TS-01 is already assigned there (no due date)." in again.get_data(as_text=True)
    first = db.session.scalars(select(ModuleAssignment)).one()
    withdrawn = client.post(f"/learning/assignments/module/{first.id}/withdraw", data={"reason": "Wrong company"},
                            follow_redirects=True)
    assert "withdrawn" in withdrawn.get_data(as_text=True)
    assert client.post("/learning/assign", data=assign).status_code == 302  # assigned anew once withdrawn
    assert db.session.scalar(select(func.count()).select_from(ModuleAssignment)) == 2


def test_a_withdrawal_without_a_reason_says_so_in_words(app, db, client, curricula_loaded, make_unit, make_user):
    unit = make_unit(nation="NPL", code="NPL-C3", kind="company")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    assert client.post("/learning/assign", data={"code": "TS-01", "unit_id": str(unit.id)}).status_code == 302
    from trainer.learning.models import ModuleAssignment

    row = db.session.scalars(select(ModuleAssignment)).one()
    page = client.post(f"/learning/assignments/module/{row.id}/withdraw", data={"reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Say why the assignment is withdrawn." in page and "reason:" not in page


def test_profile_assigned_to_a_unit_reaches_people_in_sub_units(app, db, client, curricula_loaded, make_unit,
                                                                make_person, make_user):
    top = make_unit(nation="NPL", code="NPL-TOP")
    company = make_unit(nation="NPL", code="NPL-COY", parent=top, kind="company")
    person = make_person(unit=company)
    make_user("training_officer", "nation", nation="NPL", username="o.assign")
    trainee = make_user("trainee", "self", person=person, username="t.assign")
    login(client, "o.assign")
    due = dt.date.today() + dt.timedelta(days=14)
    response = client.post("/learning/assign", data={"code": "TST-PROFILE", "unit_id": str(top.id),
                                                     "due_on": due.isoformat()})
    assert response.status_code == 302
    assert "module_assignment.create" not in audit_actions(db) and "profile_assignment.create" in audit_actions(db)
    login(client, trainee.username)
    page = client.get("/learning/").get_data(as_text=True)
    assert "required by profile TST-PROFILE, assigned to unit NPL-TOP" in page
    assert due.strftime("%d %b %Y") in page and "0 of 2" in page
    assert "Prerequisites first: TS-01" in page


def test_overdue_and_expiring_lists(app, db, client, curricula_loaded, make_unit, make_person, make_user):
    from trainer.curricula.services import get_module
    from trainer.learning.models import ModuleAssignment
    from trainer.learning.rules import add_months
    from trainer.learning.services import record_completion

    unit = make_unit(nation="NPL", code="NPL-LATE")
    late, soon = make_person(unit=unit, family_name="Late"), make_person(unit=unit, family_name="Soon")
    db.session.add(ModuleAssignment(module_code="TS-02", unit_id=unit.id, due_on=dt.date.today() - dt.timedelta(days=5)))
    record_completion(None, soon, get_module("TS-02"), method="online", score=90,
                      completed_on=add_months(dt.date.today(), -12) + dt.timedelta(days=10))
    db.session.commit()
    make_user("training_officer", "nation", nation="NPL", username="o.late")
    login(client, "o.late")
    page = client.get(f"/learning/attention?unit_id={unit.id}").get_data(as_text=True)
    rows = {name: row for row in page.split("<tr>")[2:] for name in (late.full_name_latin, soon.full_name_latin)
            if name in row}
    overdue_cell = lambda row: row.split('data-label="Overdue"')[1].split("</td>")[0]  # noqa: E731
    expiring_cell = lambda row: row.split('data-label="Expiring"')[1].split("</td>")[0]  # noqa: E731
    assert "TS-02" in overdue_cell(rows[late.full_name_latin]) and "5 days late" in rows[late.full_name_latin]
    assert "TS-02" not in expiring_cell(rows[late.full_name_latin])
    assert "TS-02" in expiring_cell(rows[soon.full_name_latin])
    assert "TS-02" not in overdue_cell(rows[soon.full_name_latin])


def test_a_session_held_today_where_the_officer_is_is_accepted_while_utc_is_still_on_the_day_before(
        app, db, client, curricula_loaded, make_unit, make_user, monkeypatch):
    """At 20:00 UTC it is already 01:45 the next day in Kathmandu: a session held there "today" is not in the
    future for an officer whose account is in Kathmandu, and still is for one whose account is in UTC."""
    from trainer.auth import zones
    from trainer.learning.models import ClassroomSession

    utc_day = dt.datetime.now(dt.timezone.utc).date()
    monkeypatch.setattr(zones, "_now", lambda: dt.datetime.combine(utc_day, dt.time(20, 0), dt.timezone.utc))
    unit = make_unit(nation="NPL", code="NPL-B3")
    kathmandu = make_user("training_officer", "nation", nation="NPL", username="o.ktm")
    in_utc = make_user("training_officer", "nation", nation="NPL", username="o.utc")
    kathmandu.timezone = "Asia/Kathmandu"
    db.session.commit()
    held = utc_day + dt.timedelta(days=1)
    session = {"module_code": "TS-01", "unit_id": str(unit.id), "held_on": held.isoformat(), "instructor": "Maj. Rai",
               "location": "Hall 2"}

    login(client, in_utc.username)
    refused = client.post("/learning/sessions/new", data=session)
    assert refused.status_code == 422 and "cannot be in the" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ClassroomSession)).all() == []

    login(client, kathmandu.username)
    accepted = client.post("/learning/sessions/new", data=session)
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert [s.held_on for s in db.session.scalars(select(ClassroomSession))] == [held]


def test_a_due_date_of_today_where_the_officer_is_is_not_in_the_past_while_utc_has_moved_on(
        app, db, curricula_loaded, make_unit, make_person, make_user, monkeypatch):
    """At 02:00 UTC it is still 21:00 the evening before in New York: a module due that day there is not due in the
    past for an officer whose account is in New York, and is for one whose account is in UTC."""
    import pytest

    from trainer.auth import zones
    from trainer.errors import Invalid
    from trainer.learning import services
    from trainer.learning.models import ModuleAssignment

    utc_day = dt.datetime.now(dt.timezone.utc).date()
    monkeypatch.setattr(zones, "_now", lambda: dt.datetime.combine(utc_day, dt.time(2, 0), dt.timezone.utc))
    person = make_person(unit=make_unit(nation="NPL", code="NPL-B4"))
    new_york = make_user("training_officer", "nation", nation="NPL", username="o.nyc")
    in_utc = make_user("training_officer", "nation", nation="NPL", username="o.utc2")
    new_york.timezone = "America/New_York"
    db.session.commit()
    due = utc_day - dt.timedelta(days=1)

    with pytest.raises(Invalid) as refused:
        services.assign(in_utc, kind="module", code="TS-01", person_id=person.id, due_on=due)
    assert [field for field, _message in refused.value.errors] == ["due_on"]
    services.assign(new_york, kind="module", code="TS-01", person_id=person.id, due_on=due)
    db.session.commit()
    assert [a.due_on for a in db.session.scalars(select(ModuleAssignment))] == [due]


def _sessions(db) -> int:
    from trainer.learning.models import ClassroomSession

    return db.session.scalar(select(func.count()).select_from(ClassroomSession))


@pytest.mark.parametrize("changes, field_message", [
    ({"held_on": "0001-01-01"}, "Enter a date between 1900 and 2199."),
    ({"instructor": "Capt\x07 Rai\x1b"}, "Holds a control character"),
    ({"notes": "Held in the \x1b[1mmain\x1b[0m hall"}, "Holds an invisible control character"),
])
def test_a_date_of_the_year_1_or_a_control_character_is_refused_beside_its_field_and_nothing_is_saved(app, db, client, curricula_loaded,
                                                                             make_unit, make_user, changes,
                                                                             field_message):
    unit = make_unit(nation="NPL", code="NPL-B3")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    session = {"module_code": "TS-01", "unit_id": str(unit.id), "held_on": "2026-03-02", "instructor": "Maj. Rai",
               "location": "Hall 2", "notes": "Two\r\nlines"}
    response = client.post("/learning/sessions/new", data={**session, **changes})
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)  # every form's base: trainer/typed_values.py
    assert _sessions(db) == 0
