"""Junk in query strings and forms (huge and negative numbers, impossible dates, NUL bytes, bytes that
are not UTF-8, overlong text) gets a clear 4xx or the page, never a 500; and ids posted in a form body
are scope-checked like the ones in the URL."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from trainer.org.models import Person, Unit

JUNK = ["-1", "0", "99999999999999999999999", "2026-02-30", "2026-13-01", "\x00", "%00", "é" * 3000,
        "' OR 1=1 --", "../../etc/passwd", "<script>alert(1)</script>", "1e309", "NaN"]
LIST_PAGES = ["/personnel", "/units", "/readiness/", "/readiness/export.csv", "/readiness/deployments",
              "/learning/matrix", "/learning/matrix/export", "/learning/attention", "/learning/assignments",
              "/learning/sessions", "/exercises/", "/assessments/", "/assessments/improvements", "/certificates/",
              "/admin/audit/", "/admin/users", "/notifications", "/curricula/", "/verify"]
PARAMS = ["page", "q", "unit", "unit_id", "profile", "as_of", "forecast", "status", "month", "view", "nation",
          "parent", "person_id", "objective_id", "type", "when", "serial", "from", "to", "action", "format"]


@pytest.fixture
def admin_with_data(login_as, make_person):
    make_person(nation="NPL")
    return login_as("admin")


def test_junk_query_strings_never_fail(client, admin_with_data):
    for url in LIST_PAGES:
        for value in JUNK:  # every filter at once
            response = client.get(url, query_string={param: value for param in PARAMS})
            assert response.status_code < 500, (url, value, response.status_code)
        for param in PARAMS:  # a number no database integer holds, one filter at a time
            response = client.get(url, query_string={param: JUNK[2]})
            assert response.status_code < 500, (url, param, response.status_code)


def test_raw_bytes_that_are_not_utf8_never_fail(client, admin_with_data):
    for url in ("/personnel?q=%FF%FE%00", "/readiness/?as_of=%C0%AF", "/admin/audit/?page=%FF",
                "/login?next=%FF%2F%2Fevil.example", "/verify?serial=%FF%00"):
        assert client.get(url).status_code < 500, url
    response = client.post("/personnel/new", data=b"family_name=%FF%FE&service_number=%00%C0",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(family=st.text(max_size=400), number=st.text(max_size=60), start=st.text(max_size=20),
       unit=st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str), st.text(max_size=10)))
def test_person_form_with_arbitrary_text_never_fails(client, admin_with_data, family, number, start, unit):
    response = client.post("/personnel/new", data={"family_name": family, "given_names": family,
                                                   "service_number": number, "unit_id": unit, "start_on": start,
                                                   "rank_code": "OF-2", "category": "military", "screening": "cleared"})
    assert response.status_code < 500


def test_impossible_dates_and_huge_ids_in_forms(client, admin_with_data, db):
    person = db.session.scalar(select(Person))
    for data in ({"unit_id": str(2**63), "on": "2026-02-30"}, {"unit_id": "-1", "on": "0000-00-00"},
                 {"unit_id": "\x00", "on": "2026-01-01\x00"}):
        assert client.post(f"/personnel/{person.id}/transfer", data=data).status_code < 500
    assert client.post(f"/personnel/{person.id}/leave", data={"on": "2026-02-30"}).status_code < 500
    assert client.get(f"/personnel/{2**70}").status_code == 404


def test_another_nations_ids_in_a_form_body_are_refused(client, db, login_as, make_unit, make_person):
    npl_unit = make_unit(nation="NPL", code="NPL-1")
    fra_unit = make_unit(nation="FRA", code="FRA-1")
    person = make_person(unit=npl_unit)
    login_as("training_officer", "nation", nation="NPL")
    people_before = db.session.scalar(select(func.count()).select_from(Person))
    units_before = db.session.scalar(select(func.count()).select_from(Unit))
    created = client.post("/personnel/new", data={
        "unit_id": str(fra_unit.id), "service_number": "IDOR-1", "family_name": "Planted", "given_names": "X",
        "rank_code": "OF-2", "category": "military", "screening": "cleared", "start_on": "2025-01-01"})
    assert created.status_code in (403, 404, 422)
    moved = client.post(f"/personnel/{person.id}/transfer", data={"unit_id": str(fra_unit.id), "on": "2025-01-01"})
    assert moved.status_code in (403, 404, 422)
    unit = client.post("/units/new", data={"nation_code": "FRA", "code": "PLANT", "name": "Planted",
                                           "kind": "battalion", "parent_id": str(fra_unit.id)})
    assert unit.status_code in (403, 404, 422)
    sub = client.post("/units/new", data={"nation_code": "NPL", "code": "PLANT2", "name": "Planted",
                                          "kind": "company", "parent_id": str(fra_unit.id)})
    assert sub.status_code in (403, 404, 422)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == people_before
    assert db.session.scalar(select(func.count()).select_from(Unit)) == units_before
    assert db.session.get(Person, person.id).unit_id == npl_unit.id
