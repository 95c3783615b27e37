"""The overdue-and-expiring list: a mission-wide officer sees their whole scope at once, one row per person listing
all their modules, sortable, exported as CSV and XLSX, with a reminder (once a day) and an assignment from it."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from tests.conftest import login
from trainer.learning.rules import add_months


@pytest.fixture
def world(db, curricula_loaded, make_unit, make_person, make_user):
    """Two contingents (ALPHA first in the alphabet, ZULU second); in ZULU a person with two overdue modules and one
    with an expiring completion; in ALPHA nobody needs attention."""
    from trainer.curricula.services import get_module
    from trainer.learning.models import ModuleAssignment
    from trainer.db import utc_today
    from trainer.learning.services import record_completion

    today = utc_today()
    alpha = make_unit(nation="NPL", code="ALPHA")
    zulu = make_unit(nation="NPL", code="ZULU")
    make_person(unit=alpha, family_name="Quiet", family_name_latin="Quiet")
    late = make_person(unit=zulu, family_name="Late", family_name_latin="Late", given_names_latin="Lena")
    soon = make_person(unit=zulu, family_name="Soon", family_name_latin="Soon", given_names_latin="Sam")
    for code, days in (("TS-01", 10), ("TS-02", 3)):
        db.session.add(ModuleAssignment(module_code=code, person_id=late.id, due_on=today - dt.timedelta(days=days)))
    record_completion(None, soon, get_module("TS-01"), method="classroom", completed_on=add_months(today, -12)
                      + dt.timedelta(days=20))
    db.session.commit()
    make_user("training_officer", "mission", username="o.mission")
    make_user("commander", "mission", username="c.mission")
    return {"late": late, "soon": soon, "alpha": alpha, "zulu": zulu, "today": today}


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:]]


def test_the_list_opens_on_the_whole_scope_with_one_row_per_person(client, world):
    login(client, "o.mission")
    html = client.get("/learning/attention").get_data(as_text=True)
    assert "your whole scope" in html
    rows = _rows(html)
    assert len(rows) == 2                      # Late (two overdue modules, one row) and Soon; Quiet needs nothing
    late = next(r for r in rows if "Lena Late" in r)
    assert "TS-01" in late and "TS-02" in late and "10 days late" in late and "3 days late" in late
    soon = next(r for r in rows if "Sam Soon" in r)
    valid_until = add_months(add_months(world["today"], -12) + dt.timedelta(days=20), 12)
    assert "TS-01" in soon and f"{(valid_until - world['today']).days} days left" in soon
    assert "1 person has overdue modules" in html and "1 person has modules expiring within 60 days" in html


def test_one_unit_and_the_kind_of_attention_can_be_chosen(client, world):
    login(client, "o.mission")
    assert _rows_or_none(client.get(f"/learning/attention?unit_id={world['alpha'].id}")) == []
    overdue_only = _rows_or_none(client.get("/learning/attention?show=overdue"))
    assert len(overdue_only) == 1 and "Lena Late" in overdue_only[0]
    expiring_only = _rows_or_none(client.get("/learning/attention?show=expiring"))
    assert len(expiring_only) == 1 and "Sam Soon" in expiring_only[0]


def _rows_or_none(response) -> list[str]:
    html = response.get_data(as_text=True)
    return _rows(html) if "<tbody>" in html else []


def test_columns_sort_both_ways_and_say_how_they_are_sorted(client, world):
    login(client, "o.mission")
    by_name = client.get("/learning/attention?sort=name&dir=asc").get_data(as_text=True)
    assert by_name.index("Lena Late") < by_name.index("Sam Soon")
    assert re.search(r'<th scope="col" aria-sort="ascending"><a[^>]*>Person', by_name)
    backwards = client.get("/learning/attention?sort=name&dir=desc").get_data(as_text=True)
    assert backwards.index("Sam Soon") < backwards.index("Lena Late")
    # most days late first by default
    default = client.get("/learning/attention").get_data(as_text=True)
    assert default.index("Lena Late") < default.index("Sam Soon")
    soonest_expiry = client.get("/learning/attention?sort=expiry").get_data(as_text=True)
    assert soonest_expiry.index("Sam Soon") < soonest_expiry.index("Lena Late")


def test_the_list_exports_as_csv_and_xlsx_with_a_frozen_filtered_header(client, world):
    from openpyxl import load_workbook

    login(client, "o.mission")
    response = client.get("/learning/attention/export?format=csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0][:6] == ["Nation", "Service number", "Family name", "Given names", "Unit", "Module"]
    assert sorted((line[2], line[5], line[6]) for line in lines[1:]) == [
        ("Late", "TS-01", "Overdue"), ("Late", "TS-02", "Overdue"), ("Soon", "TS-01", "Expiring")]

    book = load_workbook(io.BytesIO(client.get("/learning/attention/export?format=xlsx").data))
    sheet = book.active
    assert sheet["A1"].value == "Nation" and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{sheet.max_row}" and sheet.max_row == 4
    assert sheet.oddHeader.center.text == "UNCLASSIFIED"


def test_a_reminder_reaches_the_person_once_a_day(app, client, db, world, make_user, make_nation):
    from sqlalchemy import select

    from trainer.auth.models import Notification
    from trainer.errors import NotFound
    from trainer.learning.notices import Reminded, remind_person

    late, today = world["late"], world["today"]
    account = make_user("trainee", "self", person=late, username="t.late")
    officer = make_user("training_officer", "nation", nation="NPL", username="o.npl")
    assert remind_person(officer, late.id, today)[1] == Reminded.SENT
    assert remind_person(officer, late.id, today)[1] == Reminded.ALREADY
    assert remind_person(officer, late.id, today + dt.timedelta(days=1))[1] == Reminded.SENT
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == account.id)).all()
    assert len(notes) == 2 and notes[0].kind == "reminder" and notes[0].link == "/learning/"
    assert "2 modules need your attention" in notes[0].subject
    assert "TS-01" in notes[0].body and "TS-02" in notes[0].body and "overdue since" in notes[0].body

    assert remind_person(officer, world["soon"].id, today)[1] == Reminded.NO_ACCOUNT
    make_nation("FRA")
    other = make_user("training_officer", "nation", nation="FRA", username="o.fra")
    with pytest.raises(NotFound):
        remind_person(other, late.id, today)


def test_remind_from_the_list_and_the_row_then_says_reminded_today(client, db, world, make_user):
    make_user("trainee", "self", person=world["late"], username="t.late")
    login(client, "o.mission")
    response = client.post(f"/learning/people/{world['late'].id}/remind?sort=name&dir=asc")
    assert response.status_code == 302 and response.headers["Location"].endswith("/learning/attention?sort=name&dir=asc")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lena Late was reminded of their overdue and expiring modules." in html
    late_row = next(r for r in _rows(html) if "Lena Late" in r)
    assert "Reminded today" in late_row and "Remind</button>" not in late_row
    again = client.post(f"/learning/people/{world['late'].id}/remind", follow_redirects=True).get_data(as_text=True)
    assert "already reminded today" in again
    no_account = client.post(f"/learning/people/{world['soon'].id}/remind", follow_redirects=True)
    assert "has no account that can receive a reminder" in no_account.get_data(as_text=True)


def test_the_assign_action_prefills_the_assignment(client, world):
    login(client, "o.mission")
    row = next(r for r in _rows(client.get("/learning/attention").get_data(as_text=True)) if "Sam Soon" in r)
    link = re.search(r'href="([^"]*/learning/assign[^"]*)"', row).group(1).replace("&amp;", "&")
    assert f"person_id={world['soon'].id}" in link and "code=TS-01" in link
    form = client.get(link).get_data(as_text=True)
    assert re.search(r'<option selected value="TS-01"|<option value="TS-01" selected', form)
    valid_until = add_months(add_months(world["today"], -12) + dt.timedelta(days=20), 12)
    assert f'value="{valid_until.isoformat()}"' in form          # due when the completion lapses


def test_a_commander_sees_the_list_and_reminds_but_does_not_assign(client, world):
    login(client, "c.mission")
    html = client.get("/learning/attention").get_data(as_text=True)
    assert "Lena Late" in html and "Remind</button>" in html and "/learning/assign" not in html


def test_the_list_reads_a_whole_scope_in_a_fixed_number_of_queries(client, db, world, make_person, count_queries):
    from trainer.auth.models import User
    from trainer.learning.attention import attention_list
    from trainer.learning.models import ProfileAssignment

    officer = db.session.scalar(db.select(User).where(User.username == "o.mission"))
    db.session.add(ProfileAssignment(profile_code="TST-PROFILE", unit_id=world["zulu"].id,
                                     due_on=world["today"] - dt.timedelta(days=1)))
    db.session.commit()
    with count_queries() as few:
        small = attention_list(officer, world["today"])
    for _ in range(12):
        make_person(unit=world["zulu"])
    with count_queries() as many:
        large = attention_list(officer, world["today"])
    assert large.page.total == small.page.total + 12
    assert many.count == few.count
