"""The exercises list sorts by its columns, keeping the filters; the month grid names the weekdays in the
reader's language."""
from __future__ import annotations

import datetime as dt
import re

from tests.conftest import login

UTC = dt.timezone.utc
START = dt.datetime(2031, 2, 1, 8, 0, tzinfo=UTC)


def _codes(page: str) -> list[str]:
    return re.findall(r'<td data-label="Exercise"><a href="/exercises/\d+">([^<]+)</a>', page)


def test_the_list_sorts_by_its_columns(make_exercise, make_user, client):
    make_exercise(lead="NPL", nations=("FRA",), code="CHARLIE", start=START, status="approved", type_="drill")
    make_exercise(lead="FRA", nations=("NPL",), code="ALPHA", start=START + dt.timedelta(days=2), status="draft")
    make_exercise(lead="NPL", code="BRAVO", start=START + dt.timedelta(days=1), status="planning", type_="seminar")
    login(client, make_user("admin").username)
    assert _codes(client.get("/exercises/?when=all").get_data(as_text=True)) == ["CHARLIE", "BRAVO", "ALPHA"]
    by_code = client.get("/exercises/?when=all&sort=code").get_data(as_text=True)
    assert _codes(by_code) == ["ALPHA", "BRAVO", "CHARLIE"]
    assert re.search(r'<th scope="col" aria-sort="ascending"><a class="sort-link" href="[^"]*sort=code&amp;dir=desc', by_code)
    assert _codes(client.get("/exercises/?when=all&sort=code&dir=desc").get_data(as_text=True)) == [
        "CHARLIE", "BRAVO", "ALPHA"]
    assert _codes(client.get("/exercises/?when=all&sort=status").get_data(as_text=True)) == [
        "CHARLIE", "ALPHA", "BRAVO"]  # approved, draft, planning
    assert _codes(client.get("/exercises/?when=all&sort=lead&dir=desc").get_data(as_text=True))[0] in ("CHARLIE", "BRAVO")
    # a filter is kept when sorting, and an unknown column falls back to the start
    filtered = client.get("/exercises/?when=all&nation=FRA&sort=code").get_data(as_text=True)
    assert _codes(filtered) == ["ALPHA", "CHARLIE"] and "nation=FRA" in filtered
    assert _codes(client.get("/exercises/?when=all&sort=nonsense").get_data(as_text=True)) == [
        "CHARLIE", "BRAVO", "ALPHA"]


def test_past_exercises_come_latest_first_unless_sorted_otherwise(make_exercise, make_user, client):
    now = dt.datetime.now(UTC)
    make_exercise(lead="NPL", code="OLDER", start=now - dt.timedelta(days=60), end=now - dt.timedelta(days=59))
    make_exercise(lead="NPL", code="RECENT", start=now - dt.timedelta(days=10), end=now - dt.timedelta(days=9))
    login(client, make_user("admin").username)
    assert _codes(client.get("/exercises/?when=past").get_data(as_text=True)) == ["RECENT", "OLDER"]
    assert _codes(client.get("/exercises/?when=past&sort=start&dir=asc").get_data(as_text=True)) == ["OLDER", "RECENT"]


def test_the_month_grid_names_the_weekdays(make_user, client):
    login(client, make_user("admin").username)
    page = client.get("/exercises/?view=month&month=2031-02").get_data(as_text=True)
    assert '<abbr title="Monday">Mon</abbr>' in page and "February 2031" in page
