"""Conflicts: double bookings (blocking), units, prerequisites, same-nation evaluators; query count is fixed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from tests.conftest import login
from trainer.exercises.conflicts import exercise_conflicts

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)


def test_double_booking_blocks_confirmation_and_shows_on_the_page(make_exercise, make_person, add_participant,
                                                                 db, client, make_user):
    first = make_exercise(lead="NPL", start=START, end=START + dt.timedelta(days=3), code="ALPHA")
    second = make_exercise(lead="NPL", start=START + dt.timedelta(days=2), end=START + dt.timedelta(days=5), code="BRAVO")
    person = make_person(nation="NPL", family_name="Shrestha")
    add_participant(first, person, status="confirmed")
    nomination = add_participant(second, person, status="nominated")
    login(client, make_user("training_officer", "nation", nation="NPL").username)

    page = client.get(f"/exercises/{second.id}/participants").get_data(as_text=True)
    assert "Also confirmed in overlapping ALPHA" in page and "confirmation blocked" in page

    response = client.post(f"/exercises/{second.id}/participants/{nomination.id}/decide", data={"decision": "confirm"})
    assert response.status_code == 409
    assert "already confirmed in an overlapping exercise (ALPHA" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(nomination), nomination.id).status == "nominated"

    conflicts_page = client.get(f"/exercises/{second.id}/conflicts").get_data(as_text=True)
    assert "Shrestha" in conflicts_page and "blocks confirmation" in conflicts_page


def test_no_conflict_when_exercises_do_not_overlap_or_one_is_cancelled(make_exercise, make_person, add_participant,
                                                                      db, client, make_user):
    first = make_exercise(lead="NPL", start=START, end=START + dt.timedelta(days=1))
    later = make_exercise(lead="NPL", start=START + dt.timedelta(days=1), end=START + dt.timedelta(days=2))
    cancelled = make_exercise(lead="NPL", start=START, end=START + dt.timedelta(days=2), status="cancelled")
    person = make_person(nation="NPL")
    add_participant(first, person)
    add_participant(cancelled, person)
    nomination = add_participant(later, person, status="nominated")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post(f"/exercises/{later.id}/participants/{nomination.id}/decide", data={"decision": "confirm"})
    assert response.status_code == 302


def test_unit_committed_to_overlapping_exercises_is_a_warning(make_exercise, make_unit, make_user):
    battalion = make_unit(nation="NPL", code="NPL-B9")
    company = make_unit(nation="NPL", code="NPL-B9-C1", parent=battalion, kind="company")
    make_exercise(lead="NPL", start=START, end=START + dt.timedelta(days=3), units=[battalion], code="FIRST")
    ex = make_exercise(lead="NPL", start=START + dt.timedelta(days=1), units=[company])
    report = exercise_conflicts(make_user("admin"), ex)
    assert [(u.unit_code, u.other_unit_code, u.other_code) for u in report.unit_overlaps] == [("NPL-B9-C1", "NPL-B9", "FIRST")]
    assert report.blocking == 0


def _module_and_completion(db, person, code, valid_until, supersedes=None):
    from tests.curricula.builders import add_module
    from trainer.learning.models import Completion

    module = add_module(db.session, code, validity_months=24, audience=())
    completion = Completion(person_id=person.id, module_id=module.id, module_code=code, module_version="1.0",
                            module_major=1, method="classroom", completed_on=valid_until - dt.timedelta(days=700),
                            valid_until=valid_until, supersedes_id=supersedes.id if supersedes else None)
    db.session.add(completion)
    db.session.commit()
    return completion


def test_players_missing_prerequisites_are_listed_with_what_they_lack(make_exercise, make_person, add_participant,
                                                                     db, make_user):
    ex = make_exercise(lead="NPL", start=START, prerequisites="HR-01,PKI-02")
    ready = make_person(nation="NPL", family_name="Ready")
    expired = make_person(nation="NPL", family_name="Expired")
    superseded = make_person(nation="NPL", family_name="Superseded")
    for p in (ready, expired, superseded):
        add_participant(ex, p, role="player")
    controller = make_person(nation="NPL", family_name="Controller")
    add_participant(ex, controller, role="controller")  # prerequisites are for players only
    _module_and_completion(db, ready, "HR-01", dt.date(2031, 1, 1))
    _module_and_completion(db, ready, "PKI-02", START.date())  # valid on the first day: enough
    _module_and_completion(db, expired, "HR-01", START.date() - dt.timedelta(days=1))
    _module_and_completion(db, expired, "PKI-02", dt.date(2031, 1, 1))
    old = _module_and_completion(db, superseded, "HR-01", dt.date(2031, 1, 1))
    _module_and_completion(db, superseded, "HR-01", dt.date(2029, 1, 1), supersedes=old)  # newer record, expired
    _module_and_completion(db, superseded, "PKI-02", dt.date(2031, 1, 1))
    report = exercise_conflicts(make_user("admin"), ex)
    lacking = {m.participant.person.family_name: m.modules for m in report.missing_prerequisites}
    assert lacking == {"Expired": ["HR-01"], "Superseded": ["HR-01"]}


def test_evaluator_of_the_players_own_nation_is_flagged(make_exercise, make_person, add_participant, make_user, db):
    from trainer.exercises.models import EvaluatorAssignment, Objective

    ex = make_exercise(lead="NPL", nations=("RWA",), objectives=1)
    objective = db.session.query(Objective).filter_by(exercise_id=ex.id).one()
    player = add_participant(ex, make_person(nation="NPL", family_name="Player"))
    same = add_participant(ex, make_person(nation="NPL", family_name="Samenation"), role="evaluator")
    other = add_participant(ex, make_person(nation="RWA", family_name="Othernation"), role="evaluator")
    for evaluator in (same, other):
        db.session.add(EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                           target_participant_id=player.id))
    db.session.commit()
    report = exercise_conflicts(make_user("admin"), ex)
    assert [s.evaluator.person.family_name for s in report.same_nation_evaluators] == ["Samenation"]


def _big_exercise(db, make_exercise, make_unit, size, code):
    """An exercise with `size` participants, each also nominated in an overlapping exercise."""
    from trainer.exercises.models import Participant
    from trainer.org.models import Person, UnitAssignment

    unit = make_unit(nation="NPL", code=f"U-{code}")
    ex = make_exercise(lead="NPL", nations=("FRA",), start=START, code=code, prerequisites="HR-01", units=[unit],
                       objectives=2)
    clash = make_exercise(lead="NPL", start=START + dt.timedelta(hours=5), code=f"{code}-CLASH", units=[unit])
    base = db.session.query(Person).count() + 1000
    people = [{"id": base + i, "nation_code": "NPL", "unit_id": unit.id, "service_number": f"{code}-{i}",
               "family_name": f"F{i}", "given_names": "G", "family_name_latin": f"F{i}", "given_names_latin": "G",
               "search_text": "", "rank_code": "OR-4", "national_rank": "", "category": "military",
               "screening": "cleared", "status": "active", "version": 1,
               "created_at": START, "updated_at": START} for i in range(size)]
    db.session.execute(insert(Person), people)
    db.session.execute(insert(UnitAssignment), [{"person_id": p["id"], "unit_id": unit.id, "start_on": dt.date(2020, 1, 1),
                                                  "end_on": None, "note": ""} for p in people])
    roles = ["player"] * 8 + ["evaluator", "controller"]
    db.session.execute(insert(Participant), [
        {"exercise_id": ex.id, "person_id": p["id"], "nation_code": "NPL", "unit_id": unit.id,
         "role": roles[i % len(roles)], "status": "confirmed", "nominated_at": START, "updated_at": START}
        for i, p in enumerate(people)])
    db.session.execute(insert(Participant), [
        {"exercise_id": clash.id, "person_id": p["id"], "nation_code": "NPL", "unit_id": unit.id,
         "role": "player", "status": "nominated", "nominated_at": START, "updated_at": START} for p in people])
    db.session.commit()
    return ex


def test_conflict_check_takes_a_fixed_number_of_queries(make_exercise, make_unit, make_user, make_nation, db,
                                                       count_queries):
    make_nation("NPL")
    viewer = make_user("training_officer", "nation", nation="NPL")
    small = _big_exercise(db, make_exercise, make_unit, 50, "SMALL")
    large = _big_exercise(db, make_exercise, make_unit, 500, "LARGE")
    counts, reports = [], []
    for ex in (small, large):
        db.session.expire_all()
        with count_queries() as q:
            report = exercise_conflicts(viewer, ex)
        counts.append(q.count)
        reports.append(report)
    assert len(reports[0].double_bookings) == 50 and len(reports[1].double_bookings) == 500
    assert len(reports[1].missing_prerequisites) == 400
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts
