"""What each audit event means, in a sentence of the reader's language: "Mission Administrator granted
commander of Nepal to Maj. Asha Karki". One function per action kind (the modules below, by domain)
writes the sentence from the event's recorded details; the objects it names link to their pages.

An action kind without a description (recorded by code newer than this list) still reads as a sentence
naming who did what to which object, and tests/audit fail until it has its own.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l

from trainer.audit.descriptions.core import ACTIONS, SLOTS, Kind, Phrase, Ref, fill
from trainer.audit.descriptions.names import Names

log = logging.getLogger("trainer.audit")

GROUPS = {
    "sign_in": _l("Signing in"),
    "accounts": _l("Accounts"),
    "organisation": _l("Organisation and personnel"),
    "curricula": _l("Curricula"),
    "training": _l("Training"),
    "exercises": _l("Exercises"),
    "assessments": _l("Assessments"),
    "readiness": _l("Readiness"),
    "certificates": _l("Certificates"),
    "system": _l("System"),
}


class Event:
    """One audit event as a description reads it: its details and the names of what it mentions."""

    def __init__(self, row, names: Names):
        self.row = row
        self.names = names
        try:
            details = json.loads(row.details or "{}")
        except ValueError:
            details = {}
        self.details = details if isinstance(details, dict) else {}

    # the recorded details
    @property
    def before(self):
        return self.details.get("before") if self.details.get("before") is not None else {}

    @property
    def after(self):
        return self.details.get("after") if self.details.get("after") is not None else {}

    def value(self, key: str, default=None):
        """A detail recorded after the change (or, failing that, beside it or before it)."""
        for part in (self.after, self.details, self.before):
            if isinstance(part, dict) and part.get(key) is not None:
                return part[key]
        return default

    @property
    def object_id(self) -> str:
        return self.row.object_id

    # who and what
    @property
    def actor(self) -> Ref:
        if self.row.actor_id is None:
            return Ref(_("The system"))
        return self.names.ref("user", self.row.actor_id, fallback=self.row.actor_name)

    def ref(self, kind: str, key, fallback: str | None = None) -> Ref:
        return self.names.ref(kind, key, fallback)

    def subject(self, kind: str) -> Ref:
        """The event's own object."""
        return self.names.ref(kind, self.row.object_id)

    # values as the reader writes them
    @staticmethod
    def date(value) -> str:
        from trainer.templating import format_date

        try:
            return format_date(dt.date.fromisoformat(str(value)[:10]))
        except (TypeError, ValueError):
            return str(value or "")

    @staticmethod
    def number(value) -> str:
        try:
            return format_decimal(value)
        except (TypeError, ValueError, ArithmeticError):
            return str(value)

    @staticmethod
    def count_of(value) -> int:
        if isinstance(value, (list, tuple, dict)):
            return len(value)
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return 0


@dataclass
class Described:
    event: object  # the AuditEvent row
    sentence: Phrase
    kind: Kind | None

    @property
    def label(self) -> str:
        return str(self.kind.label) if self.kind else self.event.action

    @property
    def details(self) -> str:
        """The recorded details, laid out for reading (the stored text is one line of canonical JSON)."""
        try:
            return json.dumps(json.loads(self.event.details or "{}"), indent=2, ensure_ascii=False, sort_keys=True)
        except ValueError:
            return self.event.details or ""


def kind_of(action: str) -> Kind | None:
    _load_describers()
    return ACTIONS.get(action)


def generic(e: Event) -> Phrase:
    """An action kind without a description of its own."""
    target = Ref(f"{e.row.object_type} {e.row.object_id}".strip()) if e.row.object_type else Ref("—")
    return fill(_("%(actor)s: %(code)s on %(target)s.", **SLOTS), actor=e.actor, code=e.row.action, target=target)


def _sentence(row, names: Names) -> Phrase:
    kind = ACTIONS.get(row.action)
    event = Event(row, names)
    if kind is None:
        return generic(event)
    try:
        return kind.describe(event)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("audit event %s (%s) could not be described", row.seq, row.action, exc_info=True)
        return generic(event)


def describe_events(viewer, rows) -> list[Described]:
    """A sentence for each event, in the reader's language, naming (and linking) what the reader may open."""
    _load_describers()
    names = Names(viewer)
    for row in rows:
        _sentence(row, names)  # the first pass only says which names are needed
    names.load()
    return [Described(row, _sentence(row, names), ACTIONS.get(row.action)) for row in rows]


def action_groups(actions) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The given action kinds grouped for the filter: (group key, group label, [(action, label)])."""
    _load_describers()
    grouped: dict[str, list] = {}
    for action in actions:
        kind = ACTIONS.get(action)
        grouped.setdefault(kind.group if kind else "system", []).append((action, str(kind.label) if kind else action))
    return [(key, str(GROUPS[key]), sorted(grouped[key], key=lambda a: a[1].casefold()))
            for key in GROUPS if key in grouped]


def actions_in_group(group: str) -> list[str]:
    _load_describers()
    return sorted(action for action, kind in ACTIONS.items() if kind.group == group)


def _load_describers() -> None:
    from trainer.audit.descriptions import (accounts, api_tokens, assessments, certificates, curricula,  # noqa: F401
                                            exercises, organisation, readiness, training)
