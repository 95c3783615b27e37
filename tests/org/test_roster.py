"""Roster import: parsing, all-or-nothing validation, updates, limits and hostile files."""
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.org.conftest import HEADER, person_row, roster_csv
from trainer.audit.models import AuditEvent
from trainer.org.imports import import_roster
from trainer.org.models import Person, UnitAssignment
from trainer.org.roster import RosterLimits, parse_roster


def count_people(db):
    return db.session.scalar(select(func.count()).select_from(Person))


@pytest.fixture
def world(npl_units, make_unit):
    make_unit(nation="BGD", code="BDBATT-1")
    make_unit(nation="SAU", code="SA-1")
    make_unit(nation="CHN", code="CN-ENG")
    make_unit(nation="UKR", code="UA-1")
    make_unit(nation="FRA", code="FR-GEND", kind="formed_police_unit")
    return npl_units


MULTI_SCRIPT = [
    person_row(),
    person_row(nation="BGD", service_number="BA-77", family_name="রহমান", given_names="আবদুল",
               family_name_latin="Rahman", given_names_latin="Abdul", unit="BDBATT-1", rank_code="OR-6"),
    person_row(nation="SAU", service_number="S-1", family_name="العتيبي", given_names="محمد",
               family_name_latin="Al-Otaibi", given_names_latin="Mohammed", unit="SA-1", rank_code="OF-3"),
    person_row(nation="CHN", service_number="CN 0042", family_name="王", given_names="小明",
               family_name_latin="Wang", given_names_latin="Xiaoming", unit="CN-ENG", rank_code="OR-4"),
    person_row(nation="UKR", service_number="UA-9", family_name="Шевченко", given_names="Олена",
               family_name_latin="Shevchenko", given_names_latin="Olena", unit="UA-1", rank_code="OR-5"),
    person_row(nation="FRA", service_number="F-5", family_name="Lefèvre", given_names="Anaïs Hélène",
               family_name_latin="", given_names_latin="", unit="FR-GEND", rank_code="POL-3", category="police",
               screening="pending"),
]


def test_valid_multi_script_file_imports_every_row(db, world):
    report = import_roster(None, roster_csv(MULTI_SCRIPT), "roster.csv")
    db.session.commit()
    assert report.ok and report.counts == {"create": 6, "update": 0, "unchanged": 0}
    chinese = db.session.scalar(select(Person).where(Person.service_number == "CN 0042"))
    assert (chinese.family_name, chinese.given_names, chinese.full_name_latin) == ("王", "小明", "Wang Xiaoming")  # family name first, as Chinese names are written
    french = db.session.scalar(select(Person).where(Person.service_number == "F-5"))
    assert french.family_name_latin == "Lefèvre" and french.screening == "pending" and french.category == "police"
    arabic = db.session.scalar(select(Person).where(Person.nation_code == "SAU"))
    assert arabic.family_name == "العتيبي" and arabic.unit.code == "SA-1"
    assert arabic.assignments[0].unit_id == arabic.unit_id
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "roster.import")) == 1


def test_five_different_errors_are_all_reported_and_nothing_is_written(db, world):
    rows = [
        person_row(service_number="OK-1"),
        person_row(service_number="E-1", nation="XYZ"),                 # unknown nation
        person_row(service_number="E-2", rank_code="OF-99"),            # unknown grade code
        person_row(service_number="E-3", unit="NO-SUCH-UNIT"),          # unknown unit
        person_row(service_number="E-4", email="not an address"),       # bad e-mail
        person_row(service_number="E-5", family_name=""),               # missing name
        person_row(service_number="OK-2"),
    ]
    report = import_roster(None, roster_csv(rows), "bad.csv")
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "nation"), (4, "rank_code"), (5, "unit"), (6, "email"), (7, "family_name")}
    assert not report.applied
    db.session.commit()
    assert count_people(db) == 0


def test_control_characters_in_a_cell_are_refused_and_nothing_is_written(db, world):
    rows = [person_row(service_number="OK-1"),
            person_row(service_number="VT-1", family_name="Vertical\x0bTab", given_names="Ram\x01"),
            person_row(service_number="VT-2", national_rank="Sgt\x7f")]
    report = import_roster(None, roster_csv(rows), "controls.csv")
    assert {(e.row, e.column) for e in report.errors} == {(3, "family_name"), (3, "given_names"), (4, "national_rank")}
    assert all("control character" in e.message for e in report.errors)
    assert not report.applied
    db.session.commit()
    assert count_people(db) == 0


