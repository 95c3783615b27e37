"""Admins read the audit log: each event described in a sentence with its recorded details kept below,
filters by date range, account and action chosen from what the log holds, pages that keep the filters, a
CSV export of the filtered events, and no one else may read it."""
import csv
import datetime as dt
import io
import json
import logging
import re

from sqlalchemy import func, select, update

from tests.conftest import login


def _rows(response) -> list[str]:
    html = response.get_data(as_text=True)
    if "<tbody" not in html:
        return []
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def _seed(db, make_user, make_nation):
    from trainer.audit.models import AuditEvent
    from trainer.audit.services import record_event

    make_nation("NPL")
    admin = make_user("admin", username="boss")
    admin.display_name = "Mission Administrator"
    clerk = make_user("training_officer", "nation", nation="NPL", username="clerk")
    clerk.display_name = "Desk Clerk"
    for n in range(120):
        record_event(clerk, "person.update", object_type="people", object_id=n, after={"n": n})
    record_event(admin, "nation.deactivate", object_type="nations", object_id="FRA", after={"active": False})
    db.session.commit()
    # The clerk's first 20 edits were made in March.
    first = db.session.scalars(select(AuditEvent.seq).where(AuditEvent.actor_name == "clerk")
                               .order_by(AuditEvent.seq).limit(20)).all()
    db.session.execute(update(AuditEvent).where(AuditEvent.seq.in_(first))
                       .values(at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc)))
    db.session.commit()
    return admin


def test_each_event_reads_as_a_sentence_with_its_record_kept_below(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    login(client, admin.username)
    rows = _rows(client.get("/admin/audit/", query_string={"action": "nation.deactivate"}))
    assert len(rows) == 1
    assert "Mission Administrator</a> deactivated the nation France." in rows[0]
    record = rows[0][rows[0].index("<details"):]
    assert "<summary>Recorded details</summary>" in record and "nation.deactivate" in record
    assert "&#34;active&#34;: false" in record  # the raw details, laid out
    assert 'href="/admin/audit/?object_type=nations&amp;object_id=FRA"' in record


def test_filters_are_choices_from_what_the_log_holds(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    login(client, admin.username)
    html = client.get("/admin/audit/").get_data(as_text=True)
    actors = html[html.index('id="actor"'):html.index("</select>", html.index('id="actor"'))]
    assert '<option value="clerk">Desk Clerk (clerk)</option>' in actors
    assert '<option value="boss">Mission Administrator (boss)</option>' in actors
    actions = html[html.index('id="action"'):html.index("</select>", html.index('id="action"'))]
    assert '<optgroup label="Organisation and personnel">' in actions
    assert '<option value="group:organisation">All of “Organisation and personnel”</option>' in actions
    assert '<option value="person.update">Personnel record edited</option>' in actions
    assert "certificate.issue" not in actions  # nothing of that kind was recorded


def test_filters_narrow_the_log_by_account_action_group_and_dates(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    login(client, admin.username)
    assert len(_rows(client.get("/admin/audit/", query_string={"actor": "boss"}))) == 2  # the grant and the nation
    rows = _rows(client.get("/admin/audit/", query_string={"action": "nation.deactivate"}))
    assert len(rows) == 1 and "France" in rows[0]
    assert _rows(client.get("/admin/audit/", query_string={"actor": "boss", "action": "person.update"})) == []
    grouped = client.get("/admin/audit/", query_string={"action": "group:organisation", "actor": "clerk"})
    assert "120 in all." in grouped.get_data(as_text=True)
    march = client.get("/admin/audit/", query_string={"since": "2026-03-01", "until": "2026-03-10"})
    assert len(_rows(march)) == 20
    assert len(_rows(client.get("/admin/audit/", query_string={"since": "2026-03-11", "until": "2026-03-31"}))) == 0
    rows = _rows(client.get("/admin/audit/", query_string={"object_type": "people", "object_id": "7"}))
    assert len(rows) == 1 and "Desk Clerk" in rows[0]


def test_a_date_that_cannot_be_read_is_said_under_its_field(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    login(client, admin.username)
    response = client.get("/admin/audit/", query_string={"since": "10/03/2026", "until": "2026-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="since-error"' in html and "Enter a date as YYYY-MM-DD." in html
    reversed_range = client.get("/admin/audit/", query_string={"since": "2026-03-10", "until": "2026-03-01"})
    assert "The end of the range is before its start." in reversed_range.get_data(as_text=True)


def test_pages_walk_the_whole_log_newest_first_and_keep_the_filters(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    login(client, admin.username)
    first = client.get("/admin/audit/", query_string={"actor": "clerk", "since": "2026-01-01"})
    third = client.get("/admin/audit/", query_string={"actor": "clerk", "since": "2026-01-01", "page": 3})
    assert len(_rows(first)) == 50 and len(_rows(third)) == 20
    html = first.get_data(as_text=True)
    assert "120 in all." in html and "Events 1 to 50 of 120." in html
    assert 'href="/admin/audit/?actor=clerk&amp;since=2026-01-01&amp;page=2"' in html
    assert '&#34;n&#34;: 119' in html and '&#34;n&#34;: 0' in third.get_data(as_text=True)
    assert client.get("/admin/audit/", query_string={"page": "x"}).status_code == 200


def test_the_export_holds_the_filtered_events_described_and_formula_safe(client, db, make_user, make_nation, caplog):
    from trainer.audit.models import AuditEvent
    from trainer.audit.services import record_event

    admin = _seed(db, make_user, make_nation)
    record_event(admin, "nation.activate", object_type="nations", object_id="=HYPERLINK(\"x\")")
    db.session.commit()
    login(client, admin.username)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with caplog.at_level(logging.INFO, logger="trainer.document_reads"):
        response = client.get("/admin/audit/export.csv", query_string={"actor": "boss"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:5] == ["No.", "When (UTC)", "Account", "Action", "Description"]
    assert [row[5] for row in table[1:]] == ["auth.login", "nation.activate", "nation.deactivate"]  # newest first
    assert table[2][7] == "'=HYPERLINK(\"x\")" and table[3][4] == "Mission Administrator deactivated the nation France."
    assert json.loads(table[3][8]) == {"after": {"active": False}}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before  # a read writes nothing
    read = next(r for r in caplog.records if r.name == "trainer.document_reads")
    assert read.document_read["username"] == "boss" and read.document_read["events"] == 3
    assert read.document_read["filters"] == {"actor": "boss"}


def test_only_admins_read_or_export_the_log(client, make_user):
    officer = make_user("training_officer", "mission", username="not-admin")
    login(client, officer.username)
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403
    assert client.get("/admin/audit/verify").status_code == 403
