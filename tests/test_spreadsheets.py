"""Cells written to CSV and XLSX exports: formulas neutralised (and read back by our own imports), control
characters that XLSX refuses left out instead of failing the whole file."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from trainer.spreadsheets import neutralise_cell, unneutralise, xlsx_cell


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "|cmd", "%0A"])
def test_formula_looking_cells_are_neutralised_and_read_back(value):
    assert neutralise_cell(value) == "'" + value
    assert unneutralise(neutralise_cell(value)) == value
    assert neutralise_cell("Plain") == "Plain" and neutralise_cell(5) == 5 and neutralise_cell(None) is None
    assert unneutralise("'quoted on purpose") == "'quoted on purpose"


def test_an_xlsx_cell_drops_the_control_characters_the_format_refuses():
    assert xlsx_cell("Vertical\x0bTab Ram\x01") == "VerticalTab Ram"
    assert xlsx_cell("=1\x00") == "'=1"
    assert xlsx_cell("\x0b=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"   # not a formula once stripped
    assert xlsx_cell("\x01=1") == "'=1"
    assert xlsx_cell("Line\nbreak\tand tab") == "Line\nbreak\tand tab"   # allowed in XML, kept
    assert xlsx_cell(3) == 3
    book = Workbook()
    book.active.append([xlsx_cell("Vertical\x0bTab"), xlsx_cell("Ram\x01")])   # openpyxl raised on the raw text
    out = io.BytesIO()
    book.save(out)
    assert [c.value for c in load_workbook(out).active[1]] == ["VerticalTab", "Ram"]
