"""Knowledge checks: a fixed draw, server-side scoring, must-pass, limits, double and tampered submissions."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.learning.conftest import answer_all


def start(client, code="TS-01"):
    response = client.post(f"/learning/modules/{code}/check")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def completions(db):
    from trainer.learning.models import Completion

    db.session.expire_all()
    return db.session.scalars(select(Completion).order_by(Completion.id)).all()


def test_the_draw_is_fixed_includes_must_pass_and_never_shows_answers(app, db, trainee_client, trainee):
    from trainer.curricula.models import Question
    from trainer.learning.models import Attempt

    attempt_id = start(trainee_client)
    attempt = db.session.get(Attempt, attempt_id)
    assert len(attempt.drawn) == 5
    must = db.session.scalars(select(Question.id).where(Question.key == "TS-01-Q01")).one()
    assert must in [d["question_id"] for d in attempt.drawn]
    page = trainee_client.get(f"/learning/checks/{attempt_id}").get_data(as_text=True)
    assert "must pass" in page
    # Only shown positions 0..3 go to the browser: no option carries its written letter or correctness.
    assert set(re.findall(r'name="q-\d+"[^>]*value="(\d)"', page)) <= {"0", "1", "2", "3"}
    assert "correct" not in page.replace("answered correctly", "") and " checked" not in page
    assert "Because of rule" not in page  # explanations only after submission
    # Opening it again (or starting again) gives the same draw.
    assert start(trainee_client) == attempt_id
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).drawn == attempt.drawn


def test_a_pass_records_a_completion_with_its_expiry(app, db, trainee_client, trainee):
    attempt_id = start(trainee_client)
    response = trainee_client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id))
    assert response.status_code == 303
    page = trainee_client.get(f"/learning/checks/{attempt_id}").get_data(as_text=True)
    assert "Passed" in page and "100%" in page
    [completion] = completions(db)
    today = dt.datetime.now(dt.timezone.utc).date()
    from trainer.learning.rules import add_months

    assert (completion.method, completion.score, completion.completed_on) == ("online", 100, today)
    assert completion.valid_until == add_months(today, 12)
    assert completion.module_version == "1.0" and completion.module_major == 1
    assert completion.valid_until.strftime("%d %b %Y") in page
    my = trainee_client.get("/learning/").get_data(as_text=True)
    assert "TS-01" in my and completion.valid_until.strftime("%d %b %Y") in my


def test_a_wrong_must_pass_answer_fails_even_with_a_high_score(app, db, trainee_client, trainee):
    attempt_id = start(trainee_client)
    form = answer_all(db, attempt_id, wrong_keys={"TS-01-Q01"})
    trainee_client.post(f"/learning/checks/{attempt_id}", data=form)
    from trainer.learning.models import Attempt

    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == 80 and attempt.passed is False  # 4 of 5 meets the pass mark, but the must-pass is wrong
    assert completions(db) == []
    page = trainee_client.get(f"/learning/checks/{attempt_id}").get_data(as_text=True)
    assert "Not passed" in page and "Because of rule 1." in page  # the explanation for the wrong answer


def test_a_score_below_the_pass_mark_fails(app, db, trainee_client, trainee):
    attempt_id = start(trainee_client)
    trainee_client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id, right=False))
    assert completions(db) == []


def test_submitting_twice_changes_nothing_and_says_so(app, db, trainee_client, trainee):
    attempt_id = start(trainee_client)
    right = answer_all(db, attempt_id)
    trainee_client.post(f"/learning/checks/{attempt_id}", data=right)
    response = trainee_client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id, right=False),
                                   follow_redirects=True)
    assert "already submitted" in response.get_data(as_text=True)
    from trainer.learning.models import Attempt

    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).score == 100
    assert len(completions(db)) == 1


def test_question_ids_from_another_attempt_change_nothing(app, db, trainee_client, trainee):
    from trainer.curricula.models import Question
    from trainer.learning.models import Attempt

    attempt_id = start(trainee_client)
    form = answer_all(db, attempt_id)
    drawn = {d["question_id"] for d in db.session.get(Attempt, attempt_id).drawn}
    foreign = db.session.scalars(select(Question.id).where(Question.id.not_in(drawn))).first()
    form[f"q-{foreign}"] = "0"
    response = trainee_client.post(f"/learning/checks/{attempt_id}", data=form)
    assert response.status_code == 422
    assert "not part of this knowledge check" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).submitted_at is None
    assert completions(db) == []


def test_unanswered_questions_are_refused_without_scoring(app, db, trainee_client, trainee):
    attempt_id = start(trainee_client)
    form = answer_all(db, attempt_id)
    form.pop(next(iter(form)))
    response = trainee_client.post(f"/learning/checks/{attempt_id}", data=form)
    assert response.status_code == 422 and "Answer every question" in response.get_data(as_text=True)


def test_someone_elses_attempt_is_not_found(app, db, client, trainee_client, trainee, make_person, make_user):
    from tests.conftest import login

    attempt_id = start(trainee_client)
    other = make_user("trainee", "self", person=make_person(), username="other.trainee")
    login(client, other.username)
    assert client.get(f"/learning/checks/{attempt_id}").status_code == 404
    assert client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id)).status_code == 404


@pytest.fixture
def app_config():
    return {"ATTEMPTS_PER_DAY": 2}


def test_attempts_are_limited_per_24_hours(app, db, trainee_client, trainee):
    from trainer.learning.models import Attempt

    for _ in range(2):
        attempt_id = start(trainee_client)
        trainee_client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id, right=False))
    response = trainee_client.post("/learning/modules/TS-01/check", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You have used all 2 attempts" in page and "try again from" in page
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 2
    # A day later the window has moved on.
    db.session.execute(Attempt.__table__.update().values(
        started_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)))
    db.session.commit()
    assert start(trainee_client)


def test_prerequisites_must_be_passed_first(app, db, trainee_client, trainee):
    response = trainee_client.post("/learning/modules/TS-02/check", follow_redirects=True)
    assert "Pass TS-01 first" in response.get_data(as_text=True)


def test_a_newer_completion_supersedes_and_the_older_stays(app, db, trainee_client, trainee):
    for _ in range(2):
        attempt_id = start(trainee_client)
        trainee_client.post(f"/learning/checks/{attempt_id}", data=answer_all(db, attempt_id))
    first, second = completions(db)
    assert second.supersedes_id == first.id and first.supersedes_id is None


def test_two_completions_cannot_supersede_the_same_one(app, db, trainee):
    from sqlalchemy.exc import IntegrityError

    from trainer.curricula.services import get_module
    from trainer.learning.models import Completion
    from trainer.learning.services import record_completion

    module = get_module("TS-01")
    first = record_completion(None, trainee.person, module, method="recognised", completed_on=dt.date(2026, 1, 5),
                              evidence="prior course")
    db.session.commit()
    values = dict(person_id=trainee.person_id, module_id=module.id, module_code="TS-01", module_version="1.0",
                  module_major=1, method="online", completed_on=dt.date(2026, 2, 1), valid_until=dt.date(2027, 2, 1),
                  evidence="", supersedes_id=first.id)
    db.session.add(Completion(**values))
    db.session.commit()
    db.session.add(Completion(**values))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def _progress_rows(db):
    from trainer.learning.models import LessonProgress

    db.session.expire_all()
    return db.session.scalars(select(LessonProgress)).all()


def test_opening_a_lesson_changes_nothing_and_marking_it_read_records_progress(app, db, trainee_client, trainee):
    page = trainee_client.get("/learning/modules/TS-01/lessons/lesson-1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "The content of lesson-1" in text
    assert "<script>alert(1)</script>" not in text and "alert(1)" not in text
    assert "Mark as read and go to the next lesson" in text
    # Opening the lesson (a GET) writes nothing: the module does not show up as started.
    assert _progress_rows(db) == []
    assert "TS-01" not in trainee_client.get("/learning/").get_data(as_text=True)
    response = trainee_client.post("/learning/modules/TS-01/lessons/lesson-1/read")
    assert response.headers["Location"].endswith("/learning/modules/TS-01/lessons/lesson-2")
    [row] = _progress_rows(db)
    assert row.read_at is not None
    my = trainee_client.get("/learning/").get_data(as_text=True)
    assert "1 of 3 lessons read" in my and "In progress" in my
    # A read lesson offers "Next lesson" instead of the button; marking it again changes nothing.
    again = trainee_client.get("/learning/modules/TS-01/lessons/lesson-1").get_data(as_text=True)
    assert "Mark as read" not in again and "Next lesson" in again
    trainee_client.post("/learning/modules/TS-01/lessons/lesson-1/read")
    assert [r.read_at for r in _progress_rows(db)] == [row.read_at]


def test_the_last_lesson_leads_to_the_knowledge_check(app, db, trainee_client, trainee):
    response = trainee_client.post("/learning/modules/TS-01/lessons/lesson-3/read", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "That was the last lesson" in text and "Take the knowledge check" in text


def test_marking_a_lesson_read_without_a_valid_form_records_nothing(app, db, trainee_client, trainee):
    app.config["WTF_CSRF_ENABLED"] = True
    response = trainee_client.post("/learning/modules/TS-01/lessons/lesson-1/read")
    assert response.status_code == 400 and "security token is missing or out of date" in response.get_data(as_text=True)
    assert _progress_rows(db) == []


def test_an_unknown_lesson_is_not_found_and_records_nothing(app, db, trainee_client, trainee):
    assert trainee_client.get("/learning/modules/TS-01/lessons/no-such").status_code == 404
    assert trainee_client.post("/learning/modules/TS-01/lessons/no-such/read").status_code == 404
    assert trainee_client.post("/learning/modules/XX-99/lessons/lesson-1/read").status_code == 404
    assert _progress_rows(db) == []
