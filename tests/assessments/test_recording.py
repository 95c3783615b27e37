import pytest
from sqlalchemy import func, select

from tests.assessments.conftest import key, observation_form
from trainer.assessments.models import Observation, RatingRecord
from trainer.audit.models import AuditEvent
from trainer.enums import Rating


def _url(w, n=0):
    return f"/assessments/exercises/{w.exercise.id}/objectives/{w.objectives[n].id}"


def test_evaluator_sees_assigned_objective_with_rating_definitions(world, client, sign_in):
    sign_in("eva")
    page = client.get(f"/assessments/exercises/{world.exercise.id}").get_data(as_text=True)
    assert world.objectives[0].description in page
    assert world.objectives[1].description not in page  # not assigned to eva
    screen = client.get(_url(world)).get_data(as_text=True)
    for r in Rating:
        assert r.definition in screen
    # The audiences offered, by their options' values (a bare "p4" can occur in the page's CSRF token).
    assert f'value="p{world.players["anna"].id}"' in screen and f'value="u{world.unit_a.id}"' in screen
    assert f'value="p{world.players["nominee"].id}"' not in screen  # only confirmed players are a training audience
    assert client.get(_url(world, 1)).status_code == 404


def test_record_observation_with_rating_is_audited_and_a_retry_never_duplicates(world, client, sign_in, db):
    sign_in("eva")
    form = observation_form(world, f"p{world.players['anna'].id}", rating="S")
    first = client.post(_url(world), data=form)
    assert first.status_code == 302
    again = client.post(_url(world), data=form)  # the same submission, retried after a dropped connection
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
    rating = db.session.execute(select(RatingRecord)).scalar_one()
    assert rating.rating == "S" and rating.target_participant_id == world.players["anna"].id
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "assessment.observation.record")) == 1
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert form["submission_key"] in page  # the browser learns the draft is safe to drop


def test_m_and_u_need_a_narrative_and_the_typed_values_are_kept(world, client, sign_in, db):
    sign_in("eva")
    form = observation_form(world, f"u{world.unit_a.id}", rating="U", narrative="bad", kind="improvement")
    response = client.post(_url(world), data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "needs a narrative" in body
    assert form["submission_key"] in body and ">bad</textarea>" in body
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_bad_input_is_refused_without_a_500(world, client, sign_in):
    sign_in("eva")
    for bad in ({"target": "p999999"}, {"rating": "X"}, {"observed_at": "yesterday"}, {"kind": "other"},
                {"submission_key": "<script>"}, {"target": ""}):
        form = {**observation_form(world, f"p{world.players['anna'].id}"), **bad}
        assert client.post(_url(world), data=form).status_code == 422, bad


def test_amendment_supersedes_with_reason_and_keeps_history(world, client, sign_in, db):
    sign_in("eva")
    client.post(_url(world), data=observation_form(world, f"p{world.players['bo'].id}", rating="P"))
    rating = db.session.execute(select(RatingRecord)).scalar_one()
    response = client.post(f"/assessments/ratings/{rating.id}", data={
        "rating": "M", "narrative": "On review: the report reached the wrong desk first.",
        "reason": "Controller log shows a 40-minute delay", "submission_key": key()})
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.execute(select(RatingRecord).order_by(RatingRecord.id)).scalars().all()
    assert [r.rating for r in rows] == ["P", "M"] and rows[1].supersedes_id == rows[0].id
    history = client.get(f"/assessments/ratings/{rows[1].id}").get_data(as_text=True)
    assert "Controller log shows a 40-minute delay" in history and "superseded" in history
    # an amendment of the superseded version is a conflict, never a second branch
    stale = client.post(f"/assessments/ratings/{rows[0].id}", data={
        "rating": "U", "narrative": "Not performed at all, in my view.", "reason": "late", "submission_key": key()})
    assert stale.status_code in (404, 409)
    assert db.session.scalar(select(func.count()).select_from(RatingRecord)) == 2


@pytest.mark.parametrize("rating, narrative", [("M", ""), ("U", "bad"), ("M", "   short  ")])
def test_an_amendment_to_m_or_u_without_a_narrative_is_refused_and_changes_nothing(world, client, sign_in, db,
                                                                                   rating, narrative):
    sign_in("eva")
    client.post(_url(world), data=observation_form(world, f"p{world.players['bo'].id}", rating="P"))
    original = db.session.execute(select(RatingRecord)).scalar_one()
    form = {"rating": rating, "narrative": narrative, "reason": "Controller log shows a delay",
            "submission_key": key()}
    response = client.post(f"/assessments/ratings/{original.id}", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f"A rating of {rating} ({Rating(rating).label}) needs a narrative that explains it." in body
    assert form["submission_key"] in body and "Controller log shows a delay" in body  # what was typed is kept
    db.session.expire_all()
    assert [(r.id, r.rating) for r in db.session.execute(select(RatingRecord)).scalars()] == [(original.id, "P")]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "assessment.rating.amend")) == 0
    # with a narrative that explains it, the same amendment lands
    explained = {**form, "narrative": "The report reached the wrong desk first.", "submission_key": key()}
    assert client.post(f"/assessments/ratings/{original.id}", data=explained).status_code == 302
    db.session.expire_all()
    assert [r.rating for r in db.session.execute(select(RatingRecord).order_by(RatingRecord.id)).scalars()] == ["P", rating]


