"""Every write of the API is idempotent under an Idempotency-Key: sent twice, it is done once (the same rows,
the same audit events) and the retry gets the first answer. Clients retry after a timeout by sending the
same request again, which for a file upload means a new multipart boundary: the retry is still the same
request. And a write needs no CSRF token, even where the pages require one."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select


JUSTIFICATION = "National pre-deployment course, certificate 2026/117 seen."
ROSTER = ("nation,service_number,family_name,given_names,rank_code,national_rank,category,unit,email\n"
          "NPL,NP-1,Thapa,Bikash,OR-4,Corporal,military,NPBATT-A,\n")
# What a retry may change without the write being done again: counters of the token's own use.
BOOKKEEPING = {"rate_events", "api_tokens"}


def _actions(db) -> list[str]:
    from trainer.audit.models import AuditEvent

    db.session.rollback()
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()


def _person(s):
    person = s.make_person(nation="NPL")
    etag = s.api.get(f"/api/v1/people/{person.id}").headers["ETag"]
    return "PATCH", f"/api/v1/people/{person.id}", {"json": {"national_rank": "Major"}, "headers": {"If-Match": etag}}


def _roster(s):
    s.make_unit(nation="NPL", code="NPBATT-A")
    return "POST", "/api/v1/roster-imports", {"data": lambda: {"file": (io.BytesIO(ROSTER.encode()), "roster.csv")},
                                              "content_type": "multipart/form-data"}


def _recognised(s):
    person = s.make_person(nation="NPL")
    return "POST", "/api/v1/completions/recognised", {"json": {"items": [
        {"person_id": person.id, "module_code": "TS-01", "completed_on": "2026-02-01", "justification": JUSTIFICATION}]}}


def _session_body(s, unit):
    return {"module_code": "TS-01", "unit_id": unit.id, "held_on": "2026-03-02", "instructor": "Capt. Rai",
            "location": "Training hall", "common_evidence": "Attendance sheet 12",
            "rows": [{"person_id": s.make_person(unit=unit).id, "result": "passed", "score": 90}]}


def _session(s):
    return "POST", "/api/v1/classroom-sessions", {"json": _session_body(s, s.make_unit(nation="NPL"))}


def _attendance(s):
    unit = s.make_unit(nation="NPL")
    made = s.api.post("/api/v1/classroom-sessions", json=_session_body(s, unit))
    assert made.status_code == 201
    late = s.make_person(unit=unit)
    return "POST", f"/api/v1/classroom-sessions/{made.get_json()['id']}/attendance", {
        "json": {"rows": [{"person_id": late.id, "result": "passed"}], "common_evidence": "Make-up sheet 3"}}


def _assignment(s):
    person = s.make_person(nation="NPL")
    return "POST", "/api/v1/assignments", {"json": {"kind": "profile", "code": "TST-PROFILE", "person_id": person.id}}


def _withdrawal(kind):
    def build(s):
        unit = s.make_unit(nation="NPL")
        body = {"kind": kind, "code": "TS-01" if kind == "module" else "TST-PROFILE", "unit_id": unit.id}
        location = s.api.post("/api/v1/assignments", json=body).headers["Location"]
        etag = s.api.get(location).headers["ETag"]
        return "POST", f"{location}/withdrawal", {"json": {"reason": "Course replaced"}, "headers": {"If-Match": etag}}
    return build


def _nomination(s):
    ex = s.make_exercise(lead="NPL", status="planning")
    return "POST", f"/api/v1/exercises/{ex.id}/nominations", {
        "json": {"person_id": s.make_person(nation="NPL").id, "role": "player"}}


def _nominated(s):
    ex = s.make_exercise(lead="NPL", status="planning")
    made = s.api.post(f"/api/v1/exercises/{ex.id}/nominations",
                      json={"person_id": s.make_person(nation="NPL").id, "role": "player"})
    assert made.status_code == 201
    return made.headers["Location"], s.api.get(made.headers["Location"]).headers["ETag"]


def _decision(s):
    location, etag = _nominated(s)
    return "POST", f"{location}/decision", {"json": {"decision": "confirm"}, "headers": {"If-Match": etag}}


def _participant_withdrawal(s):
    location, etag = _nominated(s)
    return "POST", f"{location}/withdrawal", {"headers": {"If-Match": etag}}


WRITES = {
    "api_org.update_person": _person,
    "api_org.import_roster": _roster,
    "api_learning.record_recognised": _recognised,
    "api_learning.record_session": _session,
    "api_learning.record_attendance": _attendance,
    "api_learning.create_assignment": _assignment,
    "api_learning.withdraw_module_assignment": _withdrawal("module"),
    "api_learning.withdraw_profile_assignment": _withdrawal("profile"),
    "api_exercises.nominate": _nomination,
    "api_exercises.decide_participant": _decision,
    "api_exercises.withdraw_participant": _participant_withdrawal,
}


def _api_writes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") and (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}}


def test_every_write_of_the_api_takes_an_idempotency_key_and_is_tried_here(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    takes_key = {operation["operationId"] for item in document["paths"].values()
                 for method, operation in item.items() if method in ("post", "patch", "put", "delete")
                 and any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))}
    writes = _api_writes(app)
    assert writes == set(WRITES), "a write of the API is missing from WRITES (or gone): " + \
        ", ".join(sorted(writes ^ set(WRITES)))
    for endpoint in writes:
        assert getattr(app.view_functions[endpoint], "_idempotent", False), endpoint
    assert len(takes_key) == len(writes)


class _Setup:
    def __init__(self, api, **fixtures):
        self.api = api
        self.__dict__.update(fixtures)


def _send(api, method, url, kwargs, key):
    kwargs = dict(kwargs)
    if callable(kwargs.get("data")):
        kwargs["data"] = kwargs["data"]()  # a new upload each time, as a client's retry sends
    headers = {**kwargs.pop("headers", {}), "Idempotency-Key": key}
    return api.open(method, url, headers=headers, **kwargs)


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_write_sent_twice_under_one_key_is_done_once(endpoint, app, db, api_as, make_person, make_unit,
                                                       make_exercise, curricula, row_counts):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    setup = _Setup(api, make_person=make_person, make_unit=make_unit, make_exercise=make_exercise)
    method, url, kwargs = WRITES[endpoint](setup)
    first = _send(api, method, url, kwargs, "5d0c8f52-first-try")
    assert 200 <= first.status_code < 300, first.get_data(as_text=True)
    counts, actions = row_counts(), _actions(db)
    assert actions, "the write left no audit event"
    again = _send(api, method, url, kwargs, "5d0c8f52-first-try")
    assert (again.status_code, again.get_json()) == (first.status_code, first.get_json())
    assert again.headers["Idempotent-Replayed"] == "true"
    for header in ("Location", "ETag"):
        assert again.headers.get(header) == first.headers.get(header)
    after = row_counts()
    assert {t: n for t, n in after.items() if t not in BOOKKEEPING} == \
        {t: n for t, n in counts.items() if t not in BOOKKEEPING}
    assert _actions(db) == actions


def test_a_retried_upload_with_another_boundary_is_the_same_request(app, db, api_as, make_unit):
    from trainer.org.models import Person

    api, _ = api_as("training_officer", "nation", nation="NPL")
    make_unit(nation="NPL", code="NPBATT-A")

    def upload(boundary: str, text: str = ROSTER):
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
        return api.post("/api/v1/roster-imports", data=body, headers={"Idempotency-Key": "roster-2026-12-06"},
                        content_type=f"multipart/form-data; boundary={boundary}")

    assert upload("------------------------a1b2c3").status_code == 201
    retry = upload("------------------------d4e5f6")
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(select(Person)).all()) == 1
    # Another file under the same key is another request.
    other = upload("------------------------0789ab", ROSTER.replace("NP-1,Thapa", "NP-2,Rai"))
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("#problem-idempotency-key-reused")


def test_a_retried_json_body_written_differently_is_the_same_request(app, db, api_as, make_person, curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    item = ('"person_id": %d, "module_code": "TS-01", "completed_on": "2026-02-01", "justification": "%s"'
            % (person.id, JUSTIFICATION))
    first = api.post("/api/v1/completions/recognised", data='{"items": [{%s}]}' % item,
                     content_type="application/json", headers={"Idempotency-Key": "k-json"})
    assert first.status_code == 201
    reordered = '{ "items" : [ { "justification": "%s", %s } ] }' % (JUSTIFICATION, item.split(', "justification"')[0])
    retry = api.post("/api/v1/completions/recognised", data=reordered, content_type="application/json",
                     headers={"Idempotency-Key": "k-json"})
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(select(Completion)).all()) == 1


def test_a_write_with_a_token_needs_no_csrf_token(app, db, api_as, make_person):
    app.config["WTF_CSRF_ENABLED"] = True
    api, user = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    etag = api.get(f"/api/v1/people/{person.id}").headers["ETag"]
    response = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Major"}, headers={"If-Match": etag})
    assert response.status_code == 200, response.get_data(as_text=True)
    # The pages still want their CSRF token from the same account's browser.
    from tests.conftest import PASSWORD

    client = app.test_client()
    refused = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert refused.status_code == 400


def test_a_key_is_kept_for_a_day(app, db, api_as, make_person, curricula):
    from trainer.api.models import IdempotentResponse
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    body = _recognised(_Setup(api, make_person=lambda **_: person))[2]["json"]
    assert api.post("/api/v1/completions/recognised", json=body, headers={"Idempotency-Key": "day"}).status_code == 201
    kept = db.session.scalars(select(IdempotentResponse)).one()
    kept.created_at = kept.created_at - dt.timedelta(hours=25)
    db.session.commit()
    # A day later the key is forgotten: the same request is a new write.
    again = api.post("/api/v1/completions/recognised", json=body, headers={"Idempotency-Key": "day"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert len(db.session.scalars(select(Completion)).all()) == 2


def test_a_retry_after_the_object_left_the_tokens_scope_is_not_found(app, db, api_as, make_person, make_user,
                                                                     make_nation):
    """Grants changed between a write and its retry: the retry meets the new grants, not the kept answer."""
    from trainer.auth.services import add_grant, remove_grant

    make_nation("FRA")
    api, officer = api_as("training_officer", "nation", nation="NPL")
    admin = make_user("admin", username="scope.admin")
    person = make_person(nation="NPL")
    etag = api.get(f"/api/v1/people/{person.id}").headers["ETag"]
    request = {"json": {"national_rank": "Major"}, "headers": {"If-Match": etag, "Idempotency-Key": "moved"}}
    assert api.patch(f"/api/v1/people/{person.id}", **request).status_code == 200
    add_grant(admin, officer, "training_officer", "nation", "FRA")
    remove_grant(admin, officer, officer.grants[0].id)
    db.session.commit()
    assert api.patch(f"/api/v1/people/{person.id}", **request).status_code == 404
