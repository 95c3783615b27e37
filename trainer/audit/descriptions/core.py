"""The pieces every description of an audit event is made of.

A description is one translated sentence per action kind. Its values (who, which person, which unit...)
are slots in the sentence: the sentence is translated whole, with each `%(name)s` standing for a value,
and the values are put in afterwards. A value may be a `Ref` (an object's name, linked to its page when
the reader may open it) or a `Phrase` (a translated phrase with values of its own, such as a grant), so
that the same sentence renders as HTML with links on the page and as plain text in the CSV export.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Every slot name a sentence may use, each standing for itself until the values are put in: a sentence is
# translated with `_(..., **SLOTS)` (gettext needs values for its placeholders), then `fill` splits it at
# the slots.
SLOT_NAMES = (
    "actor", "user", "grant", "person", "unit", "nation", "exercise", "certificate", "new", "old", "profile",
    "module", "count", "number", "date", "reason", "role", "before", "after", "fields", "identity", "key",
    "format", "file", "requirement", "deployment", "session", "lesson", "score", "method", "rating", "audience",
    "item", "target", "scale", "code", "level", "computed", "version", "skipped", "status", "milestone",
    "evaluator", "objective", "inject", "issuer", "language", "timezone", "people", "created", "updated",
    "unchanged", "transfers", "modules", "profiles", "changed", "mission", "departure", "return", "observation",
)
SLOTS = {name: f"\x00{name}\x00" for name in SLOT_NAMES}
_SLOT = re.compile(r"\x00(\w+)\x00")


@dataclass
class Ref:
    """An object named in a description: its name, and the page that shows it when the reader may open it."""

    text: str
    endpoint: str | None = None
    values: dict = field(default_factory=dict)

    def html(self) -> Markup:
        if self.endpoint:
            from flask import url_for

            return Markup('<a href="{}">{}</a>').format(url_for(self.endpoint, **self.values), self.text)
        return escape(self.text)

    def plain(self) -> str:
        return self.text


@dataclass
class Phrase:
    """A translated sentence (or part of one) with its values in place."""

    parts: list

    def html(self) -> Markup:
        return Markup("").join(p.html() if isinstance(p, (Ref, Phrase)) else escape(p) for p in self.parts)

    def plain(self) -> str:
        return "".join(p.plain() if isinstance(p, (Ref, Phrase)) else str(p) for p in self.parts)

    def __str__(self) -> str:
        return self.plain()


def fill(template: str, **values) -> Phrase:
    """The translated `template` (made with `**SLOTS`) with each slot replaced by its value."""
    parts, position = [], 0
    for match in _SLOT.finditer(template):
        parts.append(template[position:match.start()])
        value = values[match.group(1)]
        parts.append(value if isinstance(value, (Ref, Phrase)) else str(value if value is not None else ""))
        position = match.end()
    parts.append(template[position:])
    return Phrase([p for p in parts if p != ""])


def join(items: list, separator: str = ", ") -> Phrase:
    """Values one after the other (names in a list), each keeping its link."""
    parts = []
    for index, item in enumerate(items):
        if index:
            parts.append(separator)
        parts.append(item)
    return Phrase(parts)


# --- the registry ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """An action kind: its short name (the filter's choice), the group it is listed under, and the function
    that writes its sentence."""

    action: str
    label: object  # a lazy string
    group: str
    describe: Callable


ACTIONS: dict[str, Kind] = {}


def describes(action: str, label, group: str):
    """Register the function that describes events of `action`."""
    def register(function: Callable) -> Callable:
        if action in ACTIONS:
            raise ValueError(f"{action} is described twice")
        ACTIONS[action] = Kind(action, label, group, function)
        return function
    return register
