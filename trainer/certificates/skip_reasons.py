"""Why a bulk issue skipped a person, kept with the batch as a reason code and its facts, and worded only when it
is read, in the reader's language: a batch issued by one officer is read by others, in other languages.

Batches kept before this held their reasons in words, in the issuer's language; those are shown as they were kept.
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _

from trainer.certificates.services.issuing import IssueWarning, warning_message
from trainer.certificates.services.reads import requirement_label
from trainer.org.labels import SCREENING_LABELS, label
from trainer.readiness.rules import RequirementStatus, Why
from trainer.readiness.wording import word_reason

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def unmet(requirement: RequirementStatus) -> dict | str:
    """A requirement the person does not meet: its key and the readiness engine's reason code and facts."""
    if not isinstance(requirement.why, Why):  # a reason the engine gave already in words
        return _labelled(requirement_label(requirement.key), requirement.reason)
    return {"code": "unmet", "key": requirement.key, "why": requirement.why.code,
            "facts": _kept(requirement.why.facts)}


def left_service() -> dict:
    return {"code": "left_service"}


def screening(state: str) -> dict:
    return {"code": "screening", "state": state}


def holds(serial: str) -> dict:
    return {"code": "holds", "serial": serial}


def warned(warning: IssueWarning) -> dict:
    """Left out because the issuer did not confirm this warning."""
    return {"code": "warning", "key": warning.key, "facts": _kept(warning.facts)}


def word(reason: dict | str) -> str:
    """A kept reason in the reader's language (one kept in words is shown as it was kept)."""
    if isinstance(reason, str):
        return reason
    code = reason["code"]
    if code == "unmet":
        return _labelled(requirement_label(reason['key']), word_reason(Why(reason['why'], _read(reason['facts']))))
    if code == "screening":
        return _labelled(requirement_label('screening'), label(SCREENING_LABELS, reason['state']))
    if code == "left_service":
        return _("has left service")
    if code == "holds":
        return _("already holds certificate %(serial)s", serial=reason["serial"])
    return _("left out after a warning: %(warning)s",
             warning=warning_message(reason["key"], _read(reason["facts"])))


def _kept(facts: dict) -> dict:
    """Facts as JSON keeps them: days as ISO dates, tuples as lists."""
    return {name: value.isoformat() if isinstance(value, dt.date) else list(value) if isinstance(value, tuple)
            else value for name, value in facts.items()}


def _read(facts: dict) -> dict:
    """Facts as kept, back as the wording takes them: ISO dates as days, lists as tuples."""
    return {name: dt.date.fromisoformat(value) if isinstance(value, str) and _ISO_DAY.fullmatch(value)
            else tuple(value) if isinstance(value, list) else value for name, value in facts.items()}


def _labelled(requirement: str, reason) -> str:
    """A requirement and why it is not met, as the reader's language sets them apart (French: a space before
    the colon)."""
    return _("%(requirement)s: %(reason)s", requirement=requirement, reason=reason)
