"""Ids and numbers that name nothing (another exercise's objective, a negative, huge or non-numeric id, a
version no form holds) get a 404 or the form again with a message, never a 500, and nothing is written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.assessments.conftest import key, observation_form
from trainer.assessments.models import Adjudication, AfterActionReport, ImprovementItem, Observation

HUGE = "99999999999999999999999"
NO_OBJECTIVE = ["999999", "-1", "0x1", "1e3", HUGE]
ITEM = {"finding": "Radio log not kept", "corrective_action": "Drill the signallers", "owner": "nNPL",
        "point_of_contact": "Maj. Thapa", "due_on": "2030-01-01", "status": "open"}


@pytest.fixture
def lead(world, db, client, sign_in):
    """The lead evaluator, signed in, while the after-action report of the world's exercise is a draft."""
    world.exercise.status = "aar_draft"
    db.session.commit()
    return sign_in("lead")


@pytest.fixture
def other_objective(db, make_exercise):
    """An objective of another exercise."""
    from trainer.exercises.models import Objective

    other = make_exercise(code="EX-OTHER", objectives=1)
    return db.session.execute(select(Objective.id).where(Objective.exercise_id == other.id)).scalar_one()


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_item_link_naming_no_objective_of_the_exercise_is_a_404(world, lead, other_objective):
    url = f"/assessments/exercises/{world.exercise.id}/improvements/new"
    for objective_id in NO_OBJECTIVE + ["abc", str(other_objective)]:
        response = lead.get(url, query_string={"objective_id": objective_id})
        assert response.status_code == 404, objective_id
        assert f"Exercise {world.exercise.code} has no such objective." in response.get_data(as_text=True)
    chosen = world.objectives[1].id
    page = lead.get(url, query_string={"objective_id": str(chosen)})
    assert page.status_code == 200 and f'<option value="{chosen}" selected>' in page.get_data(as_text=True)
    assert lead.get(url).status_code == 200


@pytest.mark.parametrize("status", ["open", "validated"])
def test_a_new_item_with_a_bad_objective_is_shown_again_with_the_field_error(world, lead, db, other_objective,
                                                                             status):
    url = f"/assessments/exercises/{world.exercise.id}/improvements/new"
    for objective_id in NO_OBJECTIVE + [str(other_objective)]:
        response = lead.post(url, data={**ITEM, "status": status, "objective_id": objective_id,
                                        "validated_by_adjudication_id": objective_id})
        assert response.status_code == 422, objective_id
        body = response.get_data(as_text=True)
        assert '<div id="objective_id-error" class="invalid-feedback d-block">Choose an objective of this exercise.' in body
        assert "Drill the signallers" in body and "Maj. Thapa" in body  # what was typed is kept
    assert _count(db, ImprovementItem) == 0


def test_an_item_edit_with_a_bad_objective_is_shown_again_and_the_item_is_unchanged(world, lead, db,
                                                                                    other_objective):
    objective = world.objectives[0].id
    created = lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new",
                        data={**ITEM, "objective_id": str(objective)})
    assert created.status_code == 302
    item_id = db.session.execute(select(ImprovementItem.id)).scalar_one()
    for objective_id in NO_OBJECTIVE + [str(other_objective)]:
        response = lead.post(f"/assessments/improvements/{item_id}",
                             data={**ITEM, "finding": "Changed finding", "objective_id": objective_id, "version": "1"})
        assert response.status_code == 422, objective_id
        body = response.get_data(as_text=True)
        assert "Choose an objective of this exercise." in body and "Changed finding" in body
    db.session.expire_all()
    stored = db.session.execute(select(ImprovementItem.finding, ImprovementItem.objective_id,
                                       ImprovementItem.version)).one()
    assert tuple(stored) == ("Radio log not kept", objective, 1)


def test_a_version_no_form_holds_is_a_damaged_form(world, lead, db):
    lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data={**ITEM, "objective_id": ""})
    item_id = db.session.execute(select(ImprovementItem.id)).scalar_one()
    for version in ("-1", "abc", HUGE):
        response = lead.post(f"/assessments/improvements/{item_id}", data={**ITEM, "finding": "Changed",
                                                                           "version": version})
        assert response.status_code == 422 and "The form is damaged" in response.get_data(as_text=True)
        summary = lead.post(f"/assessments/exercises/{world.exercise.id}/aar/summary",
                            data={"executive_summary": "Planted summary.", "version": version})
        assert summary.status_code == 422 and "The form is damaged" in summary.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(ImprovementItem.finding)).scalar_one() == "Radio log not kept"
    assert _count(db, AfterActionReport) == 0


def test_an_adjudication_superseding_no_decision_of_its_audience_is_refused(world, lead, db):
    url = f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[0].id}/adjudication"
    first = {"target": f"u{world.unit_a.id}", "rating": "P", "rationale": "Clear.", "supersedes_id": "",
             "submission_key": key()}
    assert lead.post(url, data=first).status_code == 302
    decided = db.session.execute(select(Adjudication.id)).scalar_one()
    # a decision of another audience, and ids that name no decision at all
    for supersedes in (str(decided), "-1", "abc", "999999", HUGE):
        target = f"u{world.unit_b.id}" if supersedes == str(decided) else f"u{world.unit_a.id}"
        response = lead.post(url, data={**first, "target": target, "rating": "U", "reason": "Changed my mind",
                                        "supersedes_id": supersedes, "submission_key": key()})
        assert response.status_code == 422, supersedes
        assert "The form is damaged" in response.get_data(as_text=True)
    assert _count(db, Adjudication) == 1


def test_huge_and_negative_ids_in_urls_are_not_found(world, lead):
    ex = world.exercise.id
    for bad in ("-1", HUGE):
        for url in (f"/assessments/exercises/{ex}/objectives/{bad}", f"/assessments/exercises/{ex}/objectives/{bad}/adjudication",
                    f"/assessments/observations/{bad}", f"/assessments/ratings/{bad}", f"/assessments/improvements/{bad}"):
            assert lead.get(url).status_code == 404, url


def test_an_observation_time_at_the_edge_of_the_calendar_is_a_field_error(world, client, sign_in, db):
    sign_in("eva")
    url = f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[0].id}"
    for moment in ("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00"):
        form = {**observation_form(world, f"p{world.players['anna'].id}"), "observed_at": moment}
        response = client.post(url, data=form)
        assert response.status_code == 422, moment
        assert 'id="observed_at-error"' in response.get_data(as_text=True)
    assert _count(db, Observation) == 0
