"""Curriculum packs, module versions with their lessons and question banks, and readiness profiles.

A module is identified by code and version; each imported version is its own row and is never
changed afterwards (its content hash proves it). The newest version of a code is marked current.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


def pick(text: dict | str | None, language: str | None = "en") -> str:
    """The text in the reader's language, English when the pack has no translation."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language or "en") or text.get("en") or ""


class Pack(db.Model):
    __tablename__ = "packs"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    module_codes: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        Index("ix_modules_code_current", "code", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(10))
    major: Mapped[int] = mapped_column()
    minor: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    pack_code: Mapped[str] = mapped_column(String(20))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    audience: Mapped[list] = mapped_column(JSON)
    validity_months: Mapped[int] = mapped_column()
    pass_mark: Mapped[int] = mapped_column()
    questions_per_attempt: Mapped[int] = mapped_column()
    retrain_on_major: Mapped[bool] = mapped_column()
    prerequisites: Mapped[list] = mapped_column(JSON, default=list)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=True)

    lessons: Mapped[list["Lesson"]] = relationship(back_populates="module", order_by="Lesson.position",
                                                   cascade="all, delete-orphan")
    questions: Mapped[list["Question"]] = relationship(back_populates="module", order_by="Question.id",
                                                       cascade="all, delete-orphan")

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    def __repr__(self) -> str:
        return f"<Module {self.code} {self.version}>"


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[dict] = mapped_column(JSON)
    minutes: Mapped[int] = mapped_column()
    body_en: Mapped[str] = mapped_column(Text)
    body_fr: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON, default=list)  # [{"id": "S3", "text": "..."}]

    module: Mapped[Module] = relationship(back_populates="lessons")

    def body(self, language: str | None) -> str:
        return self.body_fr if language == "fr" and self.body_fr else self.body_en


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    stem: Mapped[dict] = mapped_column(JSON)
    options: Mapped[list] = mapped_column(JSON)  # four text mappings, in the order written
    correct: Mapped[int] = mapped_column()       # 0..3 in that order
    explanation: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300))
    must_pass: Mapped[bool] = mapped_column(default=False)

    module: Mapped[Module] = relationship(back_populates="questions")


class ReadinessProfile(db.Model):
    __tablename__ = "readiness_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[str | None] = mapped_column(String(16))
    required_modules: Mapped[list] = mapped_column(JSON, default=list)
    exercise_types: Mapped[list] = mapped_column(JSON, default=list)
    exercise_within_months: Mapped[int | None] = mapped_column()
    exercise_min_outcome: Mapped[str | None] = mapped_column(String(1))  # 'P' or 'S'
    screening_required: Mapped[bool] = mapped_column(default=True)
    warning_days: Mapped[int] = mapped_column(default=60)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ReadinessProfile {self.code}>"
