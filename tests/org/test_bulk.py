"""Actions on the people selected on the personnel list: each checks the actor's scope for every person,
does all or nothing, and leaves audit events; and the list itself sorts by column."""
import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.learning.conftest import curricula_loaded  # noqa: F401 - fixture
from trainer.audit.models import AuditEvent
from trainer.errors import Invalid, NotFound
from trainer.org import bulk
from trainer.org.models import Person, UnitAssignment


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _actions(db, prefix):
    return [a for a in db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)) if a.startswith(prefix)]


@pytest.fixture
def people(make_person, npl_units):
    return [make_person(unit=npl_units["a"], family_name=name, start_on=dt.date(2024, 1, 1))
            for name in ("Gurung", "Tamang", "Rai")]


def test_a_selection_reaching_anyone_out_of_scope_is_refused_whole(db, make_user, people, make_person, make_unit,
                                                                   curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment

    foreign = make_person(unit=make_unit(nation="FRA", code="FRA-BN"))
    officer = make_user("training_officer", "nation", nation="NPL")
    with pytest.raises(NotFound):
        bulk.assign_training(officer, [people[0].id, foreign.id], code="TS-01", due_on=None)
    with pytest.raises(Invalid):
        bulk.assign_training(officer, ["", "x"], code="TS-01", due_on=None)
    db.session.rollback()
    assert _count(db, ModuleAssignment) == 0


def test_assigning_to_a_selection_assigns_each_and_audits(db, make_user, people, curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment, ProfileAssignment

    officer = make_user("training_officer", "nation", nation="NPL")
    assert bulk.assign_training(officer, [str(p.id) for p in people[:2]], code="TS-01", due_on=None) == 2
    assert bulk.assign_training(officer, [people[2].id], code="TST-PROFILE", due_on=None) == 1
    db.session.commit()
    assert sorted(a.person_id for a in db.session.scalars(select(ModuleAssignment))) == sorted(p.id for p in people[:2])
    assert [a.person_id for a in db.session.scalars(select(ProfileAssignment))] == [people[2].id]
    assert _actions(db, "module_assignment.") == ["module_assignment.create"] * 2
    assert _actions(db, "people.") == ["people.assign", "people.assign"]


def test_a_bad_module_or_a_past_due_date_assigns_to_nobody(db, make_user, people, curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment

    officer = make_user("training_officer", "nation", nation="NPL")
    for code, due in (("NOPE-1", None), ("TS-01", dt.date(2001, 1, 1))):
        with pytest.raises(Invalid):
            bulk.assign_training(officer, [p.id for p in people], code=code, due_on=due)
        db.session.rollback()
    assert _count(db, ModuleAssignment) == 0


def test_transfer_moves_everyone_or_nobody(db, make_user, people, npl_units, make_unit):
    officer = make_user("training_officer", "nation", nation="NPL")
    b = npl_units["b"]
    # One person's posting began after the date asked for: nobody moves.
    late = people[2]
    late_posting = db.session.scalar(select(UnitAssignment).where(UnitAssignment.person_id == late.id))
    late_posting.start_on = dt.date(2025, 6, 1)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        bulk.transfer_people(officer, [p.id for p in people], unit_id=b.id, on=dt.date(2025, 3, 1))
    assert [name for name, _ in refused.value.errors] == ["people"] and "Rai" in refused.value.errors[0][1]
    db.session.rollback()
    assert _count(db, Person, Person.unit_id == b.id) == 0
    # A unit of another nation takes nobody.
    with pytest.raises(Invalid):
        bulk.transfer_people(officer, [people[0].id], unit_id=make_unit(nation="FRA", code="FRA-X").id,
                             on=dt.date(2025, 3, 1))
    db.session.rollback()

    unit, moved, staying = bulk.transfer_people(officer, [p.id for p in people[:2]], unit_id=b.id,
                                                on=dt.date(2025, 3, 1), note="rotation")
    db.session.commit()
    assert (unit.id, moved, staying) == (b.id, 2, 0)
    assert _count(db, UnitAssignment, UnitAssignment.unit_id == b.id, UnitAssignment.start_on == dt.date(2025, 3, 1)) == 2
    assert _actions(db, "person.transfer") == ["person.transfer"] * 2 and _actions(db, "people.") == ["people.transfer"]
    # Those already in the unit stay as they are.
    _, moved, staying = bulk.transfer_people(officer, [p.id for p in people[:2]], unit_id=b.id, on=dt.date(2025, 4, 1))
    assert (moved, staying) == (0, 2)


def test_accounts_are_made_for_those_without_one_only(app, db, make_user, people):
    from trainer.auth.models import User
    from trainer.auth.services import AuthSettings

    officer = make_user("training_officer", "nation", nation="NPL")
    make_user("trainee", "self", person=people[0])
    plan, created = bulk.create_accounts(AuthSettings.from_config(app.config), officer, [p.id for p in people])
    db.session.commit()
    assert [p.id for p in plan.with_account] == [people[0].id]
    assert sorted(a.person.id for a in created) == sorted(p.id for p in people[1:])
    assert all(a.one_time_password for a in created)
    linked = db.session.scalars(select(User).where(User.person_id.in_([p.id for p in people[1:]]))).all()
    assert len(linked) == 2 and all(u.must_change_password for u in linked)
    assert _actions(db, "user.bulk_create") == ["user.bulk_create"]
    with pytest.raises(Invalid):
        bulk.create_accounts(AuthSettings.from_config(app.config), officer, [p.id for p in people])


def test_export_is_a_roster_file_that_imports_again(db, make_user, people, npl_units):
    from openpyxl import load_workbook

    from trainer.org.roster import ALL_COLUMNS, parse_roster

    people[0].national_rank = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    commander = make_user("commander", "nation", nation="NPL")
    data, extension = bulk.export_selection(commander, [p.id for p in people], "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert extension == "csv" and rows[0] == list(ALL_COLUMNS) and len(rows) == 4
    assert "'=HYPERLINK" in data.decode("utf-8-sig")  # a formula is neutralised, never run
    parsed = parse_roster(data, "export.csv")
    assert not parsed.errors and len(parsed.rows) == 3

    data, extension = bulk.export_selection(commander, [p.id for p in people], "xlsx", classification="UNCLASSIFIED")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == list(ALL_COLUMNS)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:L4"
    assert "UNCLASSIFIED" in sheet.oddHeader.center.text
    assert _actions(db, "people.export") == ["people.export", "people.export"]


# --- pages -------------------------------------------------------------------------------------------

def test_the_list_sorts_by_column_stably_and_says_so(client, login_as, make_person, npl_units):
    for number, name, screening in (("NA-3", "Alpha", "cleared"), ("NA-1", "Bravo", "hold"), ("NA-2", "Charlie", "pending")):
        make_person(unit=npl_units["a"], family_name=name, service_number=number, screening=screening)
    login_as("commander", "nation", nation="NPL")

    def order(query):
        page = client.get(f"/personnel?{query}").get_data(as_text=True)
        return re.findall(r"(Alpha|Bravo|Charlie)</a>", page), page

    names, page = order("")
    assert names == ["Alpha", "Bravo", "Charlie"] and 'aria-sort="ascending"' in page
    names, page = order("sort=service_number&dir=desc")
    assert names == ["Alpha", "Charlie", "Bravo"]
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a class="sort-link" href="[^"]*sort=service_number&amp;dir=asc', page)
    assert order("sort=screening")[0] == ["Bravo", "Charlie", "Alpha"]  # holds first
    assert order("sort=bogus&dir=sideways")[0] == ["Alpha", "Bravo", "Charlie"]


def test_bulk_assign_page_lists_the_selection_and_keeps_it_after_a_refusal(client, db, login_as, people,
                                                                           curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment

    login_as("training_officer", "nation", nation="NPL")
    ids = [str(p.id) for p in people[:2]]
    step = client.post("/personnel/bulk/assign", data={"ids": ids, "back": "/personnel?q=a"})
    page = step.get_data(as_text=True)
    assert step.status_code == 200 and "Gurung" in page and "Tamang" in page and "Rai" not in page
    refused = client.post("/personnel/bulk/assign", data={"ids": ids, "confirm": "1", "code": "TS-01",
                                                          "due_on": "2001-01-01", "back": "/personnel?q=a"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "cannot be in the past" in page
    assert all(f'name="ids" value="{i}"' in page for i in ids) and 'value="2001-01-01"' in page
    assert _count(db, ModuleAssignment) == 0
    done = client.post("/personnel/bulk/assign", data={"ids": ids, "confirm": "1", "code": "TS-01",
                                                       "back": "/personnel?q=a"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/personnel?q=a")
    assert _count(db, ModuleAssignment) == 2
    assert "TS-01 assigned to 2 people." in client.get("/personnel").get_data(as_text=True)


def test_bulk_pages_refuse_an_empty_or_foreign_selection_back_on_the_list(client, db, login_as, people, make_person,
                                                                         make_unit):
    foreign = make_person(unit=make_unit(nation="FRA", code="FRA-BN"))
    login_as("training_officer", "nation", nation="NPL")
    for url in ("/personnel/bulk/assign", "/personnel/bulk/transfer", "/personnel/bulk/accounts", "/personnel/export"):
        empty = client.post(url, data={"format": "csv"})
        assert empty.status_code == 302 and empty.headers["Location"].endswith("/personnel")
        mixed = client.post(url, data={"ids": [str(people[0].id), str(foreign.id)], "format": "csv",
                                       "back": "https://evil.example/"})
        assert mixed.status_code == 302 and mixed.headers["Location"].endswith("/personnel")
    assert "not found in your scope" in client.get("/personnel").get_data(as_text=True)


def test_bulk_transfer_and_accounts_over_http(client, db, login_as, people, npl_units):
    from trainer.auth.models import User

    login_as("training_officer", "nation", nation="NPL")
    ids = [str(p.id) for p in people]
    page = client.post("/personnel/bulk/transfer", data={"ids": ids}).get_data(as_text=True)
    assert f'value="{npl_units["b"].id}"' in page
    done = client.post("/personnel/bulk/transfer", data={"ids": ids, "confirm": "1", "unit_id": str(npl_units["b"].id),
                                                         "on": "2025-03-01", "note": ""})
    assert done.status_code == 302
    assert _count(db, Person, Person.unit_id == npl_units["b"].id) == 3

    page = client.post("/personnel/bulk/accounts", data={"ids": ids}).get_data(as_text=True)
    assert "Create 3 accounts" in page
    sheet = client.post("/personnel/bulk/accounts", data={"ids": ids, "confirm": "1"})
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    assert _count(db, User, User.person_id.in_([p.id for p in people])) == 3

    export = client.post("/personnel/export", data={"ids": ids, "format": "xlsx"})
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in export.headers["Content-Disposition"]


def test_commanders_export_but_do_not_change_records(client, login_as, people):
    login_as("commander", "nation", nation="NPL")
    ids = [str(p.id) for p in people]
    page = client.get("/personnel").get_data(as_text=True)
    assert "Export as CSV" in page and "Transfer to a unit" not in page and "Assign training" not in page
    assert client.post("/personnel/export", data={"ids": ids, "format": "csv"}).status_code == 200
    for url in ("/personnel/bulk/assign", "/personnel/bulk/transfer", "/personnel/bulk/accounts"):
        assert client.post(url, data={"ids": ids}).status_code == 403


def test_the_person_page_offers_what_the_user_may_do(client, login_as, make_person, make_user, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Gurung")
    officer = make_user("training_officer", "nation", nation="NPL", username="o.page")
    login(client, officer.username)
    page = client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert f'href="/learning/assign?person_id={person.id}">Assign training' in page
    assert f'href="/learning/people/{person.id}/recognise">Record a completion' in page
    assert "Issue a certificate" not in page and "Create a trainee account" in page
    client.post("/logout")
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert f'href="/certificates/person/{person.id}/issue">Issue a certificate' in page
    assert "Assign training" not in page and "Record a completion" not in page
    client.post("/logout")
    login_as("trainee", "self", person=person)
    page = client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert "Assign training" not in page and "Issue a certificate" not in page and "Record a completion" not in page
