"""Trainee accounts in bulk for a unit's personnel, with a one-time credentials sheet."""
import subprocess

import pytest
from sqlalchemy import select

from tests.conftest import login
from trainer.auth.credentials_pdf import name_markup
from trainer.auth.models import User


@pytest.fixture
def unit_with_people(make_unit, make_person):
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    company = make_unit(nation="NPL", code="NPBATT-A", parent=top)
    people = [
        make_person(unit=company, family_name="श्रेष्ठ", given_names="राम", family_name_latin="Shrestha",
                    given_names_latin="Ram", service_number="NA 1001"),
        make_person(unit=company, family_name="রহমান", given_names="আবদুল", family_name_latin="Rahman",
                    given_names_latin="Abdul"),
        make_person(unit=top, family_name="العتيبي", given_names="محمد", family_name_latin="Al-Otaibi",
                    given_names_latin="Mohammed"),
        make_person(unit=top, family_name="王", given_names="小明", family_name_latin="Wang", given_names_latin="Xiaoming"),
    ]
    return top, company, people


def test_officer_creates_accounts_and_gets_a_pdf_of_one_time_credentials(client, db, login_as, unit_with_people,
                                                                         make_user, tmp_path):
    top, company, people = unit_with_people
    make_user(None, person=people[1], username="already.there")  # has an account: skipped
    login_as("training_officer", "nation", nation="NPL")
    page = client.get(f"/units/{top.id}/accounts").get_data(as_text=True)
    assert "<strong>3</strong>" in page
    response = client.post(f"/units/{top.id}/accounts", data={"include_subunits": "y"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    created = db.session.scalars(select(User).where(User.person_id.is_not(None), User.username != "already.there")).all()
    assert sorted(u.person_id for u in created) == sorted([people[0].id, people[2].id, people[3].id])
    assert all(u.must_change_password and [g.role for g in u.grants] == ["trainee"] for u in created)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "npl-na-1001" in text and "Shrestha" in text and "Wang Xiaoming" in text  # a Chinese name, family name first
    # The sheet is shown once: a second run finds no one left and creates nothing.
    again = client.post(f"/units/{top.id}/accounts", data={"include_subunits": "y"})
    assert again.status_code == 302


def test_a_person_whose_names_are_longer_than_an_accounts_shown_name_still_gets_an_account(client, db, login_as,
                                                                                          make_unit, make_person):
    unit = make_unit(nation="NPL", code="NPL-LONG")
    person = make_person(unit=unit, family_name="F" * 120, given_names="G" * 200, family_name_latin="F" * 120,
                         given_names_latin="G" * 200)
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/units/{unit.id}/accounts", data={"include_subunits": "y"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    db.session.expire_all()
    account = db.session.scalar(select(User).where(User.person_id == person.id))
    assert account.display_name == ("G" * 200 + " " + "F" * 120)[:200]


def test_each_new_account_must_set_a_password_at_first_sign_in(client, app, db, login_as, unit_with_people, tmp_path):
    top, company, people = unit_with_people
    login_as("training_officer", "unit", unit=company)
    response = client.post(f"/units/{company.id}/accounts", data={"include_subunits": "y"})
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in text.splitlines() if "npl-na-1001" in ln)
    password = line.split()[-1]
    trainee = app.test_client()
    first = login(trainee, "npl-na-1001", password)
    assert first.status_code == 302 and first.headers["Location"].endswith("/account/password")
    assert trainee.get("/").headers["Location"].endswith("/account/password")
    changed = trainee.post("/account/password", data={"current_password": password, "password": "a brand new phrase 42",
                                                       "confirm": "a brand new phrase 42"})
    assert changed.status_code == 302
    assert trainee.get(f"/personnel/{people[0].id}").status_code == 200
    assert trainee.get(f"/personnel/{people[1].id}").status_code == 404


def test_out_of_scope_unit_is_not_found(client, login_as, unit_with_people, make_unit):
    other = make_unit(nation="FRA", code="FR-1")
    login_as("training_officer", "nation", nation="NPL")
    assert client.get(f"/units/{other.id}/accounts").status_code == 404
    assert client.post(f"/units/{other.id}/accounts").status_code == 404


def test_commander_may_not_create_accounts(client, login_as, unit_with_people):
    top, _, _ = unit_with_people
    login_as("commander", "nation", nation="NPL")
    assert client.get(f"/units/{top.id}/accounts").status_code == 403


def test_the_sheet_gives_each_run_of_a_name_the_font_of_its_script():
    assert name_markup("Anaïs Lefèvre") == '<font face="Text-latin">Anaïs Lefèvre</font>'
    assert name_markup("राम (Ram) 王小明") == ('<font face="Text-devanagari">राम (</font><font face="Text-latin">Ram)'
                                         '</font> <font face="Text-han">王小明</font>')
