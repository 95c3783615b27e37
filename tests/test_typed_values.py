"""What any typed value must be (trainer/typed_values.py): a date between 1900 and 2199, a text without control
characters. Every form's base applies it (tests/learning/test_officer_records.py shows it on a form), and so
does the API's (tests/api/test_operations.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from trainer import typed_values


@pytest.mark.parametrize("day, fits", [(dt.date(1899, 12, 31), False), (dt.date(1900, 1, 1), True),
                                       (dt.date(2199, 12, 31), True), (dt.date(2200, 1, 1), False), (None, True)])
def test_a_typed_date_falls_between_1900_and_2199(day, fits):
    assert typed_values.date_in_range(day) is fits


@pytest.mark.parametrize("text, multiline, found", [
    ("Capt. Rai", False, False), ("Capt\x07 Rai", False, True), ("Capt\u0085Rai", False, True),
    ("two\nlines", False, True), ("two\r\nlines\tand a tab", True, False), ("a bell\x07", True, True)])
def test_a_text_holds_no_control_character_but_a_long_text_may_hold_line_breaks(text, multiline, found):
    assert typed_values.has_control_character(text, multiline=multiline) is found
