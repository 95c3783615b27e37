"""Assessments: observations, P/S/M/U ratings, adjudications (all append-only), the after-action
report and the improvement plan.

Observations, ratings and adjudications are never edited or deleted: an amendment is a new row whose
`supersedes_id` points at the row it replaces, with a reason. `supersedes_id` is unique, so two
amendments of the same row cannot both land; the database refuses UPDATE and DELETE on these tables
(triggers created by the migration). A `submission_key`, generated in the browser form, makes a
retried POST land once.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from trainer.db import UTCDateTime, Versioned, enum_view, utcnow
from trainer.enums import LabelledEnum, Rating
from trainer.extensions import db


class ObservationKind(LabelledEnum):
    STRENGTH = "strength", _l("Strength")
    IMPROVEMENT = "improvement", _l("Area for improvement")


class ImprovementStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    IN_PROGRESS = "in_progress", _l("In progress")
    COMPLETED = "completed", _l("Completed")
    VALIDATED = "validated", _l("Validated")


class _Record:
    """What observations, ratings and adjudications share: the objective of an exercise they are about, their
    training audience (one player, a participant, or one unit), the row an amendment supersedes with its
    reason, and the key that makes a retried submission land once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    objective_id: Mapped[int] = mapped_column(ForeignKey("exercise_objectives.id"))
    target_participant_id: Mapped[int | None] = mapped_column(ForeignKey("exercise_participants.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)

    @declared_attr
    def supersedes_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"), nullable=True, unique=True)

    @declared_attr
    def target_participant(cls):
        return relationship("Participant", foreign_keys=[cls.target_participant_id], lazy="joined")

    @declared_attr
    def target_unit(cls):
        return relationship("Unit", lazy="joined")

    @declared_attr
    def objective(cls):
        return relationship("Objective")

    @property
    def audience_key(self) -> str:
        return f"p{self.target_participant_id}" if self.target_participant_id else f"u{self.target_unit_id}"

    @property
    def audience_label(self) -> str:
        if self.target_participant_id and self.target_participant is not None:
            person = self.target_participant.person
            return f"{person.rank_code} {person.full_name_latin} ({person.nation_code})"
        if self.target_unit is not None:
            return f"{self.target_unit.code} — {self.target_unit.name} ({self.target_unit.nation_code})"
        return ""


class _EvaluatorRecord(_Record):
    """An observation or a rating: made by one evaluator, recorded by a user (the evaluator or someone on their
    behalf)."""

    evaluator_id: Mapped[int] = mapped_column(ForeignKey("exercise_participants.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def evaluator(cls):
        return relationship("Participant", foreign_keys=[cls.evaluator_id], lazy="joined")

    @declared_attr
    def recorded_by(cls):
        return relationship("User")


class Observation(_EvaluatorRecord, db.Model):
    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_exercise_objective", "exercise_id", "objective_id"),)

    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    narrative: Mapped[str] = mapped_column(Text)

    kind_enum = enum_view(ObservationKind, "kind")


class RatingRecord(_EvaluatorRecord, db.Model):
    """One evaluator's P/S/M/U rating of one objective for one player or unit."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_exercise_objective", "exercise_id", "objective_id"),)

    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observations.id"))
    rating: Mapped[str] = mapped_column(String(1))
    narrative: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    observation = relationship("Observation")

    rating_enum = enum_view(Rating, "rating")


class Adjudication(_Record, db.Model):
    """The final rating of one objective for one player or unit, chosen (never averaged) with a rationale.

    `audience` is "p<participant id>" or "u<unit id>"; only one first adjudication (one that
    supersedes nothing) may exist per objective and audience, so two first adjudications made at
    once cannot both land.
    """

    __tablename__ = "adjudications"
    __table_args__ = (
        Index("ix_adjudications_exercise_objective", "exercise_id", "objective_id"),
        Index("uq_adjudications_first", "objective_id", "audience", unique=True,
              sqlite_where=text("supersedes_id IS NULL"), postgresql_where=text("supersedes_id IS NULL")),
    )

    audience: Mapped[str] = mapped_column(String(24))
    rating: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(Text)
    adjudicated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    adjudicated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    adjudicated_by = relationship("User")

    rating_enum = enum_view(Rating, "rating")


class AfterActionReport(Versioned, db.Model):
    """The editable parts of an AAR (the rest is generated from the record). Changed with a version check."""

    __tablename__ = "after_action_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"), unique=True)
    executive_summary: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImprovementItem(Versioned, db.Model):
    """One row of the improvement plan: a finding and its corrective action, tracked across exercises."""

    __tablename__ = "improvement_items"
    __table_args__ = (Index("ix_improvement_items_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"), index=True)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("exercise_objectives.id"))
    finding: Mapped[str] = mapped_column(Text)
    corrective_action: Mapped[str] = mapped_column(Text)
    owner_nation_code: Mapped[str | None] = mapped_column(ForeignKey("nations.code"))
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    point_of_contact: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ImprovementStatus.OPEN.value)
    # When validated: the later adjudication (P or S on the same capability or module) that proves it.
    validated_by_adjudication_id: Mapped[int | None] = mapped_column(ForeignKey("adjudications.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    exercise = relationship("Exercise")
    objective = relationship("Objective")
    owner_unit = relationship("Unit")
    owner_nation = relationship("Nation")
    validated_by = relationship("Adjudication")

    status_enum = enum_view(ImprovementStatus, "status")

    @property
    def owner_label(self) -> str:
        if self.owner_unit is not None:
            return f"{self.owner_unit.code} ({self.owner_unit.nation_code})"
        return self.owner_nation_code or ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in (ImprovementStatus.OPEN.value, ImprovementStatus.IN_PROGRESS.value) and self.due_on < today
