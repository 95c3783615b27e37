"""Two amendments of the same record at once: one lands, the other is a clear conflict that keeps what
was typed. Real concurrent requests: two threads, each with its own client, released together."""
import threading

from markupsafe import escape

from sqlalchemy import func, select

from tests.assessments.conftest import key, observation_form
from tests.conftest import login
from trainer.assessments.models import Adjudication, RatingRecord
from trainer.readiness.models import ExerciseCredit


def _clients(app, *usernames):
    clients = []
    for name in usernames:
        c = app.test_client()
        assert login(c, name).status_code == 302
        clients.append(c)
    return clients


def _race(requests):
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)
    errors = []

    def run(i, fn):
        try:
            barrier.wait(timeout=20)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_amendments_of_the_same_rating_at_once(world, app, client, sign_in, db):
    sign_in("eva")
    ex, obj = world.exercise, world.objectives[0]
    client.post(f"/assessments/exercises/{ex.id}/objectives/{obj.id}",
                data=observation_form(world, f"p{world.players['anna'].id}", rating="S"))
    rating_id = db.session.execute(select(RatingRecord.id)).scalar_one()
    db.session.rollback()
    tab1, lead = _clients(app, "eva", "lead")
    texts = ["Evaluator's second look: the report was late by forty minutes.",
             "Lead's review: the report skipped the protection desk entirely."]
    forms = [{"rating": r, "narrative": t, "reason": "review", "submission_key": key()} for r, t in zip("MU", texts)]
    results = _race([lambda: tab1.post(f"/assessments/ratings/{rating_id}", data=forms[0]),
                     lambda: lead.post(f"/assessments/ratings/{rating_id}", data=forms[1])])
    codes = sorted(r.status_code for r in results)
    assert codes == [302, 409], codes
    loser = next(i for i, r in enumerate(results) if r.status_code == 409)
    body = results[loser].get_data(as_text=True)
    assert "at the same moment" in body or "already amended" in body
    assert str(escape(texts[loser])) in body  # what was typed is still in the form
    db.session.rollback()
    db.session.expire_all()
    rows = db.session.execute(select(RatingRecord).order_by(RatingRecord.id)).scalars().all()
    assert len(rows) == 2 and rows[1].supersedes_id == rows[0].id


def test_two_first_adjudications_at_once(world, app, db):
    ex, obj = world.exercise, world.objectives[0]
    lead, director = _clients(app, "lead", "director")
    target = f"u{world.unit_a.id}"
    url = f"/assessments/exercises/{ex.id}/objectives/{obj.id}/adjudication"
    forms = [{"target": target, "rating": r, "rationale": f"Rationale {r}: decided from both ratings.",
              "supersedes_id": "", "submission_key": key()} for r in "PU"]
    results = _race([lambda: lead.post(url, data=forms[0]), lambda: director.post(url, data=forms[1])])
    codes = sorted(r.status_code for r in results)
    assert codes == [302, 409], codes
    loser = next(i for i, r in enumerate(results) if r.status_code == 409)
    assert str(escape(forms[loser]["rationale"])) in results[loser].get_data(as_text=True)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Adjudication)) == 1
    winner = db.session.execute(select(Adjudication)).scalar_one()
    credits = db.session.scalar(select(func.count()).select_from(ExerciseCredit))
    assert credits == (2 if winner.rating == "P" else 0)