def test_the_exercise_screen_summarises_the_training_audience_instead_of_listing_it(world, client, sign_in, db,
                                                                                   add_participant):
    for _ in range(8):
        add_participant(world.exercise, role="player", unit=world.unit_b)
    sign_in("lead")
    page = client.get(f"/assessments/exercises/{world.exercise.id}").get_data(as_text=True)
    # 11 confirmed players and 2 units, summed up once per objective; no name repeated under each objective
    assert page.count("Training audience: the whole exercise, 11 players and 2 units.") == 2
    anna = world.players["anna"].person
    assert anna.full_name_latin not in page
    # the lead sees how far adjudication has got on each objective
    assert "To adjudicate: 0 · adjudicated: 0" in page


def test_an_evaluator_assigned_a_few_sees_their_names_and_the_adjudication_progress_counts(world, app, client,
                                                                                         sign_in, db):
    from tests.conftest import login
    from trainer.exercises.models import EvaluatorAssignment

    db.session.query(EvaluatorAssignment).filter_by(participant_id=world.staff["evan"][0].id).delete()
    db.session.add(EvaluatorAssignment(participant_id=world.staff["evan"][0].id, objective_id=world.objectives[0].id,
                                       target_participant_id=world.players["cy"].id))
    db.session.commit()
    sign_in("evan")
    page = client.get(f"/assessments/exercises/{world.exercise.id}").get_data(as_text=True)
    assert "Training audience: 1 player and 0 units assigned to you." in page
    assert world.players["cy"].person.full_name_latin in page
    client.post(_url(world), data=observation_form(world, f"p{world.players['cy'].id}", rating="S"))
    lead = app.test_client()
    login(lead, "lead")
    assert "To adjudicate: 1 · adjudicated: 0" in lead.get(f"/assessments/exercises/{world.exercise.id}").get_data(
        as_text=True)


def test_amending_a_rating_is_an_action_named_on_the_objective_screen(world, client, sign_in, db):
    sign_in("eva")
    client.post(_url(world), data=observation_form(world, f"p{world.players['bo'].id}", rating="P"))
    rating = db.session.execute(select(RatingRecord)).scalar_one()
    screen = client.get(_url(world)).get_data(as_text=True)
    link = f'href="/assessments/ratings/{rating.id}">Amend this rating'
    assert link in screen and "rating history" not in screen
    page = client.get(f"/assessments/ratings/{rating.id}").get_data(as_text=True)
    assert page.index("Amend this rating") < page.index("History")
    # once the record is closed, the same place reads the history instead
    world.exercise.status = "aar_published"
    db.session.commit()
    closed = client.get(_url(world)).get_data(as_text=True)
    assert "Amend this rating" not in closed and "Rating and its history" in closed
