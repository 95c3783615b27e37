"""The rules an assessment record's fields follow, for recording and amending alike (no queries here).

Each check returns the cleaned value or raises Invalid naming its field, so that a service can run them
all and show every problem of a form at once (`collect`)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from babel.numbers import format_decimal
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from trainer import typed_values
from trainer.assessments.models import ObservationKind
from trainer.db import utcnow
from trainer.enums import Rating
from trainer.errors import Invalid

SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9-]{8,60}$")
MAX_TEXT = 10000
# The shortest narrative that can explain an M or a U.
MIN_EXPLANATION = 10
# Row ids are positive and fit the database's integer columns: anything else names no row.
MAX_ID = 2**31 - 1


def raise_invalid(field: str, message: str):
    raise Invalid(message, errors=[(field, message)])


def collect(*checks: Callable[[], object]) -> list[tuple[str, str]]:
    """Run every check and return the field errors of those that failed."""
    errors = []
    for check in checks:
        try:
            check()
        except Invalid as exc:
            errors += exc.errors
    return errors


def row_id(value) -> int | None:
    """A posted or typed row id as an int, or None when it cannot name a row (junk, zero, negative, huge)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


# The texts a form asks for, each with its two refusals as whole sentences.
TEXTS = {
    "rationale": (_l("The rationale is required."), _l("The rationale is too long (at most %(num)s characters).")),
    "narrative": (_l("The narrative is required."), _l("The narrative is too long (at most %(num)s characters).")),
    "amendment_reason": (_l("The reason for the amendment is required."),
                         _l("The reason for the amendment is too long (at most %(num)s characters).")),
    "adjudication_reason": (_l("The reason for changing the adjudication is required."),
                            _l("The reason for changing the adjudication is too long (at most %(num)s characters).")),
}


def check_key(key: str | None) -> str:
    if not key or not SUBMISSION_KEY.match(key):
        raise Invalid(_("The form is missing its submission key. Reload the page and submit again."))
    return key


def check_text(value: str | None, field_name: str, what: str, *, required: bool) -> str:
    """The text of `field_name`, stripped; `what` names its refusals in TEXTS."""
    value = (value or "").strip()
    missing, too_long = TEXTS[what]
    if required and not value:
        raise_invalid(field_name, str(missing))
    if len(value) > MAX_TEXT:
        raise_invalid(field_name, str(too_long) % {"num": format_decimal(MAX_TEXT, locale=get_locale() or "en")})
    if typed_values.has_control_character(value, multiline=True):
        raise_invalid(field_name, typed_values.control_character_message(multiline=True))
    return value


def check_rating(value: str | None, *, required: bool) -> Rating | None:
    if not value:
        if required:
            raise_invalid("rating", _("Choose a rating: P, S, M or U."))
        return None
    try:
        return Rating(value)
    except ValueError:
        raise_invalid("rating", _("A rating is P, S, M or U."))


def check_explained(rating: Rating | None, narrative: str | None) -> None:
    """M and U need a narrative: a rating of M or U is refused unless its narrative explains it (at least
    MIN_EXPLANATION characters). P, S and no rating need none."""
    if rating is not None and rating.needs_narrative and len((narrative or "").strip()) < MIN_EXPLANATION:
        raise_invalid("narrative", _("A rating of %(letter)s (%(label)s) needs a narrative that explains it.",
                                     letter=rating.value, label=rating.label))


def check_observed_at(value, exercise) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise_invalid("observed_at", _("Give the date and time of the observation."))
    if value.tzinfo is None:
        raise_invalid("observed_at", _("The time of the observation has no time zone."))
    if value > utcnow() + dt.timedelta(minutes=10):
        raise_invalid("observed_at", _("The observation cannot be in the future."))
    if value < exercise.start_at - dt.timedelta(days=1):
        raise_invalid("observed_at", _("The observation is before the exercise started."))
    return value


def check_kind(value) -> ObservationKind:
    try:
        return ObservationKind(value)
    except ValueError:
        raise_invalid("kind", _("Choose strength or area for improvement."))


def check_version(value) -> int:
    """The version a form was loaded with (0 for a row not saved yet)."""
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = -1
    if not 0 <= version <= MAX_ID:
        raise Invalid(_("The form is damaged. Reload the page and try again."))
    return version
