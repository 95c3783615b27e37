"""A lead evaluator or exercise director reaches the evaluation screens through their part in the exercise,
whatever their account's grants; others in scope are sent to the exercise page with a message."""
from __future__ import annotations

from sqlalchemy import select

from tests.assessments.conftest import key
from trainer.assessments.models import Adjudication


def _adj_url(w, n=0):
    return f"/assessments/exercises/{w.exercise.id}/objectives/{w.objectives[n].id}/adjudication"


def test_a_training_officer_directing_the_exercise_adjudicates(world, client, sign_in, db, make_user, make_nation,
                                                              make_unit, add_participant):
    make_nation("FRA")
    director = add_participant(world.exercise, role="exercise_director", unit=make_unit(nation="FRA", code="FR-HQ"))
    # the director's account is a training officer of another nation, without any evaluator grant
    make_user("training_officer", "nation", nation="FRA", person=director.person, username="fra.director")
    sign_in("fra.director")
    assert client.get(f"/assessments/exercises/{world.exercise.id}").status_code == 200
    page = client.get(_adj_url(world))
    assert page.status_code == 200 and "Adjudicate" in page.get_data(as_text=True)
    form = {"target": f"u{world.unit_a.id}", "rating": "S", "rationale": "Director's call.", "supersedes_id": "",
            "submission_key": key()}
    assert client.post(_adj_url(world), data=form).status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Adjudication.rating)).scalars().all() == ["S"]


def test_a_trainee_account_of_the_lead_evaluator_reaches_the_screens(world, client, sign_in, make_user, make_person,
                                                                    add_participant):
    lead = add_participant(world.exercise, role="lead_evaluator", unit=world.unit_b)
    make_user("trainee", "self", person=lead.person, username="lead.self")
    sign_in("lead.self")
    assert client.get(_adj_url(world)).status_code == 200
    objective = client.get(f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[1].id}")
    assert objective.status_code == 200


def test_others_in_scope_are_sent_to_the_exercise_page_and_nothing_changes(world, client, sign_in, db, make_user):
    make_user("training_officer", "nation", nation="NPL", username="npl.officer")
    sign_in("npl.officer")
    form = {"target": f"u{world.unit_a.id}", "rating": "P", "rationale": "Not mine to give.", "supersedes_id": "",
            "submission_key": key()}
    response = client.post(_adj_url(world), data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/exercises/{world.exercise.id}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only the exercise&#39;s evaluators, its lead evaluator and its exercise director" in shown
    db.session.expire_all()
    assert db.session.execute(select(Adjudication)).first() is None
    # a player is sent away as well
    sign_in("anna")
    assert client.get(f"/assessments/exercises/{world.exercise.id}").status_code == 302


def test_a_declined_director_reaches_nothing(world, client, sign_in, make_user, make_nation, make_unit,
                                             add_participant):
    make_nation("FRA")
    director = add_participant(world.exercise, role="exercise_director", unit=make_unit(nation="FRA", code="FR-HQ"),
                               status="declined")
    make_user("training_officer", "nation", nation="FRA", person=director.person, username="fra.director")
    sign_in("fra.director")
    assert client.get(_adj_url(world)).status_code == 404
