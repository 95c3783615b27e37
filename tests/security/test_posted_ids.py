"""Ids and codes posted in a form body (not only the ones in the URL) are checked against the actor's scope:
a training officer or commander of Nepal who posts the id of a French record, an id that does not exist, or junk
gets a 4xx with a message, and nothing in the database changes."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.readiness.conftest import make_profile  # noqa: F401  (a fixture)

JUNK = ["abc", "-1", "0", "99999999999999999999999", "1e3", "\x01", ""]
MISSING = "987654"
REFUSED = (400, 403, 404, 409, 422)
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


class World:
    pass


@pytest.fixture
def w(db, make_unit, make_person, make_user, make_exercise, add_participant, make_module, make_profile):  # noqa: F811
    from trainer.exercises.models import Objective
    from trainer.learning import services as learning
    from trainer.readiness import services as readiness

    x = World()
    x.npl_unit = make_unit(nation="NPL", code="NPL-1")
    x.fra_unit = make_unit(nation="FRA", code="FRA-1")
    x.npl_person = make_person(unit=x.npl_unit, family_name="Thapa")
    x.npl_evaluator = make_person(unit=x.npl_unit, family_name="Gurung")
    x.fra_person = make_person(unit=x.fra_unit, family_name="Dupont")
    x.module = make_module("HR-01")
    x.profile = make_profile("UN-PDT", modules=("HR-01",))
    # An exercise Nepal plans (France takes part) and one that is France's alone.
    x.npl_ex = make_exercise(lead="NPL", nations=("FRA",), units=(x.npl_unit,), objectives=1, status="planning")
    x.fra_ex = make_exercise(lead="FRA", units=(x.fra_unit,), objectives=1, status="planning")
    x.npl_player = add_participant(x.npl_ex, x.npl_person, role="player")
    x.npl_eval = add_participant(x.npl_ex, x.npl_evaluator, role="evaluator")
    x.fra_player = add_participant(x.fra_ex, x.fra_person, role="player")
    x.fra_eval = add_participant(x.fra_ex, make_person(unit=x.fra_unit), role="evaluator")
    x.npl_objective = db.session.query(Objective).filter_by(exercise_id=x.npl_ex.id).one()
    x.fra_objective = db.session.query(Objective).filter_by(exercise_id=x.fra_ex.id).one()
    # An exercise after ENDEX whose improvement plan Nepal's officers edit.
    x.done_ex = make_exercise(lead="NPL", units=(x.npl_unit,), objectives=1, status="aar_draft",
                              start=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    admin = make_user("admin", username="root")
    x.session = learning.create_session(admin, module_code="HR-01", unit_id=x.npl_unit.id,
                                        held_on=dt.date(2025, 1, 10), instructor="Maj. K", location="Kathmandu")
    x.deployment = readiness.create_deployment(admin, mission="UNMISS", departure_on=dt.date(2030, 1, 1),
                                               return_on=dt.date(2030, 12, 1), profile_code="UN-PDT",
                                               unit_ids=[x.npl_unit.id])
    db.session.commit()
    return x


@pytest.fixture
def refused(client, db, row_counts):
    """refused(url, data): the post is answered with a 4xx that says why, and no table gained or lost a row."""
    def check(url, data, *, also_unchanged=None):
        before = row_counts()
        state = also_unchanged() if also_unchanged else None
        response = client.post(url, data=data)
        body = response.get_data(as_text=True)
        if response.status_code == 302:  # forms on a shared page answer by going back there with the reason
            with client.session_transaction() as stored:
                flashes = stored.pop("_flashes", [])
            body = " ".join(message for category, message in flashes if category == "danger")
        else:
            assert response.status_code in REFUSED, (url, data, response.status_code, body[:1500])
        assert _message(body), (url, data, response.status_code, body[:1500])
        db.session.expire_all()
        assert row_counts() == before, (url, data)
        if also_unchanged:
            assert also_unchanged() == state, (url, data)
        return body
    return check


@pytest.fixture
def accepted(client, db, row_counts):
    """accepted(url, data): the same form with ids in scope is carried out (so the refusals are about the ids)."""
    def check(url, data):
        before = row_counts()
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, data, response.status_code, response.get_data(as_text=True)[:1500])
        with client.session_transaction() as stored:
            flashes = stored.pop("_flashes", [])
        assert not [m for c, m in flashes if c == "danger"], flashes
        db.session.expire_all()
        assert row_counts() != before, (url, data)
    return check


def _message(body: str) -> bool:
    import re

    if "invalid-feedback" in body or "alert-danger" in body:  # a field's error or the page's error banner
        return True
    text = re.sub(r"<[^>]+>", " ", body)
    return any(word in text.lower() for word in ("not found", "choose", "scope", "no ", "not ", "unknown", "invalid",
                                                   "could not", "bad request"))


def _ids(*good):
    return [*good, MISSING, *JUNK]


# --- exercises --------------------------------------------------------------------------------------

def test_exercise_forms_refuse_french_and_unknown_ids(w, login_as, make_person, refused, accepted):
    login_as("training_officer", "nation", nation="NPL")
    base = f"/exercises/{w.npl_ex.id}"
    for person_id in _ids(str(w.fra_person.id)):
        refused(f"{base}/nominate", {"person_id": person_id, "role": "player"})
    good = {"evaluator_id": str(w.npl_eval.id), "objective_id": str(w.npl_objective.id),
            "target_participant_id": str(w.npl_player.id)}
    for field, foreign in (("evaluator_id", w.fra_eval.id), ("objective_id", w.fra_objective.id),
                           ("target_participant_id", w.fra_player.id)):
        for value in _ids(str(foreign)):
            if value == "" and field == "target_participant_id":
                continue  # no target means every player: allowed
            refused(f"{base}/assignments", {**good, field: value})
    for value in _ids(str(w.fra_unit.id)):
        if value:
            refused(f"{base}/assignments", {**good, "target_participant_id": "", "target_unit_id": value})
    for code in ("ZZ-99", "<b>", "HR-01; DROP"):
        refused(f"{base}/objectives", {"description": "Protect", "capability": "", "module_code": code})
    inject = {"number": "1", "scenario_time": "D+1", "planned_release": "2030-05-01T09:00", "from": "HQ",
              "method": "radio", "message": "Go", "expected_action": "", "objectives": "1"}
    for to_type, to in (("unit", f"FRA:{w.fra_unit.code}x"), ("unit", "NPL:FRA-1"), ("nation", "GBR"),
                        ("person", f"FRA:{w.fra_eval.person.service_number}x"), ("person", "NPL:" + MISSING)):
        refused(f"{base}/msel/new", {**inject, "to_type": to_type, "to": to})
    refused(f"{base}/msel/new", {**inject, "to_type": "nation", "to": "NPL", "objectives": "7"})
    accepted(f"{base}/nominate", {"person_id": str(make_person(unit=w.npl_unit).id), "role": "player"})
    accepted(f"{base}/assignments", good)
    accepted(f"{base}/assignments", {**good, "target_participant_id": "", "target_unit_id": str(w.npl_unit.id)})
    accepted(f"{base}/objectives", {"description": "Protect", "capability": "", "module_code": "HR-01"})
    accepted(f"{base}/msel/new", {**inject, "to_type": "unit", "to": "NPL:NPL-1"})


def test_exercise_units_must_be_of_nations_taking_part(w, db, login_as, refused, accepted):
    from trainer.exercises.models import ExerciseUnit

    login_as("training_officer", "nation", nation="NPL")
    values = {"code": "PLANT-1", "title": "Planted", "type": "tabletop", "lead_nation_code": "NPL",
              "nation_codes": ["NPL"], "timezone": "UTC", "start_local": "2030-06-01T08:00",
              "end_local": "2030-06-02T08:00", "location_name": "", "scenario_summary": "", "prerequisite_modules": ""}
    for unit_id in [str(w.fra_unit.id), MISSING, "abc", "99999999999999999999999"]:
        refused("/exercises/new", {**values, "unit_ids": [unit_id]})
        edit = {**values, "code": w.npl_ex.code, "nation_codes": ["NPL"], "unit_ids": [unit_id],
                "version": str(w.npl_ex.version)}
        refused(f"/exercises/{w.npl_ex.id}/edit", edit, also_unchanged=lambda: sorted(
            db.session.scalars(db.select(ExerciseUnit.unit_id).where(ExerciseUnit.exercise_id == w.npl_ex.id))))
    refused("/exercises/new", {**values, "prerequisite_modules": "ZZ-99"})
    accepted("/exercises/new", {**values, "unit_ids": [str(w.npl_unit.id)], "prerequisite_modules": "HR-01"})


def test_improvement_owner_must_take_part_in_the_exercise(w, login_as, refused, accepted):
    login_as("training_officer", "nation", nation="NPL")
    item = {"finding": "Radio log not kept", "corrective_action": "Drill", "objective_id": "", "point_of_contact": "",
            "due_on": "2030-01-01", "status": "open"}
    url = f"/assessments/exercises/{w.done_ex.id}/improvements/new"
    for owner in (f"u{w.fra_unit.id}", "nFRA", "nZZZ", f"u{MISSING}", "u99999999999999999999999", "uabc", ""):
        refused(url, {**item, "owner": owner})
    refused(url, {**item, "owner": "nNPL", "objective_id": str(w.fra_objective.id)})
    accepted(url, {**item, "owner": f"u{w.npl_unit.id}"})


# --- learning ---------------------------------------------------------------------------------------

def test_learning_forms_refuse_french_and_unknown_ids(w, login_as, refused, accepted):
    login_as("training_officer", "nation", nation="NPL")
    for person_id in _ids(str(w.fra_person.id)):
        if person_id:
            refused("/learning/assign", {"code": "HR-01", "unit_id": "", "person_id": person_id})
    for unit_id in _ids(str(w.fra_unit.id)):
        if unit_id:
            refused("/learning/assign", {"code": "UN-PDT", "unit_id": unit_id})
    for code in ("ZZ-99", "<b>", ""):
        refused("/learning/assign", {"code": code, "unit_id": str(w.npl_unit.id)})
    session = {"module_code": "HR-01", "held_on": "2025-01-10", "instructor": "Maj. K", "location": "Kathmandu"}
    for unit_id in _ids(str(w.fra_unit.id)):
        refused("/learning/sessions/new", {**session, "unit_id": unit_id})
    refused("/learning/sessions/new", {**session, "unit_id": str(w.npl_unit.id), "module_code": "ZZ-99"})
    for person_id in _ids(str(w.fra_person.id)):
        refused(f"/learning/sessions/{w.session.id}", {"person": person_id, f"result-{person_id}": "passed",
                                                      f"evidence-{person_id}": "Sheet 4"})
    for code in ("ZZ-99", ""):
        refused(f"/learning/people/{w.npl_person.id}/recognise", {"module_code": code, "completed_on": "2024-01-01",
                                                                  "justification": "Course abroad"})
    accepted("/learning/assign", {"code": "HR-01", "unit_id": "", "person_id": str(w.npl_person.id)})
    accepted("/learning/assign", {"code": "UN-PDT", "unit_id": str(w.npl_unit.id)})
    accepted("/learning/sessions/new", {**session, "unit_id": str(w.npl_unit.id)})
    pid = w.npl_person.id
    accepted(f"/learning/sessions/{w.session.id}", {"person": str(pid), f"result-{pid}": "passed",
                                                   f"evidence-{pid}": "Sheet 4"})


# --- readiness and certificates ---------------------------------------------------------------------

def test_readiness_forms_refuse_french_and_unknown_ids(w, db, login_as, refused, accepted):
    from trainer.readiness.models import DeploymentMember

    login_as("commander", "nation", nation="NPL")
    deployment = {"mission": "UNIFIL", "profile_code": "UN-PDT", "departure_on": "2030-02-01",
                  "return_on": "2030-10-01", "notes": ""}
    for unit_id in _ids(str(w.fra_unit.id)):
        refused("/readiness/deployments/new", {**deployment, "unit_ids": [unit_id]})
    refused("/readiness/deployments/new", {**deployment, "unit_ids": [str(w.npl_unit.id), str(w.fra_unit.id)]})
    refused("/readiness/deployments/new", {**deployment, "unit_ids": [str(w.npl_unit.id)], "profile_code": "ZZ"})
    for person_id in (w.fra_person.id, MISSING):
        refused(f"/readiness/deployments/{w.deployment.id}/people/{person_id}/remove", {},
                also_unchanged=lambda: db.session.query(DeploymentMember).count())
    for requirement in ("ZZ-99", "module:ZZ-99", ""):
        refused(f"/readiness/people/{w.npl_person.id}/waivers", {
            "requirement": requirement, "authority": "Force HQ", "reason": "Deployed", "expires_on": SOON})
    for profile in ("ZZ", ""):
        refused(f"/readiness/units/{w.npl_unit.id}/assess?profile={profile}", {"assessed_level": "green",
                                                                                "reason": "Seen on exercise"})
    for profile in ("ZZ", ""):
        refused(f"/certificates/person/{w.npl_person.id}/issue", {"profile": profile})
    for unit_id in _ids(str(w.fra_unit.id)):
        refused("/certificates/bulk", {"unit": unit_id, "profile": "UN-PDT"})
    refused("/certificates/bulk", {"unit": str(w.npl_unit.id), "profile": "ZZ"})
    accepted("/readiness/deployments/new", {**deployment, "unit_ids": [str(w.npl_unit.id)]})
    accepted(f"/readiness/units/{w.npl_unit.id}/assess?profile=UN-PDT", {"assessed_level": "green",
                                                                        "reason": "Seen on exercise"})
    accepted(f"/readiness/people/{w.npl_person.id}/waivers", {
        "requirement": "HR-01", "authority": "Force HQ", "reason": "Deployed", "expires_on": SOON})


# --- accounts -----------------------------------------------------------------------------------------

def test_admin_grants_and_links_refuse_unknown_nations_units_and_people(w, db, login_as, make_user, refused,
                                                                       accepted):
    from trainer.auth.models import Grant, User

    login_as("admin")
    user = make_user("commander", "nation", nation="NPL", username="cdr")
    grants = lambda: sorted(g.describe() for g in db.session.get(User, user.id).grants)  # noqa: E731
    url = f"/admin/users/{user.id}/grants"
    for nation in ("ZZZ", "<b>", "\x01", ""):
        refused(url, {"role": "commander", "scope_kind": "nation", "nation_code": nation, "unit_id": ""},
                also_unchanged=grants)
    for unit_id in (MISSING, *JUNK):
        refused(url, {"role": "commander", "scope_kind": "unit", "nation_code": "", "unit_id": unit_id},
                also_unchanged=grants)
    for person_id in (MISSING, "abc", "99999999999999999999999", "-1"):
        refused("/admin/users/new", {"username": f"new{person_id[:3]}", "display_name": "New", "email": "",
                                     "person_id": person_id})
    linked = make_user("trainee", "self", person=w.npl_person, username="linked")
    refused("/admin/users/new", {"username": "second", "display_name": "Second", "email": "",
                                 "person_id": str(linked.person_id)})
    accepted(url, {"role": "commander", "scope_kind": "unit", "nation_code": "", "unit_id": str(w.npl_unit.id)})
    accepted(url, {"role": "training_officer", "scope_kind": "nation", "nation_code": "NPL", "unit_id": ""})
    accepted("/admin/users/new", {"username": "third", "display_name": "Third", "email": "",
                                  "person_id": str(w.npl_evaluator.id)})
    assert db.session.query(Grant).filter_by(user_id=user.id).count() == 3
