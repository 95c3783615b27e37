"""Exercises with their objectives and participants (never the MSEL), nominations and the lead's decision,
an exercise's ratings and adjudications as the report's rule opens them, and certificates with status."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from tests.api.conftest import Api

UTC = dt.timezone.utc


def _token(app, db, user) -> Api:
    from trainer.api.tokens import create_token

    _row, secret = create_token(user, user, name="test")
    db.session.commit()
    return Api(app, secret)


def test_a_player_reads_the_exercise_but_never_its_msel(app, db, make_exercise, make_unit, make_person, make_user,
                                                       add_participant):
    from trainer.exercises.models import Inject

    unit = make_unit(nation="NPL")
    ex = make_exercise(lead="NPL", units=[unit], objectives=2, status="in_conduct")
    db.session.add(Inject(exercise_id=ex.id, number=1, planned_at=ex.start_at, to_type="nation", to_nation_code="NPL",
                          message="SECRET-INJECT-TEXT: displaced persons at the bridge"))
    db.session.commit()
    player = make_person(unit=unit, family_name="Player")
    add_participant(ex, player, role="player")
    api = _token(app, db, make_user("trainee", "self", person=player))
    response = api.get(f"/api/v1/exercises/{ex.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert [o["number"] for o in body["objectives"]] == [1, 2]
    # Name, rank and nation of confirmed participants; the personnel record's id only to those who may
    # open it (exercise.record), as on the participants page.
    assert [(p["name"], p["role"], p["person_id"]) for p in body["participants"]] == \
        [(player.full_name_latin, "player", None)]
    everything = "".join(api.get(url).get_data(as_text=True) for url in (
        f"/api/v1/exercises/{ex.id}", f"/api/v1/exercises/{ex.id}/participants", "/api/v1/exercises",
        "/api/v1/openapi.json"))
    assert "SECRET-INJECT-TEXT" not in everything and "inject" not in everything.lower().replace("msel", "")


def test_exercises_are_paged_by_start(app, db, make_exercise, api_as):
    api, _ = api_as("admin")
    start = dt.datetime(2031, 1, 1, 8, 0, tzinfo=UTC)
    codes = [make_exercise(lead="NPL", code=f"EX-{i}", start=start + dt.timedelta(days=10 * (5 - i))).code
             for i in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/exercises?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [e["code"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(codes))
    assert api.get("/api/v1/exercises?type=tabletop&limit=200").get_json()["items"][0]["start_at"].endswith("+00:00")


def test_a_nation_nominates_its_own_and_the_lead_decides(app, db, make_exercise, make_unit, make_person, api_as,
                                                         make_nation):
    from trainer.audit.models import AuditEvent

    make_nation("FRA")
    ex = make_exercise(lead="NPL", nations=("FRA",), status="planning")
    npl_person = make_person(unit=make_unit(nation="NPL"))
    fra_person = make_person(unit=make_unit(nation="FRA"))
    officer, _ = api_as("training_officer", "nation", nation="NPL")
    made = officer.post(f"/api/v1/exercises/{ex.id}/nominations", json={"person_id": npl_person.id, "role": "player"})
    assert made.status_code == 201
    participant = made.get_json()
    assert participant["status"] == "nominated"
    # Another nation's personnel are out of the officer's personnel scope.
    refused = officer.post(f"/api/v1/exercises/{ex.id}/nominations", json={"person_id": fra_person.id, "role": "player"})
    assert refused.status_code == 404
    read = officer.get(made.headers["Location"])
    decided = officer.post(f"{made.headers['Location']}/decision", json={"decision": "confirm"},
                           headers={"If-Match": read.headers["ETag"]})
    assert decided.status_code == 200 and decided.get_json()["status"] == "confirmed"
    stale = officer.post(f"{made.headers['Location']}/withdrawal", headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert "exercise.participant.nominate" in actions and "exercise.participant.confirm" in actions


def test_results_open_to_staff_and_to_players_once_the_report_is_published(app, db, make_exercise, make_unit,
                                                                          make_person, make_user, add_participant):
    from trainer.assessments.models import Adjudication, RatingRecord
    from trainer.exercises.models import Objective

    unit = make_unit(nation="NPL")
    ex = make_exercise(lead="NPL", units=[unit], objectives=1, status="endex")
    objective = db.session.scalars(select(Objective).where(Objective.exercise_id == ex.id)).one()
    player_person, lead_person = make_person(unit=unit), make_person(unit=unit)
    player = add_participant(ex, player_person, role="player")
    lead = add_participant(ex, lead_person, role="lead_evaluator")
    now = dt.datetime.now(UTC)
    db.session.add(RatingRecord(exercise_id=ex.id, objective_id=objective.id, evaluator_id=lead.id,
                                target_participant_id=player.id, rating="S", narrative="", rated_at=now,
                                submission_key=str(uuid.uuid4())))
    db.session.add(Adjudication(exercise_id=ex.id, objective_id=objective.id, audience=f"p{player.id}",
                                target_participant_id=player.id, rating="S", rationale="Performed well",
                                submission_key=str(uuid.uuid4())))
    db.session.commit()
    as_lead = _token(app, db, make_user("evaluator", "exercises", person=lead_person))
    as_player = _token(app, db, make_user("trainee", "self", person=player_person))
    staff_view = as_lead.get(f"/api/v1/exercises/{ex.id}/results").get_json()
    assert [a["rating"] for a in staff_view["adjudications"]] == ["S"]
    assert [(r["rating"], r["current"]) for r in staff_view["ratings"]] == [("S", True)]
    assert as_player.get(f"/api/v1/exercises/{ex.id}/results").status_code == 404
    ex.status = "aar_published"
    db.session.commit()
    player_view = as_player.get(f"/api/v1/exercises/{ex.id}/results").get_json()
    assert [a["rating"] for a in player_view["adjudications"]] == ["S"]
    assert player_view["ratings"] == []  # the evaluators' own ratings never reach a player


def test_certificates_with_their_status_for_those_in_scope(app, db, make_unit, make_person, api_as):
    from tests.certificates.builders import PROFILE, ensure_profile, issuer, make_ready
    from trainer.certificates.services.issuing import issue_certificate
    from trainer.certificates.services.status import revoke_certificate

    ensure_profile(db)
    unit = make_unit(nation="NPL")
    people = [make_person(unit=unit) for _ in range(3)]
    certificates = []
    for person in people:
        make_ready(db, person)
        certificates.append(issue_certificate(issuer(db), person.id, PROFILE))
        db.session.commit()
    revoke_certificate(issuer(db), certificates[0].id, "Issued on a forged record")
    db.session.commit()
    outsider = make_person(nation="FRA")
    make_ready(db, outsider)
    foreign = issue_certificate(issuer(db), outsider.id, PROFILE)
    db.session.commit()

    api, _ = api_as("commander", "nation", nation="NPL")
    listed = api.get("/api/v1/certificates?limit=2")
    assert listed.status_code == 200 and listed.headers.get("Link")
    first, second = listed.get_json(), api.get(f"/api/v1/certificates?limit=2&cursor={listed.get_json()['next_cursor']}").get_json()
    serials = [c["serial"] for c in first["items"] + second["items"]]
    assert serials == [c.serial for c in reversed(certificates)] and second["next_cursor"] is None
    assert [c["serial"] for c in api.get("/api/v1/certificates?status=revoked").get_json()["items"]] == \
        [certificates[0].serial]
    detail = api.get(f"/api/v1/certificates/{certificates[1].id}").get_json()
    assert detail["status"] == "valid" and detail["facts"]["profile"]["code"] == PROFILE
    assert detail["verify_url"].endswith(f"/verify/{certificates[1].serial}")
    assert api.get(f"/api/v1/certificates/{foreign.id}").status_code == 404
    assert [c["status"] for c in api.get(f"/api/v1/people/{people[0].id}/certificates").get_json()["items"]] == ["revoked"]
