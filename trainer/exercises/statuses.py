"""The statuses an exercise goes through (the workflow's vocabulary). Pure module: no Flask, no database."""
from __future__ import annotations

from enum import StrEnum


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
        return {"in_conduct": "In conduct", "endex": "ENDEX", "aar_draft": "AAR draft",
                "aar_published": "AAR published"}.get(self.value, self.value.capitalize())
