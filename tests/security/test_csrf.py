"""Every state-changing route of the URL map refuses a request without a CSRF token (production
setting), even from a signed-in administrator, and nothing in the database changes."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.security.conftest import csrf_token

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PARAM_VALUES = {"fmt": "csv", "code": "NPL", "token": "x" * 20, "serial": "X", "filename": "css/app.css"}


def _url(rule, person, unit) -> str:
    values = {}
    for name in rule.arguments:
        if name in PARAM_VALUES:
            values[name] = PARAM_VALUES[name]
        elif name == "person_id":
            values[name] = person.id
        elif name == "unit_id":
            values[name] = unit.id
        elif rule._converters[name].__class__.__name__ == "IntegerConverter":
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_every_state_changing_route_refuses_a_request_without_a_token(app, client, db, make_user, make_person,
                                                                      row_counts):
    person = make_person(nation="NPL")
    unit = person.unit
    admin = make_user("admin", username="csrf.sweep.admin")
    response = client.post("/login", data={"username": admin.username, "password": PASSWORD,
                                           "csrf_token": csrf_token(client.get("/login").get_data(as_text=True))})
    assert response.status_code == 302
    before = row_counts()
    checked = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            url = _url(rule, person, unit)
            response = client.open(url, method=method, data={"family_name": "Forged", "confirm": "y"})
            if rule.rule.startswith("/api/"):
                # The API takes no CSRF token because it takes no cookie: without a bearer token, refused.
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.content_type == "application/problem+json"
                continue
            assert response.status_code == 400, (method, url, response.status_code)
            assert "security token is missing or out of date, so nothing was saved" in response.get_data(as_text=True)
            checked.append(rule.endpoint)
    assert len(set(checked)) >= 40  # the sweep really walked the application's forms
    assert "auth.logout" in checked and "org.roster_import" in checked
    assert row_counts() == before
    # The administrator is still signed in: the refused logout did not end the session.
    assert client.get("/").status_code == 200


def test_a_token_from_another_session_is_refused(app, client, make_user, row_counts):
    admin = make_user("admin", username="csrf.other.admin")
    other = app.test_client()
    foreign_token = csrf_token(other.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": admin.username, "password": PASSWORD,
                                           "csrf_token": csrf_token(client.get("/login").get_data(as_text=True))})
    assert response.status_code == 302
    before = row_counts()
    response = client.post("/admin/nations/NPL/toggle", data={"csrf_token": foreign_token})
    assert response.status_code == 400
    response = client.post("/admin/users/new", data={"csrf_token": "forged", "username": "mallory",
                                                     "display_name": "M", "password": "x" * 20})
    assert response.status_code == 400
    assert row_counts() == before


def test_a_refused_form_says_why_in_the_readers_language(client, db, caplog):
    """Flask-WTF's reasons are English and technical: the page says, in French too, that nothing was saved and
    what to do."""
    client.get("/login")
    stale = client.post("/login", data={"username": "x", "password": "y", "csrf_token": "stale"},
                        headers={"Accept-Language": "fr"})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 400
    assert "Le jeton de sécurité de ce formulaire est absent ou périmé" in body and "CSRF" not in body
    missing = client.post("/login", data={"username": "x", "password": "y"}).get_data(as_text=True)
    assert "security token is missing or out of date" in missing and "CSRF" not in missing
    assert any("The CSRF token is missing." in record.getMessage() for record in caplog.records)  # the log keeps why