def test_duplicate_service_number_in_one_file_is_an_error(db, world):
    report = import_roster(None, roster_csv([person_row(), person_row(given_names="Other")]), "dup.csv")
    assert [(e.row, e.column) for e in report.errors] == [(3, "service_number")]
    assert "row 2" in report.errors[0].message


def test_reimport_changes_nothing_and_a_changed_row_is_an_update(db, world):
    data = roster_csv(MULTI_SCRIPT)
    import_roster(None, data, "r.csv")
    db.session.commit()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = import_roster(None, data, "r.csv")
    db.session.commit()
    assert again.counts == {"create": 0, "update": 0, "unchanged": 6}
    person = db.session.scalar(select(Person).where(Person.service_number == "NA-1001"))
    assert person.version == 1
    changed = [dict(MULTI_SCRIPT[0], national_rank="Major", rank_code="OF-3")] + MULTI_SCRIPT[1:]
    report = import_roster(None, roster_csv(changed), "r2.csv")
    db.session.commit()
    assert report.counts == {"create": 0, "update": 1, "unchanged": 5}
    assert report.rows[0].changes == {"national_rank": ("Captain", "Major"), "rank_code": ("OF-2", "OF-3")}
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.rank_code, person.national_rank, person.version) == ("OF-3", "Major", 2)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > events


def test_unit_change_in_import_is_a_transfer_with_history(db, world):
    import_roster(None, roster_csv([person_row()]), "r.csv", today=dt.date(2025, 1, 1))
    db.session.commit()
    report = import_roster(None, roster_csv([person_row(unit="NPBATT-B")]), "r.csv", today=dt.date(2025, 3, 1))
    db.session.commit()
    assert report.counts["update"] == 1 and report.transfers == 1
    person = db.session.scalar(select(Person).where(Person.service_number == "NA-1001"))
    history = db.session.scalars(select(UnitAssignment).where(UnitAssignment.person_id == person.id)
                                 .order_by(UnitAssignment.start_on)).all()
    assert [(h.unit_id, h.start_on, h.end_on) for h in history] == [
        (world["a"].id, dt.date(2025, 1, 1), dt.date(2025, 3, 1)), (world["b"].id, dt.date(2025, 3, 1), None)]
    assert person.unit_id == world["b"].id


def test_dry_run_writes_nothing_but_reports_what_would_change(db, world):
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    report = import_roster(None, roster_csv(MULTI_SCRIPT), "r.csv", dry_run=True)
    db.session.commit()
    assert report.ok and report.counts["create"] == 6 and not report.applied
    assert count_people(db) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_formula_cells_are_kept_as_typed_text(db, world):
    rows = [person_row(national_rank="=HYPERLINK(\"http://x\",\"y\")", given_names="+Ram", family_name="@Shrestha",
                       family_name_latin="-Shrestha")]
    report = import_roster(None, roster_csv(rows), "f.csv")
    db.session.commit()
    assert report.ok
    person = db.session.scalar(select(Person))
    assert person.national_rank == '=HYPERLINK("http://x","y")'
    assert (person.given_names, person.family_name, person.family_name_latin) == ("+Ram", "@Shrestha", "-Shrestha")


def test_bom_and_semicolons_are_understood(db, world):
    data = roster_csv([person_row(family_name="Lefèvre", given_names="Anaïs")], delimiter=";", bom=True)
    report = import_roster(None, data, "excel.csv")
    db.session.commit()
    assert report.ok, report.errors
    assert db.session.scalar(select(Person)).family_name == "Lefèvre"


def test_optional_columns_may_be_absent(db, world):
    header = HEADER[:9]
    report = import_roster(None, roster_csv([person_row()], header=header), "short.csv")
    assert report.ok
    db.session.commit()
    person = db.session.scalar(select(Person))
    assert person.family_name_latin == person.family_name and person.screening == "pending"


