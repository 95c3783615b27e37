"""Cells written to spreadsheet files (CSV and XLSX): one rule for every export.

- Text that a spreadsheet program would run as a formula (CSV injection: `=`, `+`, `-`, `@`, a tab, a line
  break, and `|` or `%` for the older DDE forms) is prefixed with an apostrophe. An import that reads our
  own export takes the apostrophe off again (`unneutralise`).
- XLSX cannot hold most control characters (openpyxl refuses the whole file): they are left out of the
  cell. The forms and imports refuse them on the way in; this keeps rows stored before that exportable.
"""
from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "|", "%")
# The characters XML 1.0 does not allow (openpyxl's ILLEGAL_CHARACTERS_RE, without importing openpyxl).
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """A cell of our own export as it was before `neutralise_cell`."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def xlsx_cell(value):
    """A value as an XLSX cell holds it: without the control characters the format refuses, then neutralised
    (in that order: "\x0b=1" would otherwise pass as text and become the formula "=1")."""
    if isinstance(value, str):
        value = _NOT_IN_XLSX.sub("", value)
    return neutralise_cell(value)
