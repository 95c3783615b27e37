"""The status workflow: who may make which transition, and what an illegal one says."""
from __future__ import annotations

import pytest


@pytest.fixture
def exercise(make_exercise):
    return make_exercise(lead="NPL", nations=("FRA",), status="draft", objectives=1)


def _move(client, ex, target):
    return client.post(f"/exercises/{ex.id}/status", data={"target": target})


def _status(db, ex):
    db.session.expire_all()
    return db.session.get(type(ex), ex.id).status


def _move_answers(client, db, ex, target, code: int, status: str):
    """Asking for `target` is answered with `code`, and the exercise's status is then `status`."""
    response = _move(client, ex, target)
    assert response.status_code == code
    assert _status(db, ex) == status
    return response


def test_lead_officer_plans_and_a_lead_commander_approves(exercise, db, client, login_as):
    login_as("training_officer", "nation", nation="NPL")
    _move_answers(client, db, exercise, "planning", 302, "planning")

    refused = _move_answers(client, db, exercise, "approved", 403, "planning")
    assert "Only a commander of the lead nation or of the mission may approve" in refused.get_data(as_text=True)

    login_as("commander", "nation", nation="NPL")
    _move_answers(client, db, exercise, "approved", 302, "approved")


def test_a_participating_nations_officer_cannot_drive_the_lead_nations_exercise(exercise, db, client, login_as):
    login_as("training_officer", "nation", nation="FRA")
    response = _move_answers(client, db, exercise, "planning", 403, "draft")
    assert "training officer of the lead nation" in response.get_data(as_text=True)


def test_a_commander_of_another_nation_cannot_approve(make_exercise, db, client, login_as):
    ex = make_exercise(lead="NPL", nations=("FRA",), status="planning", objectives=1)
    login_as("commander", "nation", nation="FRA")
    _move_answers(client, db, ex, "approved", 403, "planning")


def test_an_illegal_transition_is_refused_with_the_legal_ones_named(exercise, db, client, login_as):
    login_as("training_officer", "nation", nation="NPL")
    response = _move(client, exercise, "closed")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "cannot go from Draft to Closed" in text and "Planning" in text
    _move_answers(client, db, exercise, "no-such-status", 422, "draft")


def test_approval_needs_an_objective(make_exercise, db, client, login_as):
    ex = make_exercise(lead="NPL", status="planning", objectives=0)
    login_as("commander", "mission")
    response = _move(client, ex, "approved")
    assert response.status_code == 422 and "at least one objective" in response.get_data(as_text=True)


def test_director_runs_conduct_to_aar_and_planner_closes(make_exercise, make_person, add_participant, db, client,
                                                         make_user, login_as):
    ex = make_exercise(lead="NPL", status="approved", objectives=1)
    director_person = make_person(nation="NPL")
    add_participant(ex, director_person, role="exercise_director")
    login_as("evaluator", "exercises", person=director_person)
    for target in ("in_conduct", "endex", "aar_draft", "aar_published", "closed"):
        assert _move(client, ex, target).status_code == 302, target
        assert _status(db, ex) == target
    assert _move(client, ex, "planning").status_code == 422  # closed is final


def test_a_player_cannot_move_the_exercise(make_exercise, make_person, add_participant, db, client, login_as):
    ex = make_exercise(lead="NPL", status="approved", objectives=1)
    person = make_person(nation="NPL")
    add_participant(ex, person, role="player")
    login_as("trainee", "self", person=person)
    _move_answers(client, db, ex, "in_conduct", 403, "approved")


def test_postpone_and_cancel(make_exercise, db, client, login_as):
    ex = make_exercise(lead="NPL", status="approved", objectives=1)
    login_as("training_officer", "nation", nation="NPL")
    assert _move(client, ex, "postponed").status_code == 302
    assert _move(client, ex, "planning").status_code == 302
    _move_answers(client, db, ex, "cancelled", 302, "cancelled")
    assert _move(client, ex, "planning").status_code == 422


def test_a_stale_form_is_answered_with_a_conflict(exercise, db, client, login_as):
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/exercises/{exercise.id}/status", data={"target": "planning", "version": "0"})
    assert response.status_code == 409
    assert _status(db, exercise) == "draft"


def test_an_administrator_plans_but_does_not_approve(make_exercise, db, client, login_as):
    ex = make_exercise(lead="NPL", status="planning", objectives=1)
    login_as("admin")
    page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert "Back to draft" in page and ">Approve<" not in page
    _move_answers(client, db, ex, "approved", 403, "planning")