def test_missing_and_unknown_columns_are_header_errors(world):
    report = import_roster(None, roster_csv([["NPL"]], header=["nation", "servce_number"]), "h.csv")
    columns = {e.column for e in report.errors if e.row == 1}
    assert "servce_number" in columns and "service_number" in columns and "family_name" in columns


def test_row_and_size_limits(world):
    rows = [person_row(service_number=f"S{i}") for i in range(6)]
    report = import_roster(None, roster_csv(rows), "r.csv", limits=RosterLimits(max_rows=5))
    assert not report.ok and "more than 5 rows" in report.errors[0].message
    report = import_roster(None, roster_csv(rows), "r.csv", limits=RosterLimits(max_bytes=100))
    assert not report.ok and "at most" in report.errors[0].message


def test_not_utf8_and_garbage_are_clean_errors(world):
    assert "not UTF-8" in parse_roster("nation;famille\nFRA;Lef\xe8vre\n".encode("latin-1"), "x.csv").errors[0].message
    assert parse_roster(b"PK\x03\x04garbage", "x.xlsx").errors
    assert parse_roster(b"\x00\x01\x02", "x.csv").errors
    assert parse_roster(b"", "x.csv").errors


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_happy_path(db, world):
    rows = [person_row(), person_row(service_number=12345, nation="FRA", unit="FR-GEND", family_name="Dupré",
                                     given_names="Zoé", family_name_latin="", given_names_latin="",
                                     national_rank="=1+1")]
    report = import_roster(None, xlsx_bytes(rows), "roster.xlsx")
    db.session.commit()
    assert report.ok, report.errors
    assert report.counts["create"] == 2
    french = db.session.scalar(select(Person).where(Person.nation_code == "FRA"))
    assert french.service_number == "12345" and french.family_name == "Dupré" and french.national_rank == "=1+1"


def test_xlsx_bomb_is_refused_before_it_is_opened(db, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>")
    data = buffer.getvalue()
    assert len(data) < 100 * 1024
    report = import_roster(None, data, "bomb.xlsx", limits=RosterLimits(max_uncompressed=1024 * 1024))
    assert not report.ok and "unpack" in report.errors[0].message
    assert count_people(db) == 0


def test_xlsx_with_entity_declarations_is_refused(world):
    data = xlsx_bytes([person_row()])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<worksheet" in content
                content = content.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                                         b"<worksheet", 1)
            target.writestr(info, content)
    report = import_roster(None, buffer.getvalue(), "lol.xlsx")
    assert not report.ok and "DTD" in report.errors[0].message


def test_a_training_officer_imports_only_into_their_scope(db, world, make_user, make_unit):
    sub = make_unit(nation="NPL", code="NPBATT-A-1", parent=world["a"])
    officer = make_user("training_officer", "unit", unit=world["a"])
    rows = [person_row(service_number="IN-1", unit="NPBATT-A-1"),
            person_row(service_number="OUT-1", unit="NPBATT-B"),
            person_row(service_number="OUT-2", nation="FRA", unit="FR-GEND")]
    report = import_roster(officer, roster_csv(rows), "scope.csv")
    assert {(e.row, e.column) for e in report.errors} == {(3, "unit"), (4, "nation")}
    db.session.rollback()
    report = import_roster(officer, roster_csv(rows[:1]), "scope.csv")
    db.session.commit()
    assert report.ok and db.session.scalar(select(Person)).unit_id == sub.id


def test_fifty_thousand_rows_import_within_the_limits(db, world, count_queries):
    rows = [person_row(service_number=f"NA-{i:06d}", family_name=f"श्रेष्ठ{i % 97}", given_names="राम",
                       family_name_latin=f"Shrestha{i % 97}", email=f"p{i}@example.org",
                       unit="NPBATT-A" if i % 2 else "NPBATT-B") for i in range(50000)]
    data = roster_csv(rows)
    with count_queries() as q:
        report = import_roster(None, data, "big.csv")
        db.session.commit()
    assert report.ok and report.counts["create"] == 50000
    assert count_people(db) == 50000
    assert q.count < 200  # bulk statements, not one per row
    assert db.session.scalar(select(func.count()).select_from(UnitAssignment)) == 50000
