"""Calendar views and the personal iCalendar feed behind a revocable secret address."""
from __future__ import annotations

import datetime as dt

import icalendar
import pytest

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


def test_the_month_calendar_stops_at_its_edges_instead_of_failing(make_user, client):
    login(client, make_user("admin").username)
    last = client.get("/exercises/?view=month&month=9998-12")
    assert last.status_code == 200 and "December 9998" in last.get_data(as_text=True)
    assert "month=9998-11" in last.get_data(as_text=True)           # back, but no way forward past the edge
    assert "month=9999-01" not in last.get_data(as_text=True)
    first = client.get("/exercises/?view=month&month=1900-01").get_data(as_text=True)
    assert "January 1900" in first and "month=1900-02" in first and "month=1899-12" not in first
    for outside in ("9999-12", "0001-02", "1-01", "0000-01"):     # beyond the edges: this month, as for garbage
        response = client.get(f"/exercises/?view=month&month={outside}")
        assert response.status_code == 200, outside


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


# --- time zones every client reads alike --------------------------------------------------------------
#
# (zone, start and end in UTC, what they are locally). The Oslo exercise starts in summer time and ends
# in winter time; Sydney's and Santiago's span the end of their daylight saving, Santiago's in a year
# where its rule ("the first Sunday on or after 2 April") is not "the first Sunday of April".

ZONE_CASES = [
    ("Europe/Oslo", dt.datetime(2027, 10, 30, 7, 0, tzinfo=UTC), dt.datetime(2027, 11, 1, 16, 0, tzinfo=UTC),
     "2027-10-30 09:00 CEST to 2027-11-01 17:00 CET"),
    ("Asia/Kathmandu", dt.datetime(2027, 3, 15, 7, 15, tzinfo=UTC), dt.datetime(2027, 3, 15, 11, 15, tzinfo=UTC),
     "2027-03-15 13:00 to 17:00 +0545"),
    ("Australia/Sydney", dt.datetime(2027, 4, 3, 1, 0, tzinfo=UTC), dt.datetime(2027, 4, 4, 2, 0, tzinfo=UTC),
     "2027-04-03 12:00 AEDT to 2027-04-04 12:00 AEST"),
    ("America/Santiago", dt.datetime(2029, 4, 8, 1, 0, tzinfo=UTC), dt.datetime(2029, 4, 8, 14, 0, tzinfo=UTC),
     "2029-04-07 22:00 -03 to 2029-04-08 10:00 -04"),
]


