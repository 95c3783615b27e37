"""The statuses an exercise goes through (the workflow's vocabulary). Pure module: no Flask, no database
(the labels are lazy strings, read in the reader's language when shown, in English outside an application)."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ExerciseStatus(StrEnum):
    DRAFT = "draft"
    PLANNING = "planning"
    APPROVED = "approved"
    IN_CONDUCT = "in_conduct"
    ENDEX = "endex"
    AAR_DRAFT = "aar_draft"
    AAR_PUBLISHED = "aar_published"
    CLOSED = "closed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ExerciseStatus.DRAFT: _l("Draft"),
    ExerciseStatus.PLANNING: _l("Planning"),
    ExerciseStatus.APPROVED: _l("Approved"),
    ExerciseStatus.IN_CONDUCT: _l("In conduct"),
    ExerciseStatus.ENDEX: _l("ENDEX"),
    ExerciseStatus.AAR_DRAFT: _l("AAR draft"),
    ExerciseStatus.AAR_PUBLISHED: _l("AAR published"),
    ExerciseStatus.CLOSED: _l("Closed"),
    ExerciseStatus.POSTPONED: _l("Postponed"),
    ExerciseStatus.CANCELLED: _l("Cancelled"),
}
