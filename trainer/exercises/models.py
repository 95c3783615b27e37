"""Exercises: the record, participating nations and units, objectives, participants, evaluator
assignments, planning milestones and the MSEL (injects).

Modules are referenced by their code string (e.g. "HR-01"), never by foreign key, so that curricula
can change versions without touching exercises.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import Timestamped, UTCDateTime, Versioned, enum_view, utcnow
from trainer.enums import ExerciseType, LabelledEnum, ParticipantRole  # noqa: F401 - ParticipantRole is part of this model's vocabulary
from trainer.exercises.statuses import EDITABLE, ExerciseStatus
from trainer.extensions import db


class ParticipantStatus(LabelledEnum):
    NOMINATED = "nominated", _l("Nominated")
    CONFIRMED = "confirmed", _l("Confirmed")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# Participant statuses that hold a place in the exercise (and so can collide with another exercise).
ACTIVE_PARTICIPANT_STATUSES = (ParticipantStatus.NOMINATED.value, ParticipantStatus.CONFIRMED.value)


class MilestoneKind(LabelledEnum):
    CONCEPT_OBJECTIVES = "concept_objectives", _l("Concept and objectives meeting")
    INITIAL_PLANNING = "initial_planning", _l("Initial planning meeting (IPM)")
    MIDTERM_PLANNING = "midterm_planning", _l("Midterm planning meeting (MPM)")
    FINAL_PLANNING = "final_planning", _l("Final planning meeting (FPM)")


class InjectStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    RELEASED = "released", _l("Released")
    SKIPPED = "skipped", _l("Skipped")


class Exercise(Timestamped, Versioned, db.Model):
    __tablename__ = "exercises"
    __table_args__ = (Index("ix_exercises_start_end", "start_at", "end_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    military_name: Mapped[str | None] = mapped_column(String(10))
    scenario_summary: Mapped[str] = mapped_column(Text, default="")
    lead_nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"), index=True)
    location_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=ExerciseStatus.DRAFT.value, index=True)
    # Prerequisite module codes for players, comma-separated (e.g. "HR-01,PKI-02").
    prerequisite_modules: Mapped[str] = mapped_column(String(400), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lead_nation = relationship("Nation", lazy="joined")
    nations: Mapped[list["ExerciseNation"]] = relationship(back_populates="exercise", cascade="all, delete-orphan",
                                                           order_by="ExerciseNation.nation_code", lazy="selectin")
    units: Mapped[list["ExerciseUnit"]] = relationship(back_populates="exercise", cascade="all, delete-orphan",
                                                       lazy="selectin")
    objectives: Mapped[list["Objective"]] = relationship(back_populates="exercise", cascade="all, delete-orphan",
                                                         order_by="Objective.number")
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="exercise", cascade="all, delete-orphan",
                                                         order_by="Milestone.due_on")

    type_enum = enum_view(ExerciseType, "type")
    status_enum = enum_view(ExerciseStatus, "status")

    @property
    def editable(self) -> bool:
        """Being planned: its record, dates and milestones may still change (the pages offer the forms)."""
        return self.status_enum in EDITABLE

    @property
    def type_label(self) -> str:
        label = self.type_enum.label
        return f"{self.military_name} ({label})" if self.military_name else label

    @property
    def nation_codes(self) -> list[str]:
        return [n.nation_code for n in self.nations]

    @property
    def prerequisite_codes(self) -> list[str]:
        return [c for c in (self.prerequisite_modules or "").split(",") if c]

    def __repr__(self) -> str:
        return f"<Exercise {self.code}>"


class ExerciseNation(db.Model):
    """A nation taking part (the lead nation is always one of them)."""

    __tablename__ = "exercise_nations"
    __table_args__ = (UniqueConstraint("exercise_id", "nation_code"),
                      Index("ix_exercise_nations_nation", "nation_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"))

    exercise: Mapped[Exercise] = relationship(back_populates="nations")
    nation = relationship("Nation", lazy="joined")


class ExerciseUnit(db.Model):
    """A unit committed to the exercise (as training audience or support)."""

    __tablename__ = "exercise_units"
    __table_args__ = (UniqueConstraint("exercise_id", "unit_id"), Index("ix_exercise_units_unit", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    exercise: Mapped[Exercise] = relationship(back_populates="units")
    unit = relationship("Unit", lazy="joined")


class Objective(db.Model):
    __tablename__ = "exercise_objectives"
    __table_args__ = (UniqueConstraint("exercise_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    capability: Mapped[str] = mapped_column(String(200), default="")
    module_code: Mapped[str | None] = mapped_column(String(40))
    rating_scale: Mapped[str] = mapped_column(String(10), default="HSEEP")

    exercise: Mapped[Exercise] = relationship(back_populates="objectives")


class Participant(db.Model):
    __tablename__ = "exercise_participants"
    __table_args__ = (UniqueConstraint("exercise_id", "person_id"),
                      Index("ix_exercise_participants_person_status", "person_id", "status"),
                      Index("ix_exercise_participants_unit", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the person's unit at nomination
    role: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=ParticipantStatus.NOMINATED.value)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exercise: Mapped[Exercise] = relationship()
    person = relationship("Person", lazy="joined")
    unit = relationship("Unit")

    role_enum = enum_view(ParticipantRole, "role")
    status_enum = enum_view(ParticipantStatus, "status")


class EvaluatorAssignment(db.Model):
    """An evaluator (a participant) assigned to an objective, for one player or one unit (or all)."""

    __tablename__ = "evaluator_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("exercise_participants.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("exercise_objectives.id", ondelete="CASCADE"), index=True)
    target_participant_id: Mapped[int | None] = mapped_column(ForeignKey("exercise_participants.id", ondelete="CASCADE"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    evaluator: Mapped[Participant] = relationship(foreign_keys=[participant_id])
    objective: Mapped[Objective] = relationship()
    target_participant: Mapped[Participant | None] = relationship(foreign_keys=[target_participant_id])
    target_unit = relationship("Unit")


class Milestone(db.Model):
    __tablename__ = "exercise_milestones"
    __table_args__ = (UniqueConstraint("exercise_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")

    exercise: Mapped[Exercise] = relationship(back_populates="milestones")

    kind_enum = enum_view(MilestoneKind, "kind")


class InjectObjective(db.Model):
    __tablename__ = "msel_inject_objectives"

    inject_id: Mapped[int] = mapped_column(ForeignKey("msel_injects.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("exercise_objectives.id", ondelete="CASCADE"), primary_key=True)


class Inject(Versioned, db.Model):
    """One event of the master scenario events list. Once released or skipped it is on record and no longer
    changes; before that, each save raises its version."""

    __tablename__ = "msel_injects"
    __table_args__ = (UniqueConstraint("exercise_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    scenario_time: Mapped[str] = mapped_column(String(60), default="")
    planned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    from_text: Mapped[str] = mapped_column(String(200), default="")
    to_type: Mapped[str] = mapped_column(String(10))  # nation | unit | person
    to_nation_code: Mapped[str | None] = mapped_column(ForeignKey("nations.code"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    to_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    method: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text)
    expected_action: Mapped[str] = mapped_column(Text, default="")
    contingency: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=InjectStatus.PLANNED.value)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # added to rows that existed before it

    exercise: Mapped[Exercise] = relationship()
    to_unit = relationship("Unit", lazy="joined")
    to_person = relationship("Person", lazy="joined")
    objectives: Mapped[list[Objective]] = relationship(secondary="msel_inject_objectives", order_by="Objective.number",
                                                      lazy="selectin")

    status_enum = enum_view(InjectStatus, "status")

    @property
    def to_label(self) -> str:
        if self.to_type == "unit" and self.to_unit is not None:
            return f"{self.to_unit.code} ({self.to_unit.nation_code})"
        if self.to_type == "person" and self.to_person is not None:
            return f"{self.to_person.rank_code} {self.to_person.full_name_latin} ({self.to_person.nation_code})"
        return self.to_nation_code or ""

    @property
    def to_ref(self) -> str:
        """The 'to' cell of the CSV format: NPL, NPL:UNIT-CODE or NPL:SERVICE-NUMBER."""
        if self.to_type == "unit" and self.to_unit is not None:
            return f"{self.to_unit.nation_code}:{self.to_unit.code}"
        if self.to_type == "person" and self.to_person is not None:
            return f"{self.to_person.nation_code}:{self.to_person.service_number}"
        return self.to_nation_code or ""
