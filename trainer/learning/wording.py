"""The words of the learning domain that are built from facts: module statuses and their reasons, why a module
is required, how a completion was recorded. Everything here is looked up at the moment it is shown, in the
reader's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from trainer.learning.models import Method
from trainer.learning.rules import Reason, Status

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.PASSED: _l("Passed"),
    Status.EXPIRING: _l("Expiring"),
    Status.EXPIRED: _l("Expired"),
}

METHOD_LABELS = Method.LABELS

RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Failed"), "absent": _l("Absent")}


def status_label(status: Status) -> str:
    return str(STATUS_LABELS[status])


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def _day(value) -> str:
    from trainer.templating import format_date

    return format_date(value)


def reason_text(reason: Reason) -> str:
    """One short phrase: why a module has its status."""
    if reason.kind == "retrain":
        return _("passed version %(old)s.x; version %(new)s requires retraining",
                 old=reason.completion_major, new=reason.current_major)
    if reason.kind == "future":
        return _("completion dated in the future")
    if reason.kind == "expired":
        return _("expired on %(date)s", date=_day(reason.until))
    if reason.kind == "expiring":
        return ngettext("valid through %(date)s (%(num)d day left)", "valid through %(date)s (%(num)d days left)",
                        reason.days_left, date=_day(reason.until))
    if reason.kind == "valid":
        return _("valid through %(date)s", date=_day(reason.until))
    # "started" and "not started" say no more than the status itself
    return ""


def assigned_to_person() -> str:
    return _("assigned to you")


def assigned_to_unit(unit_code: str) -> str:
    return _("assigned to unit %(unit)s", unit=unit_code)


def required_by_profile(profile_code: str, unit_code: str | None) -> str:
    if unit_code is None:
        return _("required by profile %(profile)s, assigned to you", profile=profile_code)
    return _("required by profile %(profile)s, assigned to unit %(unit)s", profile=profile_code, unit=unit_code)
