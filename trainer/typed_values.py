"""What any typed value must be, the one home of these rules for every form, the API and the commands.

- **Dates** fall between 1900 and 2199. Earlier or later ones are typing slips (0001-01-01,
  9999-12-31), and they reach the ends of Python's calendar as soon as anything counts months or days
  from them: a validity added to a completion, a calendar feed spanning an exercise, a UTC offset
  applied to a local time.
- **Text** holds no control character: invisible, they break exports (XLSX refuses them) and confuse
  whoever reads the record. A multi-line text may hold line breaks and tabs.

Pure: no Flask app, no database."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l

FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_RANGE = _l("Enter a date between %(first)s and %(last)s.")

# C0 and C1 control codes
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS_AND_TABS = frozenset("\n\r\t")
CONTROL_CHARACTER = _l("Holds a control character (a tab, a line break or an invisible code): retype the text "
                       "without it.")
CONTROL_CHARACTER_IN_TEXT = _l("Holds an invisible control character, perhaps pasted from another program: retype "
                               "the text without it.")


def date_in_range(value: dt.date | dt.datetime | None) -> bool:
    """Whether a date (or a date and time) falls in the years a typed date may (None: nothing typed)."""
    return value is None or FIRST_YEAR <= value.year <= LAST_YEAR


def out_of_range_message() -> str:
    return str(OUT_OF_RANGE) % {"first": FIRST_YEAR, "last": LAST_YEAR}


def has_control_character(text: str | None, *, multiline: bool = False) -> bool:
    """Whether the text holds a control character (with `multiline`, other than a line break or a tab)."""
    if not text:
        return False
    if not multiline:
        return _CONTROL.search(text) is not None
    return any(character not in _LINE_BREAKS_AND_TABS for character in _CONTROL.findall(text))


def control_character_message(*, multiline: bool = False) -> str:
    return str(CONTROL_CHARACTER_IN_TEXT if multiline else CONTROL_CHARACTER)