def _times_by_parser(data: bytes) -> dict[str, dict[str, tuple[dt.datetime, dt.datetime]]]:
    """{parser: {summary: (start, end) in UTC}} as icalendar, vobject and ics each read the file."""
    import ics
    import vobject

    text = data.decode("utf-8")
    read = {"icalendar": {str(e["SUMMARY"]): (e.decoded("dtstart").astimezone(UTC), e.decoded("dtend").astimezone(UTC))
                          for e in icalendar.Calendar.from_ical(data).walk("VEVENT")},
            "vobject": {e.summary.value: (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
                        for e in vobject.readOne(text).vevent_list},
            "ics": {e.name: (e.begin.datetime.astimezone(UTC), e.end.datetime.astimezone(UTC))
                    for e in ics.Calendar(text).events}}
    return read


def _assert_every_parser_agrees(data: bytes, exercises) -> None:
    read = _times_by_parser(data)
    for ex, (zone, start, end, local) in exercises:
        summary = f"{ex.code} — {ex.title}"
        for parser, times in read.items():
            assert times[summary] == (start, end), f"{parser} reads {zone} ({local}) as {times[summary]}"


def _zone_exercises(make_exercise):
    return [(make_exercise(lead="NPL", timezone=zone, start=start, end=end, code=f"TZ-{n}"), (zone, start, end, local))
            for n, (zone, start, end, local) in enumerate(ZONE_CASES, start=1)]


def test_an_exercise_stored_in_the_year_9999_leaves_everyone_elses_feed_readable(make_exercise, make_user, app):
    """Such a date is refused where it is typed now; one stored before that rule used to make every feed it was
    in answer 500, the zone's rules being drawn to the year after it."""
    ordinary = make_exercise(lead="NPL", timezone="Asia/Kathmandu")
    make_exercise(lead="NPL", timezone="Asia/Kathmandu", start=dt.datetime(9999, 12, 30, 0, 0, tzinfo=UTC),
                  end=dt.datetime(9999, 12, 30, 12, 0, tzinfo=UTC))
    user = make_user("training_officer", "nation", nation="NPL")
    response = app.test_client().get(f"/exercises/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]
    assert any(ordinary.code in summary for summary in summaries)


def test_exercise_files_read_alike_in_three_parsers_to_the_minute(make_exercise, make_user, client):
    exercises = _zone_exercises(make_exercise)
    login(client, make_user("admin").username)
    for ex, case in exercises:
        response = client.get(f"/exercises/{ex.id}.ics")
        assert response.status_code == 200
        _assert_every_parser_agrees(response.data, [(ex, case)])


def test_the_feed_reads_alike_in_three_parsers_to_the_minute(make_exercise, make_user, app):
    exercises = _zone_exercises(make_exercise)
    user = make_user("training_officer", "nation", nation="NPL")
    response = app.test_client().get(f"/exercises/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    _assert_every_parser_agrees(response.data, exercises)


def test_time_zones_are_yearly_rules_with_their_onsets_not_lists_of_dates(make_exercise, make_user, client):
    _zone_exercises(make_exercise)
    user = make_user("training_officer", "nation", nation="NPL")
    data = client.get(f"/exercises/calendar/{user.calendar_token}.ics").data
    assert b"RDATE" not in data
    zones = {str(z["TZID"]): z for z in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")}

    def offset(delta: dt.timedelta) -> str:
        minutes = int(delta.total_seconds()) // 60
        return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"

    def parts(zone):
        return sorted((c.name, c.decoded("dtstart").strftime("%m-%d %H:%M"), c.get("rrule", {}).get("BYDAY", [None])[0],
                       c.get("rrule", {}).get("BYMONTH", [None])[0], offset(c.decoded("tzoffsetfrom")),
                       offset(c.decoded("tzoffsetto"))) for c in zone.subcomponents)

    # As RFC 5545's examples: each onset in the local time before the change, repeated by a yearly rule.
    assert parts(zones["Europe/Oslo"]) == [("DAYLIGHT", "03-29 02:00", "-1SU", 3, "+0100", "+0200"),
                                           ("STANDARD", "10-25 03:00", "-1SU", 10, "+0200", "+0100")]
    assert parts(zones["Australia/Sydney"]) == [("DAYLIGHT", "10-04 02:00", "1SU", 10, "+1000", "+1100"),
                                                ("STANDARD", "04-05 03:00", "1SU", 4, "+1100", "+1000")]
    assert parts(zones["Asia/Kathmandu"]) == [("STANDARD", "01-01 00:00", None, None, "+0545", "+0545")]
    santiago = {c.name: c["RRULE"] for c in zones["America/Santiago"].subcomponents}
    assert santiago["STANDARD"]["BYMONTHDAY"] == [2, 3, 4, 5, 6, 7, 8] and santiago["STANDARD"]["BYDAY"] == ["SU"]


def test_a_zone_whose_rules_changed_is_right_in_the_years_of_its_events(make_exercise, make_user, client):
    """Mexico City kept daylight saving until October 2022 and dropped it: an exercise in June 2022 is at
    UTC-5, one in June 2023 at UTC-6, in every parser."""
    cases = [("America/Mexico_City", dt.datetime(2022, 6, 1, 14, 0, tzinfo=UTC), dt.datetime(2022, 6, 2, 14, 0, tzinfo=UTC),
              "2022-06-01 09:00 CDT"),
             ("America/Mexico_City", dt.datetime(2023, 6, 1, 15, 0, tzinfo=UTC), dt.datetime(2023, 6, 2, 15, 0, tzinfo=UTC),
              "2023-06-01 09:00 CST")]
    exercises = [(make_exercise(lead="NPL", timezone=zone, start=start, end=end, code=f"MX-{n}"), (zone, start, end, local))
                 for n, (zone, start, end, local) in enumerate(cases, start=1)]
    user = make_user("training_officer", "nation", nation="NPL")
    data = client.get(f"/exercises/calendar/{user.calendar_token}.ics").data
    _assert_every_parser_agrees(data, exercises)
    daylight = [c for c in icalendar.Calendar.from_ical(data).walk("DAYLIGHT")]
    until = daylight[0]["RRULE"]["UNTIL"][0]
    assert len(daylight) == 1 and dt.datetime(2022, 4, 3, 8, 0, tzinfo=UTC) <= until < dt.datetime(2022, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("zone,year", [
    ("Europe/Dublin", 2027),          # winter time written as a negative daylight saving
    ("Africa/Casablanca", 2027),      # clocks back for Ramadan: dates that follow no yearly rule
    ("Australia/Lord_Howe", 2027),    # a half-hour daylight saving
    ("Africa/Cairo", 2010),           # daylight saving suspended for Ramadan, then the rule dropped
    ("Africa/Khartoum", 2017),        # the standard offset itself changed
    ("America/Santiago", 2029),
    ("Pacific/Chatham", 2027),        # +12:45 / +13:45
])
def test_odd_zones_read_back_as_the_time_zone_database_says(zone, year):
    """Every local time of the event's year that exists once reads back, through vobject, with the offset
    the time-zone database gives it, and every instant of it is shown with the right local clock."""
    import zoneinfo

    import vobject

    from trainer.exercises.calendar import vtimezone

    cal = icalendar.Calendar()
    cal.add_component(vtimezone(zone, year, year))
    tz = vobject.readOne(cal.to_ical().decode()).vtimezone.gettzinfo()
    truth = zoneinfo.ZoneInfo(zone)
    local, wrong = dt.datetime(year, 1, 1), []
    while local < dt.datetime(year + 1, 1, 1):
        first, second = local.replace(tzinfo=truth, fold=0), local.replace(tzinfo=truth, fold=1)
        exists = first.astimezone(UTC).astimezone(truth).replace(tzinfo=None) == local
        if exists and first.utcoffset() == second.utcoffset() and local.replace(tzinfo=tz).utcoffset() != first.utcoffset():
            wrong.append(local)
        local += dt.timedelta(hours=1, minutes=45)
    instant = dt.datetime(year, 1, 1, tzinfo=UTC)
    while instant < dt.datetime(year + 1, 1, 1, tzinfo=UTC):  # and every instant shows the right clock
        shown = instant.astimezone(truth)
        # (except the hour repeated when the standard offset itself moves back, which dateutil, under both
        # other parsers, cannot place: it tells the two passes of an hour apart by daylight saving alone)
        repeated = shown.replace(fold=1 - shown.fold)
        standard_moved = repeated.utcoffset() != shown.utcoffset() and not shown.dst() and not repeated.dst()
        if not standard_moved and instant.astimezone(tz).utcoffset() != shown.utcoffset():
            wrong.append(instant)
        instant += dt.timedelta(minutes=30)
    assert wrong == []
