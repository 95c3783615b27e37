"""The exercise overview: participant and conflict counts as each viewer may see them, in a number of
queries that does not grow with the exercise."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert

from tests.conftest import login
from trainer.exercises.conflicts import count_conflicts, exercise_conflicts
from trainer.exercises.participants import count_visible_participants, visible_participants

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)


def _participants_line(page: str) -> str:
    match = re.search(r"<dt[^>]*>Participants</dt><dd[^>]*>([^<]*)</dd>", page)
    assert match, "the overview names its participants"
    return match.group(1)


def _conflicts_line(page: str) -> str:
    match = re.search(r'<h2 class="h6">Conflicts</h2>\s*<p[^>]*>(.*?)</p>', page, re.S)
    assert match, "the overview has its conflicts card"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_participant_counts_are_what_each_viewer_may_see(make_exercise, make_unit, make_person, add_participant,
                                                         make_user, client, db):
    ex = make_exercise(lead="NPL", nations=("RWA",), start=START)
    npl = make_unit(nation="NPL")
    rwa_one, rwa_two = make_unit(nation="RWA", code="RWA-B1"), make_unit(nation="RWA", code="RWA-B2")
    for status in ("confirmed", "confirmed", "nominated", "declined"):
        add_participant(ex, make_person(unit=npl), status=status)
    add_participant(ex, make_person(unit=rwa_one), status="confirmed")
    add_participant(ex, make_person(unit=rwa_one), status="nominated")
    add_participant(ex, make_person(unit=rwa_two), status="nominated")
    add_participant(ex, make_person(unit=rwa_two), status="nominated")

    viewers = {
        # the lead nation's training officer plans the exercise and sees every nomination
        "planner": (make_user("training_officer", "nation", nation="NPL"), "3 confirmed, 4 nominated"),
        # a participating nation sees its own nominations
        "rwa": (make_user("training_officer", "nation", nation="RWA"), "3 confirmed, 3 nominated"),
        # a unit commander sees the nominations of people in the unit, not the rest of the nation's
        "unit": (make_user("commander", "unit", unit=rwa_one), "3 confirmed, 1 nominated"),
    }
    for name, (user, expected) in viewers.items():
        tally = {"confirmed": 0, "nominated": 0, "declined": 0, "withdrawn": 0}
        for participant, _ in visible_participants(user, ex):
            tally[participant.status] += 1
        assert count_visible_participants(user, ex) == tally, name
        client.post("/logout")
        login(client, user.username)
        page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
        assert _participants_line(page) == expected, name


def test_conflict_counts_match_the_conflicts_page(make_exercise, make_unit, make_person, add_participant, make_user,
                                                 make_module, client, db):
    from trainer.exercises.models import EvaluatorAssignment, Objective

    unit = make_unit(nation="NPL", code="NPL-B7")
    ex = make_exercise(lead="NPL", nations=("RWA",), start=START, units=[unit], prerequisites="HR-01", objectives=1)
    elsewhere = make_exercise(lead="NPL", start=START + dt.timedelta(hours=6), units=[unit], code="ELSEWHERE")
    make_module("HR-01", title="HR-01", validity_months=24, audience=())
    booked, nominated_elsewhere = make_person(nation="NPL"), make_person(nation="NPL")
    add_participant(ex, booked, status="nominated")
    add_participant(elsewhere, booked, status="confirmed")  # blocks confirmation
    add_participant(ex, nominated_elsewhere)
    add_participant(elsewhere, nominated_elsewhere, status="nominated")  # a warning only
    player = add_participant(ex, make_person(nation="NPL"))
    evaluator = add_participant(ex, make_person(nation="NPL"), role="evaluator")
    objective = db.session.query(Objective).filter_by(exercise_id=ex.id).one()
    db.session.add(EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                       target_participant_id=player.id))
    db.session.commit()

    viewer = make_user("training_officer", "nation", nation="NPL")
    report = exercise_conflicts(viewer, ex)
    # two double bookings, the unit, three players without HR-01, the evaluator of their own nation
    assert (len(report.double_bookings), len(report.unit_overlaps), len(report.missing_prerequisites),
            len(report.same_nation_evaluators)) == (2, 1, 3, 1)
    assert count_conflicts(ex).total == report.total == 7
    assert count_conflicts(ex).blocking == report.blocking == 1
    login(client, viewer.username)
    page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert _conflicts_line(page) == "7 conflicts, 1 blocking."


def _fill(db, ex, unit, clash, size, code):
    """`size` confirmed participants (an evaluator and a controller in every ten, the rest players), each also
    nominated in the clashing exercise; `size` objectives and evaluator assignments."""
    from trainer.exercises.models import EvaluatorAssignment, Milestone, Objective, Participant
    from trainer.org.models import Person

    base = db.session.query(Person).count() + 1000
    db.session.execute(insert(Person), [
        {"id": base + i, "nation_code": "NPL", "unit_id": unit.id, "service_number": f"{code}-{i}",
         "family_name": f"F{i}", "given_names": "G", "family_name_latin": f"F{i}", "given_names_latin": "G",
         "search_text": "", "rank_code": "OR-4", "national_rank": "", "category": "military", "screening": "cleared",
         "status": "active", "version": 1, "created_at": START, "updated_at": START} for i in range(size)])
    roles = ["player", "evaluator", "controller"] + ["player"] * 7
    for exercise, status in ((ex, "confirmed"), (clash, "nominated")):
        db.session.execute(insert(Participant), [
            {"exercise_id": exercise.id, "person_id": base + i, "nation_code": "NPL", "unit_id": unit.id,
             "role": roles[i % len(roles)] if exercise is ex else "player", "status": status,
             "nominated_at": START, "updated_at": START} for i in range(size)])
    db.session.execute(insert(Objective), [
        {"exercise_id": ex.id, "number": i, "description": f"Objective {i}", "capability": "Protection",
         "rating_scale": "HSEEP"} for i in range(1, size + 1)])
    db.session.add_all([Milestone(exercise_id=ex.id, kind=kind, due_on=START.date() - dt.timedelta(days=30 * n))
                        for n, kind in enumerate(("concept_objectives", "initial_planning"), start=1)])
    db.session.flush()
    participants = db.session.query(Participant).filter_by(exercise_id=ex.id).order_by(Participant.id).all()
    evaluators = [p for p in participants if p.role == "evaluator"]
    players = [p for p in participants if p.role == "player"]
    objectives = db.session.query(Objective).filter_by(exercise_id=ex.id).all()
    db.session.add_all([EvaluatorAssignment(participant_id=evaluators[i % len(evaluators)].id,
                                            objective_id=objectives[i].id,
                                            target_participant_id=players[i % len(players)].id)
                        for i in range(size)])
    db.session.commit()


def test_overview_takes_the_same_queries_for_3_and_30_of_everything(make_exercise, make_unit, make_user, make_nation,
                                                                    client, db, count_queries):
    make_nation("NPL")
    viewers = [make_user("training_officer", "nation", nation="NPL"), make_user("commander", "mission")]
    counts, pages = {}, {}
    for size in (3, 30):
        unit = make_unit(nation="NPL", code=f"NPL-B{size}")
        ex = make_exercise(lead="NPL", nations=("RWA",), start=START, units=[unit], prerequisites="HR-01",
                           code=f"SIZE-{size}")
        clash = make_exercise(lead="NPL", start=START + dt.timedelta(hours=5), units=[unit], code=f"CLASH-{size}")
        _fill(db, ex, unit, clash, size, f"S{size}")
        for viewer in viewers:
            client.post("/logout")
            login(client, viewer.username)
            client.get(f"/exercises/{ex.id}")
            with count_queries() as q:
                page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
            counts[size, viewer.username] = q.count
            pages[size, viewer.username] = page
    for viewer in viewers:
        assert counts[3, viewer.username] == counts[30, viewer.username], counts
        # the overview stays complete: every participant counted, every objective listed, every conflict counted
        assert f"{30} confirmed" in pages[30, viewer.username]
        assert "Objective 30 " in pages[30, viewer.username]
        # 30 double bookings, the unit, 24 players without HR-01, 30 evaluations of their own nation's players
        assert _conflicts_line(pages[30, viewer.username]) == "85 conflicts."
    assert max(counts.values()) <= 15, counts
