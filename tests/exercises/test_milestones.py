"""Planning milestones: dates in order, and a planner marks a meeting held (audited); others cannot."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from trainer.audit.models import AuditEvent
from trainer.exercises.models import Milestone

UTC = dt.timezone.utc


def _milestone(db, ex, kind="initial_planning", due_on=None):
    row = Milestone(exercise_id=ex.id, kind=kind, due_on=due_on or dt.date.today() - dt.timedelta(days=3))
    db.session.add(row)
    db.session.commit()
    return row


def test_the_planner_marks_a_meeting_held_and_it_is_audited(make_exercise, login_as, client, db):
    ex = make_exercise(start=dt.datetime.now(UTC) + dt.timedelta(days=30))
    row = _milestone(db, ex)
    login_as("training_officer", "nation", nation="NPL")
    page = client.get(f"/exercises/{ex.id}/milestones").get_data(as_text=True)
    assert "Date passed, not marked held" in page and "Mark held" in page
    response = client.post(f"/exercises/{ex.id}/milestones/held", data={"kind": "initial_planning", "done": "1"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Initial planning meeting (IPM): marked as held." in page and "Mark not held" in page
    db.session.expire_all()
    assert db.session.get(Milestone, row.id).done is True
    events = db.session.execute(select(AuditEvent.action).where(AuditEvent.action.like("exercise.milestone%"))).scalars().all()
    assert events == ["exercise.milestone_held"]
    # and undone again, also audited
    client.post(f"/exercises/{ex.id}/milestones/held", data={"kind": "initial_planning", "done": "0"})
    db.session.expire_all()
    assert db.session.get(Milestone, row.id).done is False
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "exercise.milestone_reopened"


def test_bad_requests_change_nothing_and_say_why(make_exercise, login_as, client, db):
    ex = make_exercise(start=dt.datetime.now(UTC) + dt.timedelta(days=60))
    future = _milestone(db, ex, "final_planning", dt.date.today() + dt.timedelta(days=20))
    login_as("training_officer", "nation", nation="NPL")
    url = f"/exercises/{ex.id}/milestones/held"
    for data, message in (({"kind": "final_planning", "done": "1"}, "it cannot have been held yet"),
                          ({"kind": "midterm_planning", "done": "1"}, "has no date yet"),
                          ({"kind": "bogus", "done": "1"}, "Choose one of the planning milestones."),
                          ({}, "Choose one of the planning milestones.")):
        response = client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True), data
    db.session.expire_all()
    assert db.session.get(Milestone, future.id).done is False
    assert db.session.execute(select(Milestone)).scalars().all() == [db.session.get(Milestone, future.id)]


def test_only_the_lead_nations_planner_marks_meetings(make_exercise, login_as, client, db):
    ex = make_exercise(nations=("FRA",), start=dt.datetime.now(UTC) + dt.timedelta(days=30))
    row = _milestone(db, ex)
    login_as("training_officer", "nation", nation="FRA")
    assert "Mark held" not in client.get(f"/exercises/{ex.id}/milestones").get_data(as_text=True)
    assert client.post(f"/exercises/{ex.id}/milestones/held", data={"kind": row.kind, "done": "1"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Milestone, row.id).done is False


def test_meetings_out_of_order_are_named_with_their_abbreviations(make_exercise, login_as, client, db):
    ex = make_exercise(start=dt.datetime.now(UTC) + dt.timedelta(days=60))
    login_as("training_officer", "nation", nation="NPL")
    soon = dt.date.today() + dt.timedelta(days=10)
    response = client.post(f"/exercises/{ex.id}/milestones", data={
        "initial_planning": (soon + dt.timedelta(days=5)).isoformat(), "midterm_planning": soon.isoformat()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must not come before the initial planning meeting (IPM)" in page and "(ipm)" not in page
    assert db.session.scalars(select(Milestone).where(Milestone.exercise_id == ex.id)).all() == []


def test_the_meetings_of_an_exercise_in_conduct_are_its_history(make_exercise, login_as, client, db):
    ex = make_exercise(start=dt.datetime.now(UTC) + dt.timedelta(days=60))
    _milestone(db, ex, due_on=dt.date.today() + dt.timedelta(days=10))
    ex.status = "in_conduct"
    db.session.commit()
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/exercises/{ex.id}/milestones", data={"initial_planning": ""})   # would remove it
    assert response.status_code == 422
    assert "Planning milestones cannot change once the exercise is In conduct." in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.scalars(select(Milestone).where(Milestone.exercise_id == ex.id)).all()) == 1
