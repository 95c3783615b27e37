"""Times entered in the exercise's local zone are stored in UTC; the page and the iCalendar file agree."""
from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from tests.conftest import login
from trainer.errors import Invalid
from trainer.exercises import services

UTC = dt.timezone.utc


@pytest.fixture
def planner(make_user, make_nation):
    for code in ("NPL", "NOR", "URY"):
        make_nation(code)
    return make_user("training_officer", "nation", nation="NPL")


def _create(planner, db, **overrides):
    values = {"code": "TTX-1", "title": "Protection of civilians tabletop", "type": "tabletop",
              "lead_nation_code": "NPL", "nation_codes": ["NOR", "URY"], "timezone": "Asia/Kathmandu",
              "start_local": "2030-03-15T13:00", "end_local": "2030-03-15T17:00", "location_name": "Kathmandu"}
    values.update(overrides)
    ex = services.create_exercise(planner, values)
    db.session.commit()
    return ex


def _ics_times(client, ex):
    response = client.get(f"/exercises/{ex.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    event = cal.walk("VEVENT")[0]
    return zones, event.decoded("dtstart"), event.decoded("dtend")


def test_kathmandu_quarter_hour_offset_is_stored_in_utc_and_shown_both_ways(planner, db, client):
    ex = _create(planner, db)
    assert ex.start_at == dt.datetime(2030, 3, 15, 7, 15, tzinfo=UTC)
    assert ex.end_at == dt.datetime(2030, 3, 15, 11, 15, tzinfo=UTC)

    login(client, planner.username)  # the viewer's zone is UTC by default
    page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert "15 Mar 2030 07:15" in page                       # viewer's zone
    assert "15 Mar 2030 13:00" in page and "UTC+05:45" in page  # exercise's local time

    zones, start, end = _ics_times(client, ex)
    assert "Asia/Kathmandu" in zones
    assert start.utcoffset() == dt.timedelta(hours=5, minutes=45)
    assert start.astimezone(UTC) == ex.start_at and end.astimezone(UTC) == ex.end_at


def test_oslo_exercise_spanning_the_end_of_daylight_saving(planner, db, client, make_user):
    oslo_planner = make_user("training_officer", "nation", nation="NOR")
    ex = _create(oslo_planner, db, code="FTX-OSLO", type="full_scale", military_name="FTX", lead_nation_code="NOR",
                 nation_codes=["NPL"], timezone="Europe/Oslo",
                 start_local="2030-10-26T09:00", end_local="2030-10-28T17:00")
    # 26 October is summer time (UTC+2); 28 October is winter time (UTC+1).
    assert ex.start_at == dt.datetime(2030, 10, 26, 7, 0, tzinfo=UTC)
    assert ex.end_at == dt.datetime(2030, 10, 28, 16, 0, tzinfo=UTC)

    viewer = make_user("training_officer", "nation", nation="NPL")
    viewer.timezone = "Asia/Kathmandu"
    db.session.commit()
    login(client, viewer.username)
    page = client.get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert "26 Oct 2030 09:00" in page and "UTC+02:00" in page   # local start, summer time
    assert "28 Oct 2030 17:00" in page and "UTC+01:00" in page   # local end, winter time
    assert "26 Oct 2030 12:45" in page                             # start in the viewer's zone (Kathmandu)
    assert "28 Oct 2030 21:45" in page

    zones, start, end = _ics_times(client, ex)
    assert "Europe/Oslo" in zones
    assert start.astimezone(UTC) == ex.start_at
    assert end.astimezone(UTC) == ex.end_at
    assert start.utcoffset() == dt.timedelta(hours=2) and end.utcoffset() == dt.timedelta(hours=1)


def test_a_time_in_the_spring_gap_is_refused_in_words(planner, db, make_user):
    oslo_planner = make_user("training_officer", "nation", nation="NOR")
    with pytest.raises(Invalid) as caught:
        _create(oslo_planner, db, lead_nation_code="NOR", timezone="Europe/Oslo",
                start_local="2030-03-31T02:30", end_local="2030-03-31T10:00")
    messages = " ".join(m for _, m in caught.value.errors)
    assert "does not exist in Europe/Oslo" in messages


def test_a_time_in_the_autumn_fold_needs_a_choice(planner, db, make_user):
    oslo_planner = make_user("training_officer", "nation", nation="NOR")
    with pytest.raises(Invalid) as caught:
        _create(oslo_planner, db, lead_nation_code="NOR", timezone="Europe/Oslo",
                start_local="2030-10-27T02:30", end_local="2030-10-27T10:00")
    assert "happens twice" in " ".join(m for _, m in caught.value.errors)
    db.session.rollback()
    ex = _create(oslo_planner, db, lead_nation_code="NOR", timezone="Europe/Oslo", fold="1",
                 start_local="2030-10-27T02:30", end_local="2030-10-27T10:00")
    assert ex.start_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)  # the second 02:30 (CET)


def test_bad_times_and_zones_are_form_errors_not_crashes(planner, db, client):
    login(client, planner.username)
    response = client.post("/exercises/new", data={
        "code": "X-1", "title": "T", "type": "tabletop", "lead_nation_code": "NPL", "timezone": "Mars/Olympus",
        "start_local": "tomorrow", "end_local": "2030-01-01T10:00"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "not a known IANA time zone" in body and "is not a date and time" in body
