"""Spreadsheet files of the learning lists (the completion matrix, the overdue-and-expiring list): CSV with a
byte-order mark so that spreadsheet programs read UTF-8, and XLSX with the header on row 1, frozen, under an
autofilter, and the classification marking in the page header and footer."""
from __future__ import annotations

import csv
import io

from trainer.spreadsheets import neutralise_cell, xlsx_cell


def to_csv(table: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in table:
        writer.writerow([neutralise_cell(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list], title: str, marking: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    width = max((len(line) for line in table), default=0)
    if table and width:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{len(table)}"
    if marking:
        for part in (sheet.oddHeader, sheet.oddFooter):
            part.center.text = marking
    for line in table:
        sheet.append([xlsx_cell(value) for value in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\ ."""
    cleaned = "".join(" " if ch in '[]:*?/\\' else ch for ch in str(title)).strip()
    return cleaned[:31] or "Sheet"
