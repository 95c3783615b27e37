"""Assignments, lesson progress, knowledge-check attempts, classroom sessions and completions.

Completions are append-only: a newer completion of the same module by the same person points at
the one it supersedes (`supersedes_id` is unique, so two cannot both supersede the same row).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


class Method:
    ONLINE = "online"
    CLASSROOM = "classroom"
    RECOGNISED = "recognised"
    ALL = ("online", "classroom", "recognised")
    # Lazy: each reader sees them in their own language.
    LABELS = {"online": _l("Online knowledge check"), "classroom": _l("Classroom session"),
              "recognised": _l("Recognised prior learning")}


class Completion(db.Model):
    __tablename__ = "completions"
    __table_args__ = (
        Index("ix_completions_person_code", "person_id", "module_code"),
        Index("ix_completions_module_valid", "module_code", "valid_until"),
        CheckConstraint("method IN ('online', 'classroom', 'recognised')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    module_code: Mapped[str] = mapped_column(String(10))
    module_version: Mapped[str] = mapped_column(String(10))
    module_major: Mapped[int] = mapped_column()
    method: Mapped[str] = mapped_column(String(12))
    score: Mapped[int | None] = mapped_column()
    completed_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("classroom_sessions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("completions.id"), unique=True)

    person = relationship("Person", lazy="joined")
    module = relationship("Module")
    recorded_by = relationship("User")
    supersedes = relationship("Completion", remote_side=[id], foreign_keys=[supersedes_id])

    def __repr__(self) -> str:
        return f"<Completion {self.person_id} {self.module_code} {self.module_version} {self.completed_on}>"


class _Assignment:
    """What module and profile assignments share: a target (a person or a unit), a due date, who
    assigned it, and its withdrawal (withdrawn assignments are kept but no longer apply). Each kind names
    its `kind`, and holds the code assigned in `<kind>_code`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def person(cls):
        return relationship("Person")

    @declared_attr
    def unit(cls):
        return relationship("Unit")

    @declared_attr
    def assigned_by(cls):
        return relationship("User", foreign_keys=[cls.assigned_by_id])

    @declared_attr
    def withdrawn_by(cls):
        return relationship("User", foreign_keys=[cls.withdrawn_by_id])

    @declared_attr.directive
    def __table_args__(cls):
        return (CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_target"),
                Index(f"ix_{cls.__tablename__}_code", f"{cls.kind}_code"))

    @property
    def code(self) -> str:
        """The module or profile code assigned."""
        return getattr(self, f"{self.kind}_code")


class ModuleAssignment(_Assignment, db.Model):
    __tablename__ = "module_assignments"
    kind = "module"

    module_code: Mapped[str] = mapped_column(String(10))


class ProfileAssignment(_Assignment, db.Model):
    __tablename__ = "profile_assignments"
    kind = "profile"

    profile_code: Mapped[str] = mapped_column(String(40))


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("person_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    module_code: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Attempt(db.Model):
    """A knowledge check. `drawn` fixes the questions and the order of their options when it starts:
    [{"question_id": 12, "order": [2, 0, 3, 1]}, ...] where order[k] is the written option shown k-th."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_person_started", "person_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    module_code: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn: Mapped[list] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict | None] = mapped_column(JSON)   # {question_id: shown position chosen}
    score: Mapped[int | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    completion_id: Mapped[int | None] = mapped_column(ForeignKey("completions.id"))

    module = relationship("Module")
    person = relationship("Person")

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None


class ClassroomSession(db.Model):
    __tablename__ = "classroom_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the unit whose people attend
    held_on: Mapped[dt.date] = mapped_column(Date)
    instructor: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    module = relationship("Module")
    unit = relationship("Unit")
    attendance: Mapped[list["SessionAttendance"]] = relationship(back_populates="session",
                                                                 order_by="SessionAttendance.id")


class SessionAttendance(db.Model):
    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("classroom_sessions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    result: Mapped[str] = mapped_column(String(10))  # passed | failed | absent
    score: Mapped[int | None] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text, default="")
    completion_id: Mapped[int | None] = mapped_column(ForeignKey("completions.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[ClassroomSession] = relationship(back_populates="attendance")
    person = relationship("Person")
