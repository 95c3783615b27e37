"""On the demo data: reading pages never changes anything (no INSERT/UPDATE/DELETE, no 500), and a
nation's training officer sees no other nation's personnel in any list, search, export or feed."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import text

from tests.conftest import PASSWORD
from trainer.auth.services import AuthSettings
from trainer.demo.services import seed

INT_PARAM_TABLES = {
    "person_id": "people", "unit_id": "units", "exercise_id": "exercises", "inject_id": "msel_injects",
    "objective_id": "exercise_objectives", "participant_id": "exercise_participants",
    "assignment_id": "evaluator_assignments", "rating_id": "ratings", "observation_id": "observations",
    "item_id": "improvement_items", "certificate_id": "certificates", "batch_id": "certificate_batches",
    "attempt_id": "attempts", "session_id": "classroom_sessions", "deployment_id": "deployments",
    "user_id": "users", "notification_id": "notifications", "waiver_id": "waivers", "grant_id": "grants",
    "module_assignment_id": "module_assignments", "profile_assignment_id": "profile_assignments",
    "api_token_id": "api_tokens",
    "link_id": "identity_links",
}
# GET endpoints that are skipped: none. (Add an endpoint here only with a reason.)
WRITING_READS: set[str] = set()
# The only bookkeeping a read may write: the public verification page's rate-limit counter, an audit
# event recording that someone exported data (who took which list out of the system), and the shared cache
# of readiness figures (derived from the records, never a record itself: readiness.figures_cache).
BOOKKEEPING = re.compile(r"^(INSERT INTO|DELETE FROM|UPDATE) (rate_events|audit_events|audit_head|readiness_figures|readiness_unit_figures)\b")
SERVICE_NUMBER = re.compile(r"\b([A-Z]{2})1\d{5}\b")


def _first(db, sql):
    return db.session.execute(text(sql)).scalar()


def _values(db, rule) -> dict:
    values = {}
    for name in rule.arguments:
        if name in INT_PARAM_TABLES:
            values[name] = _first(db, f"SELECT min(id) FROM {INT_PARAM_TABLES[name]}") or 1  # noqa: S608 (fixed names)
        elif name == "module_code":
            values[name] = _first(db, "SELECT code FROM modules ORDER BY id")
        elif name == "version":
            values[name] = _first(db, "SELECT version FROM modules ORDER BY id")
        elif name == "slug":
            values[name] = _first(db, "SELECT slug FROM lessons WHERE module_id = (SELECT min(id) FROM modules) ORDER BY position")
        elif name == "profile_code":
            values[name] = _first(db, "SELECT code FROM readiness_profiles ORDER BY code")
        elif name == "serial":
            values[name] = _first(db, "SELECT serial FROM certificates ORDER BY id") or "X"
        elif name == "token":
            values[name] = _first(db, "SELECT calendar_token FROM users WHERE username = 'admin'")
        elif name == "code":
            values[name] = "NPL"
        elif name == "fmt":
            values[name] = "csv"
        elif name == "filename":
            values[name] = "css/app.css"
        else:
            values[name] = "x"
    return values


def _sign_in(client, username):
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, username


@pytest.fixture
def demo(app, db):
    ctx = seed("small", PASSWORD, AuthSettings.from_config(app.config))
    db.session.commit()
    return ctx


def test_reading_every_page_writes_nothing_and_never_fails(app, client, db, demo, record_writes, row_counts):
    _sign_in(client, "admin")
    before = row_counts()
    visited = 0
    writes = []
    with record_writes() as recorder:
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in WRITING_READS:
                continue
            url = rule.build(_values(db, rule), append_unknown=False)[1]
            seen = len(recorder.writes)
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            writes.extend((url, w) for w in recorder.writes[seen:])
            visited += 1
        assert visited > 60
        # Listings with filters, paging and searches read too.
        for url in ("/personnel?q=a&page=2", "/learning/matrix?page=2", "/readiness/export.xlsx",
                    "/admin/audit/?page=2", "/exercises/?view=calendar"):
            seen = len(recorder.writes)
            assert client.get(url).status_code < 500, url
            writes.extend((url, w) for w in recorder.writes[seen:])
    assert [(url, w) for url, w in writes if not BOOKKEEPING.match(w)] == []
    after = row_counts()
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= {"rate_events", "audit_events", "readiness_figures", "readiness_unit_figures"}
    exported = db.session.execute(text("SELECT action FROM audit_events WHERE seq > :seq"),
                                  {"seq": _first(db, "SELECT max(seq) FROM audit_events") - (after["audit_events"] - before["audit_events"])}).scalars().all()
    assert all(action.endswith(".export") for action in exported), exported


OFFICER_PAGES = [
    "/personnel", "/personnel?q=a", "/personnel?q=1", "/units", "/readiness/", "/readiness/export.csv",
    "/learning/matrix", "/learning/matrix/export", "/learning/attention", "/learning/assignments",
    "/certificates/", "/exercises/", "/assessments/", "/assessments/improvements", "/readiness/deployments",
    "/learning/sessions",
]


def test_a_nation_officer_sees_no_other_nation_in_lists_searches_and_exports(app, client, db, demo):
    _sign_in(client, "officer.npl")
    for url in OFFICER_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        foreign = {m for m in SERVICE_NUMBER.findall(body) if m != "NP"}
        assert not foreign, (url, foreign)
    for url in ("/readiness/export.xlsx", "/learning/matrix/export?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        cells = " ".join(str(c) for ws in sheet.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
        assert not {m for m in SERVICE_NUMBER.findall(cells) if m != "NP"}, url
    # The calendar feed of a nation officer lists only exercises their nation takes part in.
    token = _first(db, "SELECT calendar_token FROM users WHERE username = 'officer.npl'")
    feed = app.test_client().get(f"/exercises/calendar/{token}.ics")
    assert feed.status_code == 200
    npl_codes = set(db.session.execute(text(
        "SELECT e.code FROM exercises e JOIN exercise_nations n ON n.exercise_id = e.id WHERE n.nation_code = 'NPL'"
    )).scalars())
    all_codes = set(db.session.execute(text("SELECT code FROM exercises")).scalars())
    listed = {code for code in all_codes if code in feed.get_data(as_text=True)}
    assert listed <= npl_codes
    # Another nation's person, unit and exercise answer 404.
    fra_person = _first(db, "SELECT min(id) FROM people WHERE nation_code = 'FRA'")
    fra_unit = _first(db, "SELECT min(id) FROM units WHERE nation_code = 'FRA'")
    for url in (f"/personnel/{fra_person}", f"/units/{fra_unit}", f"/readiness/people/{fra_person}",
                f"/learning/people/{fra_person}", f"/certificates/person/{fra_person}", f"/readiness/units/{fra_unit}",
                f"/readiness/export.csv?unit={fra_unit}", f"/learning/matrix/export?unit_id={fra_unit}"):
        assert client.get(url).status_code == 404, url
