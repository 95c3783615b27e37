"""A refused change comes back on its form with what was typed and the reason beside the field; a
refusal to reach the exercise at all is the error page, and nothing is written either way."""
from __future__ import annotations

import datetime as dt

from tests.conftest import login

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)


def _edit_form(ex, **changes):
    data = {"code": ex.code, "title": ex.title, "type": ex.type, "lead_nation_code": ex.lead_nation_code,
            "nation_codes": ex.nation_codes, "timezone": ex.timezone, "start_local": "2030-06-01T08:00",
            "end_local": "2030-06-02T08:00", "version": str(ex.version)}
    data.update(changes)
    return data


def test_handing_the_lead_to_a_nation_one_does_not_plan_for_is_shown_on_the_form(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/edit", data=_edit_form(ex, title="Typed title", lead_nation_code="FRA"))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You may not hand the lead to FRA." in page and "Not yours to give." in page
    assert 'value="Typed title"' in page
    db.session.expire_all()
    assert db.session.get(type(ex), ex.id).lead_nation_code == "NPL"


def test_an_edit_crossing_anothers_keeps_what_was_typed_beside_the_exercise_as_it_is_now(make_exercise, make_user,
                                                                                          client, db):
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    opened = _edit_form(ex, title="Title typed by the second planner")
    assert client.post(f"/exercises/{ex.id}/edit", data=_edit_form(
        ex, title="Title saved first", location_name="Camp Faouzi")).status_code == 302

    crossing = client.post(f"/exercises/{ex.id}/edit", data=opened)
    assert crossing.status_code == 409
    page = crossing.get_data(as_text=True)
    assert "Someone else saved this exercise while you were editing it" in page
    assert 'value="Title typed by the second planner"' in page  # what was typed is kept
    assert "The exercise as it is now" in page and "Camp Faouzi" in page
    db.session.expire_all()
    saved = db.session.get(type(ex), ex.id)
    assert saved.title == "Title saved first"
    assert f'name="version" type="hidden" value="{saved.version}"' in page  # the form now knows that version

    again = client.post(f"/exercises/{ex.id}/edit", data=dict(opened, version=str(saved.version)))
    assert again.status_code == 302  # saving again replaces it, knowingly
    db.session.expire_all()
    assert db.session.get(type(ex), ex.id).title == "Title typed by the second planner"


def test_a_start_in_the_year_1_is_refused_beside_the_field_keeping_the_form(make_exercise, make_user, client, db):
    """It used to answer a bare 400 page (the UTC offset ran past the calendar's start), losing the form."""
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START, timezone="Asia/Kathmandu")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/edit", data=_edit_form(ex, timezone="Asia/Kathmandu",
                                                                       title="Typed title",
                                                                       start_local="0001-01-01T00:00"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a date between 1900 and 2199." in page and 'value="Typed title"' in page
    db.session.expire_all()
    assert db.session.get(type(ex), ex.id).start_at.year == 2030


def test_new_dates_that_would_leave_injects_outside_the_exercise_are_refused(make_exercise, make_user, client, db):
    """Shortening the exercise used to leave its last injects after ENDEX, with no word anywhere."""
    from trainer.exercises.models import Inject

    ex = make_exercise(lead="NPL", nations=("FRA",), start=START)
    for number, hours in ((1, 2), (2, 20), (3, 23)):
        db.session.add(Inject(exercise_id=ex.id, number=number, planned_at=START + dt.timedelta(hours=hours),
                              to_type="nation", to_nation_code="NPL", message=f"Inject {number}"))
    db.session.commit()
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/edit", data=_edit_form(
        ex, start_local="2030-06-01T09:00", end_local="2030-06-02T00:00"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Inject 1 of the MSEL would fall outside the exercise: move it first." in page
    assert "Injects 2, 3 of the MSEL would fall outside the exercise: move them first." in page
    db.session.expire_all()
    assert db.session.get(type(ex), ex.id).end_at == START + dt.timedelta(days=2)


def test_an_objective_without_a_description_is_refused_on_its_form(make_exercise, make_user, client, db):
    from trainer.exercises.models import Objective

    ex = make_exercise(lead="NPL", start=START)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/objectives", data={"description": "", "capability": "Protection"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The objective could not be saved." in page and "A description of 1 to 2,000 characters is required." in page
    assert db.session.query(Objective).filter_by(exercise_id=ex.id).count() == 0


def test_another_nations_officer_gets_the_error_page_not_the_form(make_exercise, make_user, client, db):
    from trainer.exercises.models import Objective

    ex = make_exercise(lead="NPL", nations=("FRA",), start=START)
    login(client, make_user("training_officer", "nation", nation="FRA").username)
    response = client.post(f"/exercises/{ex.id}/objectives", data={"description": "Planted", "capability": "X"})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Only a training officer of the lead nation (NPL) may change the objectives." in page
    assert 'name="description"' not in page
    assert db.session.query(Objective).filter_by(exercise_id=ex.id).count() == 0


def test_an_inject_outside_the_exercise_is_refused_on_its_form_keeping_the_message(make_exercise, make_user, client,
                                                                                    db):
    from trainer.exercises.models import Inject

    ex = make_exercise(lead="NPL", start=START, objectives=1)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    assert 'value="1"' in client.get(f"/exercises/{ex.id}/msel/new").get_data(as_text=True)  # the next number
    response = client.post(f"/exercises/{ex.id}/msel/new", data={
        "number": "1", "planned_release": "2031-01-01T08:00", "to_type": "nation", "to": "NPL",
        "message": "Crowd at the gate", "objectives": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "must fall between the start and the end of the exercise" in page and "Crowd at the gate" in page
    assert db.session.query(Inject).filter_by(exercise_id=ex.id).count() == 0


def test_a_sender_too_long_is_refused_beside_the_from_field_in_words(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", start=START, objectives=1)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/msel/new", data={
        "number": "1", "planned_release": "2030-06-01T09:00", "recipient": "nation|NPL", "from_": "x" * 201,
        "message": "Crowd at the gate", "objectives": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="from_-error"' in page and "from:" not in page  # under its field, not in the banner by its code name


def test_a_closed_exercise_offers_no_form_that_would_be_refused(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", start=START, objectives=1, status="closed")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    edit = client.get(f"/exercises/{ex.id}/edit", follow_redirects=True)
    assert edit.request.path == f"/exercises/{ex.id}"
    assert "An exercise that is Closed can no longer be changed." in edit.get_data(as_text=True)
    assert "Save milestones" not in client.get(f"/exercises/{ex.id}/milestones").get_data(as_text=True)
    assert "New inject" not in client.get(f"/exercises/{ex.id}/msel").get_data(as_text=True)
    new_inject = client.get(f"/exercises/{ex.id}/msel/new", follow_redirects=True)
    assert "The MSEL of an exercise that is Closed can no longer change." in new_inject.get_data(as_text=True)
    assert 'name="message"' not in new_inject.get_data(as_text=True)


def test_a_code_already_taken_is_not_mistaken_for_someone_elses_save(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START)
    other = make_exercise(lead="NPL", start=START)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/edit", data=_edit_form(ex, code=other.code))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Already used." in page
    assert "The exercise as it is now" not in page
