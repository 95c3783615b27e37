"""Readiness: validity intervals kept exact on every change, exercise credits and waivers; deployments and
commanders' assessed levels."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


class ReadinessInterval(db.Model):
    """One stretch of dates (inclusive) during which one requirement of one person is covered.

    Rebuilt for a person whenever their completions or waivers change (see intervals.py), so that
    "is X covered on date D" is a single indexed range query for any number of people.
    """

    __tablename__ = "readiness_intervals"
    __table_args__ = (
        Index("ix_readiness_intervals_person_req", "person_id", "requirement", "start_on"),
        Index("ix_readiness_intervals_req_dates", "requirement", "start_on", "end_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    requirement: Mapped[str] = mapped_column(String(40))  # a module code
    basis: Mapped[str] = mapped_column(String(16))        # completion | waiver
    source_id: Mapped[int] = mapped_column()
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)
    # Why the interval ends before the evidence's own expiry: "superseded" when a new major version
    # of the module requires retraining.
    cut: Mapped[str | None] = mapped_column(String(16))
    module_version: Mapped[str | None] = mapped_column(String(16))
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)


class ReadinessState(db.Model):
    """A stretch of dates (inclusive) over which one person's readiness for one profile stays the same, screening
    apart (screening is read live from the person): ready or not, the last day the evidence holds, and what is
    missing. Kept exact with the validity intervals (see states.py), so that the figures of a whole force on
    any date are one indexed lookup per person. Stretches in the state "nothing recorded" are not stored.
    """

    __tablename__ = "readiness_states"
    __table_args__ = (
        # A person's stretch covering a date: the first ending on or after it.
        Index("ix_readiness_states_lookup", "profile_code", "person_id", "end_on"),
        # The ready stretches of a profile on a date (few beside the rest): counts of whole forces.
        Index("ix_readiness_states_ready", "profile_code", "ready", "end_on"),
        # The stretches of a profile covering a day, with what a whole force's count of gaps reads from them (an
        # index-only scan instead of a pass over every profile's stretches).
        Index("ix_readiness_states_covering", "profile_code", "end_on", "start_on", "person_id", "gaps"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    profile_code: Mapped[str] = mapped_column(String(40))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)
    ready: Mapped[bool] = mapped_column()
    valid_until: Mapped[dt.date | None] = mapped_column(Date)  # when ready: the earliest end of the evidence
    # One letter per requirement in the profile's order (modules, then exercise): "." met or waived, "m" missing,
    # "x" expired, "s" superseded by a new major version (states.LETTERS).
    gaps: Mapped[str] = mapped_column(String(200), default="")


class FiguresVersion(db.Model):
    """One counter, bumped in the same transaction as any change that can move readiness figures (completions,
    waivers, credits, postings, people, units, profiles and their assignments: readiness.listeners). Cached
    figures are served only while it has not moved since they were computed."""

    __tablename__ = "readiness_figures_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Moved by a change no unit can be named for (a profile, a module's new major version, a bulk statement):
    # every unit's stored figures (StoredUnitFigures) are then computed again.
    epoch: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UnitVersion(db.Model):
    """A counter per unit, moved in the same transaction as any change to the readiness of the people posted
    there (readiness.listeners). No foreign key: a unit's counter outlives the unit, so a unit id used again never
    meets figures stored for the old one."""

    __tablename__ = "readiness_unit_versions"  # half of each page left free on PostgreSQL (migration 0018)

    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


class StoredUnitFigures(db.Model):
    """One unit's own figures for one profile on the dates asked for so far (readiness.unit_figures): valid while
    the unit's counter and the epoch are those they were computed at."""

    __tablename__ = "readiness_unit_figures"  # half of each page left free on PostgreSQL (migration 0018)

    profile_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    epoch: Mapped[int] = mapped_column(BigInteger)
    stamp: Mapped[int] = mapped_column(BigInteger)  # new at every write: an app server re-reads what it has not parsed
    figures: Mapped[str] = mapped_column(Text)


class CachedFigures(db.Model):
    """The figures of one readiness page (a scope, a profile, its dates; readiness.figures_cache), computed at
    `version` of the counter above. In the database, so that every app server shares them."""

    __tablename__ = "readiness_figures"  # figures compressed with LZ4 on PostgreSQL: see LZ4_COLUMNS

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    figures: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# Columns compressed with LZ4 on a PostgreSQL server that has it (migration 0018; again after a restore, since a
# backup leaves compression out so that it restores on a server without LZ4): a whole mission's cached figures,
# written by the first view after every change, in 1 ms rather than 4 to 5 with the default.
LZ4_COLUMNS = ((CachedFigures.__tablename__, "figures"),)


