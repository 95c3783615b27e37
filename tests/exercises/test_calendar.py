"""Calendar views and the personal iCalendar feed behind a revocable secret address."""
from __future__ import annotations

import datetime as dt

import icalendar

from tests.conftest import login

UTC = dt.timezone.utc


def test_month_and_list_views_filter_by_nation_type_and_status(make_exercise, make_user, client):
    a = make_exercise(lead="NPL", nations=("FRA",), start=dt.datetime(2030, 4, 10, 8, tzinfo=UTC), type_="drill",
                      code="APRIL-DRILL")
    b = make_exercise(lead="NPL", start=dt.datetime(2030, 4, 20, 8, tzinfo=UTC), type_="tabletop", code="APRIL-TTX",
                      status="approved")
    login(client, make_user("admin").username)
    month = client.get("/exercises/?view=month&month=2030-04").get_data(as_text=True)
    assert "April 2030" in month and a.code in month and b.code in month
    assert b.code not in client.get("/exercises/?view=month&month=2030-04&nation=FRA").get_data(as_text=True)
    listed = client.get("/exercises/?when=all&type=drill").get_data(as_text=True)
    assert a.code in listed and b.code not in listed
    listed = client.get("/exercises/?when=all&status=approved").get_data(as_text=True)
    assert b.code in listed and a.code not in listed
    assert client.get("/exercises/?view=month&month=garbage").status_code == 200


def test_personal_feed_works_without_login_and_is_revoked_by_regenerating(make_exercise, make_user, client, db, app):
    ex = make_exercise(lead="NPL", timezone="Asia/Kathmandu")
    hidden = make_exercise(lead="FRA")
    user = make_user("training_officer", "nation", nation="NPL")
    old_token = user.calendar_token
    anonymous = app.test_client()
    response = anonymous.get(f"/exercises/calendar/{old_token}.ics")
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.data)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any(ex.code in s for s in summaries) and not any(hidden.code in s for s in summaries)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]

    login(client, user.username)
    assert client.post("/exercises/calendar/regenerate").status_code == 302
    db.session.expire_all()
    new_token = db.session.get(type(user), user.id).calendar_token
    assert new_token != old_token
    assert anonymous.get(f"/exercises/calendar/{old_token}.ics").status_code == 404
    assert anonymous.get(f"/exercises/calendar/{new_token}.ics").status_code == 200
    assert anonymous.get("/exercises/calendar/short.ics").status_code == 404
