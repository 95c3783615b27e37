"""Readiness records kept beside the engine's tables: deployments and commanders' assessed levels."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


class Level(StrEnum):
    """Readiness level of a unit, always shown with its words, never by colour alone."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def symbol(self) -> str:
        return {"green": "✔", "amber": "▲", "red": "✖"}[self.value]


LEVEL_LABELS = {Level.GREEN: "Ready (green)", Level.AMBER: "Partly ready (amber)", Level.RED: "Not ready (red)"}


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
