"""The conventions every operation keeps: idempotent writes under an Idempotency-Key, ETag and If-Match,
cursor pagination with Link headers, RFC 9457 problems with field-level details, ISO dates and UTC times."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _recognised(person_id, code="TS-01", on="2026-01-10"):
    return {"items": [{"person_id": person_id, "module_code": code, "completed_on": on,
                       "justification": "National pre-deployment course, certificate 2026/117 seen."}]}


# --- idempotency -------------------------------------------------------------------------------------


def test_a_retried_write_with_the_same_key_is_done_once_and_answered_the_same(app, db, api_as, make_person, curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    first = api.post("/api/v1/completions/recognised", json=_recognised(person.id),
                     headers={"Idempotency-Key": "3f1c-retry"})
    assert first.status_code == 201
    again = api.post("/api/v1/completions/recognised", json=_recognised(person.id),
                     headers={"Idempotency-Key": "3f1c-retry"})
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(db, Completion) == 1
    # Without a key, the same request is a new write (a newer completion superseding the first).
    assert api.post("/api/v1/completions/recognised", json=_recognised(person.id)).status_code == 201
    assert _count(db, Completion) == 2


def test_the_same_key_with_a_different_request_is_refused(app, db, api_as, make_person, curricula):
    from trainer.learning.models import Completion

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    assert api.post("/api/v1/completions/recognised", json=_recognised(person.id),
                    headers={"Idempotency-Key": "key-1"}).status_code == 201
    other = api.post("/api/v1/completions/recognised", json=_recognised(person.id, on="2026-01-11"),
                     headers={"Idempotency-Key": "key-1"})
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("#problem-idempotency-key-reused")
    assert _count(db, Completion) == 1


def test_keys_belong_to_one_token(app, db, api_as, make_person, curricula):
    """Another token (even of the same account) reusing a key does its own write."""
    from trainer.learning.models import Completion
    from tests.api.conftest import Api

    api, user = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    from trainer.api.tokens import create_token

    _row, second = create_token(user, user, name="second")
    db.session.commit()
    for client in (api, Api(app, second)):
        assert client.post("/api/v1/completions/recognised", json=_recognised(person.id),
                           headers={"Idempotency-Key": "shared-key"}).status_code == 201
    assert _count(db, Completion) == 2


def test_a_refused_write_is_not_kept_so_its_retry_runs_again(app, db, api_as, make_person, curricula):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    body = {"items": [{**_recognised(person.id)["items"][0], "justification": "too short"}]}
    assert api.post("/api/v1/completions/recognised", json=body, headers={"Idempotency-Key": "k"}).status_code == 422
    assert api.post("/api/v1/completions/recognised", json=_recognised(person.id),
                    headers={"Idempotency-Key": "k"}).status_code == 201


def test_a_malformed_key_is_refused(app, api_as, make_person, curricula):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    response = api.post("/api/v1/completions/recognised", json=_recognised(person.id),
                        headers={"Idempotency-Key": "has spaces in it"})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "header.Idempotency-Key"


# --- ETag and If-Match -------------------------------------------------------------------------------


def test_an_update_needs_the_etag_it_read_and_a_stale_one_is_refused(app, db, api_as, make_person):
    from trainer.audit.models import AuditEvent

    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    read = api.get(f"/api/v1/people/{person.id}")
    etag = read.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert api.get(f"/api/v1/people/{person.id}").headers["ETag"] == etag  # the same record, the same tag
    missing = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Major"})
    assert missing.status_code == 428
    changed = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Major"}, headers={"If-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["national_rank"] == "Major"
    assert changed.headers["ETag"] != etag
    stale = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Colonel"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == changed.headers["ETag"]
    db.session.expire_all()
    assert person.national_rank == "Major"
    # The change went through the personnel service: the same audit event as the edit page.
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.update")).one()
    assert '"national_rank":"Major"' in event.details.replace(" ", "")


def test_a_field_the_personnel_rules_refuse_is_reported_under_its_name(app, db, api_as, make_person):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL")
    response = api.patch(f"/api/v1/people/{person.id}", json={"rank_code": "GENERAL"}, headers={"If-Match": "*"})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)
    assert problem["status"] == 422 and problem["instance"] == f"/api/v1/people/{person.id}"
    assert [(e["field"], e["pointer"]) for e in problem["errors"]] == [("rank_code", "#/rank_code")]


def test_control_characters_and_nul_in_a_name_are_refused_under_its_name(app, db, api_as, make_person):
    """An XLSX export cannot hold them and PostgreSQL refuses NUL: the API says which field, on either database."""
    api, _ = api_as("training_officer", "nation", nation="NPL")
    person = make_person(nation="NPL", family_name="Thapa")
    for value in ("Tha\x0bpa", "Sgt\u0000x"):
        response = api.patch(f"/api/v1/people/{person.id}", json={"family_name": value, "national_rank": value},
                             headers={"If-Match": "*"})
        assert response.status_code == 422, value
        assert sorted(e["field"] for e in response.get_json()["errors"]) == ["family_name", "national_rank"]
    db.session.expire_all()
    assert person.family_name == "Thapa"
    # a record stored with one before the rule (by an older import) still takes edits of its other fields
    person.given_names = "Ram\x0b"
    db.session.commit()
    edited = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Major"}, headers={"If-Match": "*"})
    assert edited.status_code == 200 and edited.get_json()["national_rank"] == "Major"


def test_a_withdrawal_checks_the_assignment_as_it_was_read(app, db, api_as, make_unit, curricula):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    unit = make_unit(nation="NPL")
    made = api.post("/api/v1/assignments", json={"kind": "module", "code": "TS-01", "unit_id": unit.id,
                                                 "due_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    assert made.status_code == 201
    location = made.headers["Location"]
    etag = api.get(location).headers["ETag"]
    done = api.post(f"{location}/withdrawal", json={"reason": "Course replaced"}, headers={"If-Match": etag})
    assert done.status_code == 200 and done.get_json()["withdrawn_at"]
    again = api.post(f"{location}/withdrawal", json={"reason": "Course replaced"}, headers={"If-Match": etag})
    assert again.status_code == 412


# --- cursor pagination -------------------------------------------------------------------------------


def test_people_are_paged_by_cursor_with_link_headers(app, api_as, make_unit, make_person):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    unit = make_unit(nation="NPL")
    names = [f"Name{i:02d}" for i in range(7)]
    for name in reversed(names):
        make_person(unit=unit, family_name=name)
    make_person(nation="FRA", family_name="Name00")  # out of reach: never listed
    seen, url, pages = [], "/api/v1/people?limit=3", 0
    while url:
        response = api.get(url)
        assert response.status_code == 200
        body = response.get_json()
        seen += [p["family_name"] for p in body["items"]]
        pages += 1
        link = response.headers.get("Link")
        if body["next_cursor"] is None:
            assert link is None
            url = None
        else:
            target = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1)
            assert "limit=3" in target and body["next_cursor"] in target.replace("%3D", "=")
            url = urlsplit(target).path + "?" + urlsplit(target).query
    assert seen == names and pages == 3


def test_a_page_cursor_keeps_its_place_when_rows_are_added_before_it(app, api_as, make_unit, make_person):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    unit = make_unit(nation="NPL")
    for name in ("Baker", "Carter", "Dalton", "Evans"):
        make_person(unit=unit, family_name=name)
    first = api.get("/api/v1/people?limit=2").get_json()
    assert [p["family_name"] for p in first["items"]] == ["Baker", "Carter"]
    make_person(unit=unit, family_name="Adams")  # sorts before the cursor: must not shift the next page
    second = api.get(f"/api/v1/people?limit=2&cursor={first['next_cursor']}").get_json()
    assert [p["family_name"] for p in second["items"]] == ["Dalton", "Evans"]


def test_a_forged_cursor_is_refused(app, api_as):
    api, _ = api_as("admin")
    response = api.get("/api/v1/people?cursor=WyJBIiwiQiIsMV0")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "query.cursor", "detail": "Not a cursor this API gave."}]


def test_search_and_filters_narrow_the_people(app, api_as, make_unit, make_person):
    api, _ = api_as("training_officer", "nation", nation="NPL")
    battalion = make_unit(nation="NPL", code="BN")
    company = make_unit(nation="NPL", code="COY", parent=battalion, kind="company")
    other = make_unit(nation="NPL", code="OTHER")
    make_person(unit=company, family_name="Shrestha", given_names="Sita", category="police")
    make_person(unit=other, family_name="Gurung", given_names="Ram")
    assert [p["family_name"] for p in api.get("/api/v1/people?q=shresth").get_json()["items"]] == ["Shrestha"]
    assert [p["family_name"] for p in api.get(f"/api/v1/people?unit_id={battalion.id}").get_json()["items"]] == ["Shrestha"]
    assert [p["family_name"] for p in api.get("/api/v1/people?category=military").get_json()["items"]] == ["Gurung"]
    assert api.get("/api/v1/people?category=navy").status_code == 422


def test_dates_are_iso_and_times_utc_with_their_offset(app, api_as, make_person):
    api, _ = api_as("admin")
    person = make_person(nation="NPL")
    body = api.get(f"/api/v1/people/{person.id}").get_json()
    assert dt.datetime.fromisoformat(body["created_at"]).utcoffset() == dt.timedelta(0)
    assert body["created_at"].endswith("+00:00")