class ExerciseCredit(db.Model):
    """An adjudicated P or S in an exercise, credited to a player (or each confirmed player of a unit)."""

    __tablename__ = "exercise_credits"
    __table_args__ = (
        UniqueConstraint("person_id", "exercise_id", "objective_id"),
        Index("ix_exercise_credits_person_ended", "person_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    exercise_id: Mapped[int] = mapped_column()
    objective_id: Mapped[int] = mapped_column()
    exercise_code: Mapped[str] = mapped_column(String(40))
    exercise_title: Mapped[str] = mapped_column(String(300))
    exercise_type: Mapped[str] = mapped_column(String(20))
    rating: Mapped[str] = mapped_column(String(1))
    ended_on: Mapped[dt.date] = mapped_column(Date)
    adjudication_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Waiver(db.Model):
    """One requirement of one person waived by a commander in scope, with authority, reason and expiry."""

    __tablename__ = "waivers"
    __table_args__ = (Index("ix_waivers_person_req", "person_id", "requirement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    requirement: Mapped[str] = mapped_column(String(40))  # a module code, or "exercise"
    authority: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    granted_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    person = relationship("Person")

class Level(StrEnum):
    """Readiness level of a unit, always shown with its words, never by colour alone."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])

    @property
    def symbol(self) -> str:
        return {"green": "✔", "amber": "▲", "red": "✖"}[self.value]


LEVEL_LABELS = {Level.GREEN: _l("Ready (green)"), Level.AMBER: _l("Partly ready (amber)"), Level.RED: _l("Not ready (red)")}


@dataclass(frozen=True)
class Thresholds:
    """The percentages ready at which a unit is green and amber (below amber: red), from configuration."""
    green: float = 90
    amber: float = 70

    def level(self, percent: float | None) -> Level | None:
        if percent is None:
            return None
        if percent >= self.green:
            return Level.GREEN
        if percent >= self.amber:
            return Level.AMBER
        return Level.RED

    @classmethod
    def from_config(cls, config) -> "Thresholds":
        return cls(config["READINESS_GREEN"], config["READINESS_AMBER"])


DEFAULT_THRESHOLDS = Thresholds()


class Deployment(db.Model):
    """A mission rotation: departure and return dates and the people going, from one or more units of a nation."""

    __tablename__ = "deployments"
    __table_args__ = (Index("ix_deployments_nation_departure", "nation_code", "departure_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission: Mapped[str] = mapped_column(String(200))
    nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"))
    profile_code: Mapped[str] = mapped_column(String(80))
    departure_on: Mapped[dt.date] = mapped_column(Date)
    return_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["DeploymentMember"]] = relationship(back_populates="deployment", cascade="all, delete-orphan")
    units: Mapped[list["DeploymentUnit"]] = relationship(back_populates="deployment", cascade="all, delete-orphan",
                                                         lazy="selectin")


class DeploymentUnit(db.Model):
    __tablename__ = "deployment_units"
    __table_args__ = (UniqueConstraint("deployment_id", "unit_id"), Index("ix_deployment_units_unit", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    deployment: Mapped[Deployment] = relationship(back_populates="units")
    unit = relationship("Unit", lazy="joined")


class DeploymentMember(db.Model):
    __tablename__ = "deployment_members"
    __table_args__ = (UniqueConstraint("deployment_id", "person_id"), Index("ix_deployment_members_person", "person_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the unit they go from

    deployment: Mapped[Deployment] = relationship(back_populates="members")


class AssessedLevel(db.Model):
    """A commander's assessed readiness level for a unit beside the computed one. Append-only: the history."""

    __tablename__ = "assessed_levels"
    __table_args__ = (Index("ix_assessed_levels_unit_profile", "unit_id", "profile_code", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    profile_code: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[dt.date] = mapped_column(Date)
    computed_level: Mapped[str] = mapped_column(String(8))
    computed_percent: Mapped[int] = mapped_column()
    assessed_level: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessed_by = relationship("User", lazy="joined")

    @property
    def computed(self) -> Level:
        return Level(self.computed_level)

    @property
    def assessed(self) -> Level:
        return Level(self.assessed_level)
