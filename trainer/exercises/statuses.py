"""The statuses an exercise goes through (the workflow's vocabulary). Pure module: no Flask, no database
(the labels are lazy strings, read in the reader's language when shown, in English outside an application)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.enums import LabelledEnum


class ExerciseStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PLANNING = "planning", _l("Planning")
    APPROVED = "approved", _l("Approved")
    IN_CONDUCT = "in_conduct", _l("In conduct")
    ENDEX = "endex", _l("ENDEX")
    AAR_DRAFT = "aar_draft", _l("AAR draft")
    AAR_PUBLISHED = "aar_published", _l("AAR published")
    CLOSED = "closed", _l("Closed")
    POSTPONED = "postponed", _l("Postponed")
    CANCELLED = "cancelled", _l("Cancelled")


# An exercise being planned: its record, dates and planning milestones may change.
EDITABLE = frozenset({ExerciseStatus.DRAFT, ExerciseStatus.PLANNING, ExerciseStatus.APPROVED, ExerciseStatus.POSTPONED})

# An exercise whose after-action report is published, that is closed or that was cancelled is a record: its MSEL,
# its participants and its evaluators' assignments no longer change.
FINISHED = frozenset({ExerciseStatus.AAR_PUBLISHED, ExerciseStatus.CLOSED, ExerciseStatus.CANCELLED})
