"""People as a roster file: the columns the roster import reads (so an export can be edited and imported
again), CSV or XLSX, with text that a spreadsheet would run as a formula neutralised."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from trainer.org.models import Person
from trainer.org.roster import ALL_COLUMNS
from trainer.spreadsheets import neutralise_cell, xlsx_cell



def row(person: Person) -> list[str]:
    values = {"nation": person.nation_code, "service_number": person.service_number,
              "family_name": person.family_name, "given_names": person.given_names, "rank_code": person.rank_code,
              "national_rank": person.national_rank or "", "category": person.category,
              "unit": person.unit.code, "email": person.email or "", "family_name_latin": person.family_name_latin,
              "given_names_latin": person.given_names_latin, "screening": person.screening}
    return [neutralise_cell(values[column]) for column in ALL_COLUMNS]


def to_csv(people: list[Person]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ALL_COLUMNS)
    writer.writerows(row(p) for p in people)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(people: list[Person], *, classification: str = "") -> bytes:
    """One sheet: the header on row 1, frozen, with an autofilter; the marking in the page header and
    footer, where it prints on every page without getting in the way of sorting and filtering."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Personnel")[:31]
    sheet.append(list(ALL_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for person in people:
        sheet.append([xlsx_cell(value) for value in row(person)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # stored as typed: service numbers keep their leading zeros
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ALL_COLUMNS))}{max(1, len(people) + 1)}"
    for column in range(1, len(ALL_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    if classification:
        sheet.oddHeader.center.text = classification
        sheet.oddFooter.center.text = classification
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
