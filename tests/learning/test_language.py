"""Module text in the trainee's language: French where the pack provides it (HR-01 has French
lessons and questions), English otherwise, chosen in the trainee's profile."""
from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape

from tests.conftest import login
from tests.learning.conftest import answer_all

PACK = Path(__file__).resolve().parents[2] / "curricula" / "packs" / "human-rights"


@pytest.fixture
def human_rights(app, db):
    from trainer.curricula.services import import_paths

    report = import_paths(None, [str(PACK)])
    assert report.ok, report.problems
    db.session.commit()


def drawn(db, attempt_id):
    from trainer.curricula.models import Question
    from trainer.learning.models import Attempt

    return [db.session.get(Question, item["question_id"]) for item in db.session.get(Attempt, attempt_id).drawn]


def trainee_in(db, make_user, make_person, language, username):
    user = make_user("trainee", "self", person=make_person(), username=username)
    user.language = language
    db.session.commit()
    return user


def test_a_french_speaking_trainee_reads_and_answers_in_french(app, db, client, human_rights, make_user,
                                                               make_person):
    from trainer.learning.models import Attempt

    trainee_in(db, make_user, make_person, "fr", "t.fr")
    login(client, "t.fr")
    module = client.get("/curricula/modules/HR-01").get_data(as_text=True)
    assert "DIH et droit des droits de l&#39;homme pour les Casques bleus" in module
    assert "Quel droit lie un Casque bleu" in module
    lesson = client.get("/learning/modules/HR-01/lessons/which-law-binds-you").get_data(as_text=True)
    assert "Pourquoi le cadre juridique vous concerne" in lesson
    assert "Why the legal framework matters" not in lesson
    response = client.post("/learning/modules/HR-01/check")
    attempt_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    check = client.get(f"/learning/checks/{attempt_id}").get_data(as_text=True)
    questions = drawn(db, attempt_id)
    assert questions and all(str(escape(q.stem["fr"])) in check for q in questions)
    assert not any(str(escape(q.stem["en"])) in check for q in questions)
    client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id, right=False))
    result = client.get(f"/learning/checks/{attempt_id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).passed is False
    # Explanations of the wrong answers come in French too.
    assert all(str(escape(q.explanation["fr"])) in result for q in questions)
    assert not any(str(escape(q.explanation["en"])) in result for q in questions)


def test_an_english_speaking_trainee_gets_english(app, db, client, human_rights, make_user, make_person):
    trainee_in(db, make_user, make_person, "en", "t.en")
    login(client, "t.en")
    lesson = client.get("/learning/modules/HR-01/lessons/which-law-binds-you").get_data(as_text=True)
    assert "Which law binds a peacekeeper" in lesson and "Quel droit lie un Casque bleu" not in lesson
    module = client.get("/curricula/modules/HR-01").get_data(as_text=True)
    assert "IHL and human rights law for peacekeepers" in module and "DIH et droit" not in module
