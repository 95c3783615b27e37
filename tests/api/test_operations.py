"""What the API's operations do, through the same services (and so the same rules and audit events) as the
pages: batches all or nothing, roster import with the page's report and dry run, readiness with the
dashboard's figures, the unit tree, modules without their answers."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

TODAY = dt.date.today()
JUSTIFICATION = "National pre-deployment course, certificate 2026/117 seen."


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _actions(db) -> list[str]:
    from trainer.audit.models import AuditEvent

    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()


# --- completions -------------------------------------------------------------------------------------


def test_a_batch_of_recognised_learning_is_recorded_whole_with_the_pages_audit_events(app, db, api_as, make_person,
                                                                                      curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    people = [make_person(nation="NPL") for _ in range(3)]
    body = {"items": [{"person_id": p.id, "module_code": "TS-01", "completed_on": "2026-02-01",
                       "justification": JUSTIFICATION} for p in people]}
    response = api.post("/api/v1/completions/recognised", json=body)
    assert response.status_code == 201
    items = response.get_json()["items"]
    assert [(i["person_id"], i["method"], i["valid_until"]) for i in items] == \
        [(p.id, "recognised", "2027-02-01") for p in people]
    assert _count(db, Completion) == 3
    assert _actions(db).count("completion.record") == 3
    listed = api.get(f"/api/v1/people/{people[0].id}/completions").get_json()["items"]
    assert [(c["module_code"], c["superseded"]) for c in listed] == [("TS-01", False)]


def test_one_bad_item_leaves_the_whole_batch_unrecorded_and_every_problem_is_listed(app, db, api_as, make_person,
                                                                                    curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    good, foreign = make_person(nation="NPL"), make_person(nation="FRA")
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    body = {"items": [
        {"person_id": good.id, "module_code": "TS-01", "completed_on": "2026-02-01", "justification": JUSTIFICATION},
        {"person_id": foreign.id, "module_code": "TS-01", "completed_on": "2026-02-01", "justification": JUSTIFICATION},
        {"person_id": good.id, "module_code": "NOPE-1", "completed_on": "2026-02-01", "justification": JUSTIFICATION},
        {"person_id": good.id, "module_code": "TS-02", "completed_on": future, "justification": "short"},
    ]}
    before = _actions(db)
    response = api.post("/api/v1/completions/recognised", json=body)
    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.get_json()["errors"])
    assert fields == ["items.1.person_id", "items.2.module_code", "items.3.completed_on", "items.3.justification"]
    assert _count(db, Completion) == 0
    assert _actions(db) == before


@pytest.mark.parametrize("person_id", ["{id}", "{id}.9", "true"])
def test_an_id_that_is_not_a_json_integer_is_refused_not_rounded_to_someone(app, db, api_as, make_person, curricula,
                                                                            person_id):
    """26.9 used to be cut down to 26, and "26" read as 26: a permanent completion for whoever has that id."""
    from trainer.learning.models import Completion, ModuleAssignment

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    raw = person_id.format(id=person.id)
    value = '"%s"' % raw if raw == str(person.id) else raw  # the id as a JSON string, a fraction, a boolean
    recognised = api.post("/api/v1/completions/recognised", data=(
        '{"items": [{"person_id": %s, "module_code": "TS-01", "completed_on": "2026-02-01", "justification": "%s"}]}'
        % (value, JUSTIFICATION)), content_type="application/json")
    assigned = api.post("/api/v1/assignments", data='{"module_code": "TS-01", "person_id": %s}' % value,
                        content_type="application/json")
    for response in (recognised, assigned):
        assert response.status_code == 422, response.get_data(as_text=True)
        assert "Not a valid integer." in response.get_data(as_text=True)
    assert _count(db, Completion) == 0 and _count(db, ModuleAssignment) == 0


def test_a_classroom_session_and_its_attendance_are_recorded_together_or_not_at_all(app, db, api_as, make_unit,
                                                                                  make_person, curricula):
    from trainer.learning.models import ClassroomSession, Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    unit = make_unit(nation="NPL")
    passed, failed = make_person(unit=unit), make_person(unit=unit)
    session = {"module_code": "TS-01", "unit_id": unit.id, "held_on": "2026-03-02", "instructor": "Capt. Rai",
               "location": "Training hall", "common_evidence": "Attendance sheet 12",
               "rows": [{"person_id": passed.id, "result": "passed", "score": 90},
                        {"person_id": failed.id, "result": "failed"},
                        {"person_id": make_person(nation="FRA").id, "result": "passed"}]}
    refused = api.post("/api/v1/classroom-sessions", json=session)
    assert refused.status_code == 422
    assert _count(db, ClassroomSession) == 0 and _count(db, Completion) == 0
    session["rows"] = session["rows"][:2]
    made = api.post("/api/v1/classroom-sessions", json=session)
    assert made.status_code == 201
    body = made.get_json()
    assert [(a["person_id"], a["result"], a["completion_id"] is not None) for a in body["attendance"]] == \
        [(passed.id, "passed", True), (failed.id, "failed", False)]
    assert api.get(made.headers["Location"]).get_json() == body
    completion = db.session.scalars(select(Completion)).one()
    assert (completion.person_id, completion.method, completion.session_id) == (passed.id, "classroom", body["id"])
    # Records are never changed: the same person again is refused, and nothing else of the batch lands.
    late = make_person(unit=unit)
    again = api.post(f"/api/v1/classroom-sessions/{body['id']}/attendance",
                     json={"rows": [{"person_id": late.id, "result": "absent"},
                                    {"person_id": passed.id, "result": "passed", "evidence": "Again"}]})
    assert again.status_code == 422
    assert len(api.get(made.headers["Location"]).get_json()["attendance"]) == 2


def test_assignments_are_made_listed_and_withdrawn_as_on_the_pages(app, db, api_as, make_unit, make_person, curricula):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    made = api.post("/api/v1/assignments", json={"kind": "profile", "code": "TST-PROFILE", "person_id": person.id})
    assert made.status_code == 201
    assert made.get_json()["kind"] == "profile" and made.get_json()["person_id"] == person.id
    assert [a["id"] for a in api.get("/api/v1/assignments").get_json()["items"]] == [made.get_json()["id"]]
    both = api.post("/api/v1/assignments", json={"kind": "module", "code": "TS-01", "person_id": person.id,
                                                 "unit_id": person.unit_id})
    assert both.status_code == 422
    assert both.get_json()["errors"][0]["field"] == "person_id"
    assert "profile_assignment.create" in _actions(db)


# --- roster import -----------------------------------------------------------------------------------

HEADER = "nation,service_number,family_name,given_names,rank_code,national_rank,category,unit,email\n"


@pytest.fixture
def roster_api(api_as, make_unit):
    """The API as a training officer of Nepal, whose rosters may name the unit NPBATT-A."""
    api, _ = api_as("training_officer", "nation", nation="NPL")
    make_unit(nation="NPL", code="NPBATT-A")
    return api


def _roster(api, text: str, dry_run: bool):
    import io

    return api.post(f"/api/v1/roster-imports?dry_run={'true' if dry_run else 'false'}",
                    data={"file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data")


def test_a_roster_is_checked_in_a_dry_run_then_imported_with_the_pages_report(app, db, roster_api):
    from trainer.org.models import Person

    api = roster_api
    text = HEADER + "NPL,NP-1,Thapa,Bikash,OR-4,Corporal,military,NPBATT-A,\nNPL,NP-2,Rai,Anita,OF-2,Captain,military,NPBATT-A,\n"
    dry = _roster(api, text, dry_run=True)
    assert dry.status_code == 200
    report = dry.get_json()
    assert (report["dry_run"], report["applied"], report["counts"]) == (True, False, {"create": 2, "update": 0, "unchanged": 0})
    assert _count(db, Person) == 0
    done = _roster(api, text, dry_run=False)
    assert done.status_code == 201
    assert done.get_json()["applied"] and done.get_json()["counts"]["create"] == 2
    assert _count(db, Person) == 2
    actions = _actions(db)
    assert actions.count("roster.import") == 1 and actions.count("person.create") == 2


def test_a_roster_with_errors_writes_nothing_and_names_each_row_and_column(app, db, roster_api):
    from trainer.org.models import Person

    text = HEADER + "NPL,NP-1,Thapa,Bikash,OR-4,Corporal,military,NPBATT-A,\nNPL,NP-2,Rai,Anita,XX-9,Captain,navy,NOWHERE,\n"
    response = _roster(roster_api, text, dry_run=False)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = {(e["row"], e["field"]) for e in response.get_json()["errors"]}
    assert errors == {(3, "rank_code"), (3, "category"), (3, "unit")}
    assert _count(db, Person) == 0


# --- organisation ------------------------------------------------------------------------------------


def test_units_come_as_a_tree_of_the_units_in_reach(app, api_as, make_unit, make_nation):
    battalion = make_unit(nation="NPL", code="BN")
    company = make_unit(nation="NPL", code="COY", parent=battalion, kind="company")
    make_unit(nation="NPL", code="PL", parent=company, kind="platoon")
    make_unit(nation="FRA", code="FR-BN")
    api, _ = api_as("commander", "unit", unit=company)
    tree = api.get("/api/v1/units").get_json()["items"]
    assert [(u["code"], [c["code"] for c in u["children"]]) for u in tree] == [("COY", ["PL"])]
    detail = api.get(f"/api/v1/units/{company.id}").get_json()
    assert detail["ancestors"] == [] and [c["code"] for c in detail["children"]] == ["PL"]
    assert api.get(f"/api/v1/units/{battalion.id}").status_code == 404


def test_nations_list_the_mission_s_nations(app, api_as, make_nation):
    make_nation("FRA")
    api, _ = api_as("admin")
    codes = [n["code"] for n in api.get("/api/v1/nations").get_json()["items"]]
    assert codes == sorted(codes) and "FRA" in codes


# --- curricula ---------------------------------------------------------------------------------------


def test_modules_and_profiles_are_read_without_the_answers_of_their_questions(app, api_as, curricula):
    api, _ = api_as("admin")
    modules = api.get("/api/v1/modules").get_json()["items"]
    assert [(m["code"], m["version"], m["versions"]) for m in modules] == [("TS-01", "1.0", ["1.0"]), ("TS-02", "1.0", ["1.0"])]
    version = api.get("/api/v1/modules/TS-01/versions/1.0")
    assert version.status_code == 200
    body = version.get_data(as_text=True)
    assert "lesson-1" in body and "Option A" not in body and "correct" not in body
    assert api.get("/api/v1/modules/TS-01/versions/9.9").status_code == 404
    assert api.get("/api/v1/profiles/TST-PROFILE").get_json()["required_modules"] == ["TS-01", "TS-02"]


# --- readiness ---------------------------------------------------------------------------------------


def _profile(db):
    from trainer.curricula.models import ReadinessProfile

    db.session.add(ReadinessProfile(code="API-PDT", title={"en": "API test profile"}, summary={}, audience=None,
                                    required_modules=["TS-01"], exercise_types=[], exercise_within_months=None,
                                    exercise_min_outcome=None, screening_required=True, warning_days=30,
                                    content_hash="a" * 64))
    db.session.commit()


def test_readiness_of_a_unit_a_nation_and_a_person_as_of_a_date(app, db, api_as, make_unit, make_person, curricula):
    _profile(db)
    admin, _ = api_as("admin")
    npl, fra = make_unit(nation="NPL", code="NP-BN"), make_unit(nation="FRA", code="FR-BN")
    ready = [make_person(unit=npl), make_person(unit=npl)]
    waiting = make_person(unit=npl)
    french = make_person(unit=fra)
    on = (TODAY - dt.timedelta(days=10)).isoformat()
    body = {"items": [{"person_id": p.id, "module_code": "TS-01", "completed_on": on, "justification": JUSTIFICATION}
                      for p in ready + [french]]}
    assert admin.post("/api/v1/completions/recognised", json=body).status_code == 201

    unit = admin.get(f"/api/v1/units/{npl.id}/readiness?profile=API-PDT").get_json()
    assert unit["total"] == {"people": 3, "ready": 2, "percent": 66.7, "level": "red"}
    assert [(u["code"], u["figures"]["ready"]) for u in unit["units"]] == [("NP-BN", 2)]
    assert {"requirement": "TS-01 Module TS-01", "state": "missing", "people": 1} in unit["gaps"]
    # The day before the completions, nobody was ready.
    before = admin.get(f"/api/v1/units/{npl.id}/readiness?profile=API-PDT&as_of="
                       f"{(TODAY - dt.timedelta(days=11)).isoformat()}").get_json()
    assert before["total"]["ready"] == 0
    # A forecast on the page's own date or before it is refused, with the field named.
    refused = admin.get(f"/api/v1/units/{npl.id}/readiness?profile=API-PDT&forecast={TODAY.isoformat()}")
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "query.forecast" and "pointer" not in error and "after" in error["detail"]

    nation = admin.get("/api/v1/nations/NPL/readiness?profile=API-PDT").get_json()
    assert nation["total"] == unit["total"] and [n["code"] for n in nation["nations"]] == ["NPL"]
    assert admin.get("/api/v1/nations/FRA/readiness?profile=API-PDT").get_json()["total"]["ready"] == 1

    person = admin.get(f"/api/v1/people/{waiting.id}/readiness?profile=API-PDT").get_json()
    assert person["ready"] is False
    module = next(r for r in person["requirements"] if r["key"] == "TS-01")
    assert module["state"] == "missing" and module["next_step"].startswith("Complete TS-01")
    assert admin.get(f"/api/v1/people/{ready[0].id}/readiness?profile=API-PDT").get_json()["ready"] is True


def test_a_nation_out_of_reach_is_not_found(app, db, api_as, make_unit, curricula):
    _profile(db)
    make_unit(nation="FRA", code="FR-BN")
    officer, _ = api_as("training_officer", "nation", nation="NPL")
    assert officer.get("/api/v1/nations/FRA/readiness").status_code == 404
    assert officer.get("/api/v1/nations/XYZ/readiness").status_code == 404
    assert officer.get("/api/v1/nations/NPL/readiness?as_of=1800-01-01").status_code == 422


def test_unit_readiness_has_the_figures_of_the_dashboards_spreadsheet(app, db, api_as, make_user, make_unit,
                                                                      make_person, curricula):
    """Unit by unit, the API's people, ready and percent as of a date are the dashboard export's."""
    import io

    from openpyxl import load_workbook

    from tests.conftest import login

    _profile(db)
    admin, _ = api_as("admin")
    battalion = make_unit(nation="NPL", code="NP-BN")
    company = make_unit(nation="NPL", code="NP-COY", parent=battalion, kind="company")
    people = [make_person(unit=battalion), make_person(unit=company), make_person(unit=company), make_person(unit=company)]
    on = (TODAY - dt.timedelta(days=20)).isoformat()
    body = {"items": [{"person_id": p.id, "module_code": "TS-01", "completed_on": on, "justification": JUSTIFICATION}
                      for p in people[1:3]]}
    assert admin.post("/api/v1/completions/recognised", json=body).status_code == 201
    as_of = (TODAY - dt.timedelta(days=5)).isoformat()

    def flatten(nodes):
        for node in nodes:
            yield node
            yield from flatten(node["children"])

    figures = admin.get(f"/api/v1/units/{battalion.id}/readiness?profile=API-PDT&as_of={as_of}").get_json()
    from_api = [(n["code"], n["figures"]["people"], n["figures"]["ready"], n["figures"]["percent"])
                for n in flatten(figures["units"])]
    assert from_api == [("NP-BN", 4, 2, 50.0), ("NP-COY", 3, 2, 66.7)]

    client = app.test_client()
    login(client, make_user("admin", username="sheet.admin").username)
    sheet = client.get(f"/readiness/export.xlsx?profile=API-PDT&unit={battalion.id}&as_of={as_of}")
    assert sheet.status_code == 200
    units = load_workbook(io.BytesIO(sheet.data)).worksheets[1]
    rows = [row for row in units.iter_rows(values_only=True) if row[1] in ("NP-BN", "NP-COY")]
    from_dashboard = [(code, people_, ready, round(percent * 100, 1)) for _n, code, _name, people_, ready, percent, *_ in rows]
    assert from_api == from_dashboard


def test_the_api_refuses_a_date_outside_those_years_and_a_control_character(app, db, api_as, make_person,
                                                                            curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    item = {"person_id": person.id, "module_code": "TS-01", "completed_on": "2026-02-01",
            "justification": "National pre-deployment course, certificate 2026/117 seen."}
    for change, message in (({"completed_on": "0001-01-01"}, "Enter a date between 1900 and 2199."),
                            ({"justification": "Course record\x07 2026/117 seen by the officer."},
                             "Holds an invisible control character")):
        response = api.post("/api/v1/completions/recognised", json={"items": [{**item, **change}]})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert api.get(f"/api/v1/units/{person.unit_id}/readiness?as_of=9999-12-31").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
