from __future__ import annotations

import pytest

from tests.conftest import login
from tests.curricula.factories import import_test_curricula


@pytest.fixture
def curricula_loaded(app, db, tmp_path):
    return import_test_curricula(db, tmp_path)


@pytest.fixture
def trainee(db, make_person, make_user, make_unit, curricula_loaded):
    """A signed-in-able trainee linked to a person in a unit of NPL."""
    unit = make_unit(nation="NPL", code="NPL-BN1")
    person = make_person(unit=unit, family_name="Trainee")
    user = make_user("trainee", "self", person=person, username="t.trainee")
    return user


@pytest.fixture
def trainee_client(client, trainee):
    response = login(client, trainee.username)
    assert response.status_code == 302
    return client


def answer_all(db, attempt_id, right=True, wrong_keys=()):
    """Form data answering an attempt: every question right (or wrong for the given question keys)."""
    from trainer.curricula.models import Question
    from trainer.learning.models import Attempt

    attempt = db.session.get(Attempt, attempt_id)
    form = {}
    for item in attempt.drawn:
        question = db.session.get(Question, item["question_id"])
        shown = item["order"].index(question.correct)
        if not right or question.key in wrong_keys:
            shown = (shown + 1) % 4
        form[f"q-{question.id}"] = str(shown)
    return form
