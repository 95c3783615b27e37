"""Deciding knowingly: confirming a nominee who lacks prerequisites asks why (and the reason is audited),
approval shows the open conflicts first, refusals stay on the page they were asked from, and the people
concerned are told about their nomination and the decision."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import login
from trainer.audit.models import AuditEvent
from trainer.auth.models import Notification
from trainer.errors import Invalid
from trainer.exercises import participants as participant_service
from trainer.exercises.models import Participant

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def nominee(make_module, make_exercise, make_person, add_participant, db):
    """A player nominated for an exercise that needs HR-01 and PKI-02, holding neither."""
    make_module("HR-01", title="HR-01", validity_months=24, audience=())
    make_module("PKI-02", title="PKI-02", validity_months=24, audience=())
    ex = make_exercise(lead="NPL", start=START, prerequisites="HR-01,PKI-02", objectives=1, code="PREREQ")
    person = make_person(nation="NPL", family_name="Lacking", family_name_latin="Lacking")
    return add_participant(ex, person, role="player", status="nominated")


def _status(db, participant):
    db.session.expire_all()
    return db.session.get(Participant, participant.id).status


def test_confirming_a_player_who_lacks_prerequisites_needs_a_reason_which_is_audited(nominee, make_user, db):
    officer = make_user("training_officer", "nation", nation="NPL")
    ex = nominee.exercise
    with pytest.raises(Invalid) as refused:
        participant_service.decide_participant(officer, ex, nominee.id, "confirm")
    assert "lacks HR-01, PKI-02" in refused.value.message
    assert [name for name, _ in refused.value.errors] == ["reason"]
    db.session.rollback()
    assert _status(db, nominee) == "nominated"

    participant_service.decide_participant(officer, ex, nominee.id, "confirm",
                                           reason="Completes HR-01 in the pre-deployment course next week.")
    db.session.commit()
    assert _status(db, nominee) == "confirmed"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exercise.participant.confirm")).one()
    import json

    details = json.loads(event.details)
    assert details["missing_prerequisites"] == ["HR-01", "PKI-02"]
    assert details["reason"] == "Completes HR-01 in the pre-deployment course next week."


def test_a_controller_or_a_player_holding_the_modules_is_confirmed_without_a_question(make_exercise, make_person,
                                                                                      add_participant, make_user,
                                                                                      make_module, db):
    make_module("HR-01", title="HR-01", validity_months=24, audience=())
    ex = make_exercise(lead="NPL", start=START, prerequisites="HR-01", objectives=1)
    controller = add_participant(ex, make_person(nation="NPL"), role="controller", status="nominated")
    officer = make_user("training_officer", "nation", nation="NPL")
    participant_service.decide_participant(officer, ex, controller.id, "confirm")
    db.session.commit()
    assert _status(db, controller) == "confirmed"


def test_the_participants_page_asks_before_confirming_a_player_who_lacks_prerequisites(nominee, make_user, client,
                                                                                       db):
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    ex = nominee.exercise
    page = client.get(f"/exercises/{ex.id}/participants").get_data(as_text=True)
    decide = f"/exercises/{ex.id}/participants/{nominee.id}/decide"
    assert f'href="{decide}">Confirm…' in page  # a link to the question, not a one-click confirmation

    question = client.get(decide).get_data(as_text=True)
    assert "lacks prerequisite modules of this exercise" in question and "HR-01" in question and "PKI-02" in question
    assert "Confirm anyway" in question and 'name="reason"' in question

    # without a reason: the same page again, what was asked kept, nothing changed
    refused = client.post(decide, data={"decision": "confirm", "asked": "1", "reason": "  "})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Give the reason for confirming without the prerequisites." in text and "Confirm anyway" in text
    assert _status(db, nominee) == "nominated"

    done = client.post(decide, data={"decision": "confirm", "asked": "1", "reason": "Commander's decision."})
    assert done.status_code == 302 and _status(db, nominee) == "confirmed"


def test_a_stale_one_click_confirmation_lands_on_the_question(nominee, make_user, client, db):
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    ex = nominee.exercise
    response = client.post(f"/exercises/{ex.id}/participants/{nominee.id}/decide", data={"decision": "confirm"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Lacking" in text and "Confirm anyway" in text and "Back to the start page" not in text


def test_a_double_booking_is_refused_on_the_participants_page_not_an_error_page(make_exercise, make_person,
                                                                               add_participant, make_user, client, db):
    first = make_exercise(lead="NPL", start=START, end=START + dt.timedelta(days=3), code="ALPHA")
    second = make_exercise(lead="NPL", start=START + dt.timedelta(days=1), code="BRAVO")
    person = make_person(nation="NPL", family_name="Booked")
    add_participant(first, person, status="confirmed")
    nomination = add_participant(second, person, status="nominated")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{second.id}/participants/{nomination.id}/decide", data={"decision": "confirm"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "cannot be confirmed: already confirmed in an overlapping exercise (ALPHA" in page
    assert 'id="ev-h"' in page and f'data-participant="{nomination.id}"' in page  # the participants page itself
    assert "Back to the start page" not in page


def test_a_refused_assignment_keeps_what_was_chosen(make_exercise, make_person, add_participant, make_user, client, db):
    ex = make_exercise(lead="NPL", nations=("RWA",), objectives=1)
    evaluator = add_participant(ex, make_person(nation="RWA"), role="evaluator")
    player = add_participant(ex, make_person(nation="NPL"))
    from trainer.exercises.models import ExerciseUnit, Objective

    objective = db.session.query(Objective).filter_by(exercise_id=ex.id).one()
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    both = {"evaluator_id": str(evaluator.id), "objective_id": str(objective.id),
            "target_participant_id": str(player.id), "target_unit_id": str(player.unit_id)}
    db.session.add(ExerciseUnit(exercise_id=ex.id, unit_id=player.unit_id))
    db.session.commit()
    response = client.post(f"/exercises/{ex.id}/assignments", data=both)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a player or a unit, not both." in page
    assert f'<option selected value="{evaluator.id}">' in page or f'value="{evaluator.id}" selected' in page


def test_an_illegal_status_change_is_shown_on_the_exercise_page(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", status="draft", objectives=1)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{ex.id}/status", data={"target": "closed"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot go from Draft to Closed" in page and "Start planning" in page  # the exercise's own buttons
    assert "Back to the start page" not in page
    stale = client.post(f"/exercises/{ex.id}/status", data={"target": "planning", "version": "0"})
    assert stale.status_code == 409 and "Someone else changed this exercise" in stale.get_data(as_text=True)
    assert f'name="version" value="{ex.version}"' in stale.get_data(as_text=True)  # read afresh: retry works
    asked = client.post(f"/exercises/{ex.id}/status", data={"target": "closed", "asked": "1"})
    assert asked.status_code == 422 and asked.get_data(as_text=True).count("cannot go from Draft to Closed") == 1


def test_approval_shows_the_open_conflicts_and_asks_before_approving(nominee, make_user, client, db):
    ex = nominee.exercise
    commander = make_user("commander", "nation", nation="NPL")
    login(client, commander.username)
    overview = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    approve = f"/exercises/{ex.id}/status?target=approved"
    assert f'href="{approve}">Approve…' in overview and 'value="approved"' not in overview

    question = client.get(approve).get_data(as_text=True)
    assert "1 player lacks prerequisite modules:" in question and "Lacking" in question and "HR-01, PKI-02" in question
    assert "Approve with these open conflicts" in question
    assert db.session.get(type(ex), ex.id).status == "planning"  # asking changes nothing

    approved = client.post(f"/exercises/{ex.id}/status", data={"target": "approved", "version": str(ex.version),
                                                                "asked": "1"})
    assert approved.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(ex), ex.id).status == "approved"


def test_approval_refused_for_want_of_an_objective_is_shown_on_the_question(make_exercise, make_user, client, db):
    ex = make_exercise(lead="NPL", status="planning", objectives=0)
    login(client, make_user("commander", "mission").username)
    question = client.get(f"/exercises/{ex.id}/status?target=approved").get_data(as_text=True)
    assert "needs at least one objective" in question
    refused = client.post(f"/exercises/{ex.id}/status", data={"target": "approved", "asked": "1"})
    assert refused.status_code == 422
    assert "needs at least one objective" in refused.get_data(as_text=True) and "Open conflicts" in \
        refused.get_data(as_text=True)


def test_asking_for_a_move_one_may_not_make_says_who_may(make_exercise, make_user, client):
    ex = make_exercise(lead="NPL", status="planning", objectives=1)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get(f"/exercises/{ex.id}/status?target=approved").get_data(as_text=True)
    assert "Only a commander of the lead nation or of the mission may approve" in page
    assert 'name="asked"' not in page
    assert client.get(f"/exercises/{ex.id}/status").status_code == 302


# --- what the people concerned are told ------------------------------------------------------------

def _notes(db, user):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_nominated_confirmed_and_declined_people_are_told(make_exercise, make_person, make_user, db):
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START, timezone="Asia/Kathmandu", code="TOLD",
                       title="Told exercise", location_name="Panchkhal")
    officer = make_user("training_officer", "nation", nation="NPL")
    people = [make_person(nation="NPL", family_name=f"Told{i}") for i in range(2)]
    users = [make_user("trainee", "self", person=p) for p in people]

    first = participant_service.nominate_participant(officer, ex, person_id=people[0].id, role="player")
    second = participant_service.nominate_participant(officer, ex, person_id=people[1].id, role="controller")
    db.session.commit()
    [note] = _notes(db, users[0])
    assert note.kind == "exercise.nominated" and "TOLD" in note.subject
    # the exercise's dates in its own local time (Kathmandu is UTC+05:45), the role and the place
    assert "1 Jun 2030 11:45" in note.body and "player" in note.body and "Panchkhal" in note.body

    participant_service.decide_participant(officer, ex, first.id, "confirm")
    participant_service.decide_participant(officer, ex, second.id, "decline")
    db.session.commit()
    confirmed = _notes(db, users[0])[-1]
    assert confirmed.kind == "exercise.confirmed" and confirmed.link == f"/exercises/{ex.id}"
    declined = _notes(db, users[1])[-1]
    assert declined.kind == "exercise.declined" and "declined" in declined.subject and declined.link is None

    # nominated again after the decline: a new notice, not swallowed as a duplicate
    participant_service.nominate_participant(officer, ex, person_id=people[1].id, role="player")
    db.session.commit()
    assert [n.kind for n in _notes(db, users[1])] == ["exercise.nominated", "exercise.declined", "exercise.nominated"]


def test_a_withdrawn_participant_is_told_and_someone_without_an_account_is_skipped(make_exercise, make_person,
                                                                                   add_participant, make_user, db):
    ex = make_exercise(lead="NPL", start=START)
    officer = make_user("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    user = make_user("trainee", "self", person=person)
    participant = add_participant(ex, person, status="confirmed")
    participant_service.withdraw_participant(officer, ex, participant.id)
    db.session.commit()
    assert [n.kind for n in _notes(db, user)] == ["exercise.withdrawn"]
    nobody = make_person(nation="NPL")  # no account: nothing to tell, nothing fails
    participant_service.nominate_participant(officer, ex, person_id=nobody.id, role="player")
    db.session.commit()


def test_asking_about_an_exercise_out_of_reach_says_nothing_of_it(make_exercise, make_user, make_nation, client):
    make_nation("NPL")
    ex = make_exercise(lead="FRA", status="planning", objectives=1)
    login(client, make_user("commander", "nation", nation="NPL").username)
    assert client.get(f"/exercises/{ex.id}/status").status_code == 404
    assert client.get(f"/exercises/{ex.id}/status?target=approved").status_code == 404


@pytest.mark.parametrize("status", ["aar_published", "closed", "cancelled"])
def test_a_finished_exercises_participants_and_assignments_are_its_record(make_exercise, make_person,
                                                                          add_participant, make_user, client, db,
                                                                          status):
    """A withdrawal after the report was published used to change its "3 players" to "2 players"."""
    from trainer.exercises.models import EvaluatorAssignment, Objective

    ex = make_exercise(lead="NPL", nations=("RWA",), start=START, objectives=1, status=status)
    player = add_participant(ex, make_person(nation="NPL"), status="confirmed")
    nominated = add_participant(ex, make_person(nation="NPL"), status="nominated")
    evaluator = add_participant(ex, make_person(nation="RWA"), role="evaluator", status="confirmed")
    objective = db.session.query(Objective).filter_by(exercise_id=ex.id).one()
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get(f"/exercises/{ex.id}/participants").get_data(as_text=True)
    assert ">Withdraw<" not in page and "Decline" not in page and 'name="evaluator_id"' not in page

    base = f"/exercises/{ex.id}/participants"
    for url, data in ((f"{base}/{player.id}/withdraw", {}), (f"{base}/{nominated.id}/decide", {"decision": "decline"}),
                      (f"/exercises/{ex.id}/assignments", {"evaluator_id": str(evaluator.id),
                                                           "objective_id": str(objective.id)})):
        response = client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 422, url
        assert "are its record and no longer change" in response.get_data(as_text=True)
    assert (_status(db, player), _status(db, nominated)) == ("confirmed", "nominated")
    assert db.session.query(EvaluatorAssignment).count() == 0
