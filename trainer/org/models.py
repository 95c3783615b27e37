"""Nations, units (a tree inside a nation), personnel and their unit history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import Timestamped, Versioned
from trainer.extensions import db


class Nation(db.Model):
    __tablename__ = "nations"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)  # ISO 3166-1 alpha-3
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Nation {self.code}>"


class Unit(Versioned, db.Model):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("nation_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialised path of ids, "/3/17/42/": a subtree is one LIKE on an indexed column.
    path: Mapped[str] = mapped_column(String(400), index=True, default="/")

    nation: Mapped[Nation] = relationship(lazy="joined")
    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")

    def __repr__(self) -> str:
        return f"<Unit {self.nation_code}/{self.code}>"


class Person(Timestamped, Versioned, db.Model):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("nation_code", "service_number"),
        Index("ix_people_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nation_code: Mapped[str] = mapped_column(ForeignKey("nations.code"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_number: Mapped[str] = mapped_column(String(40))
    family_name: Mapped[str] = mapped_column(String(120))
    given_names: Mapped[str] = mapped_column(String(200))
    family_name_latin: Mapped[str] = mapped_column(String(120))
    given_names_latin: Mapped[str] = mapped_column(String(200))
    # given_first or family_first; empty: from the script of the native name (family first for CJK names).
    name_order: Mapped[str | None] = mapped_column(String(16))
    # Lower-case, accent-free text of every name form, for accent- and case-insensitive search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    rank_code: Mapped[str] = mapped_column(String(10))
    national_rank: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    screening: Mapped[str] = mapped_column(String(16), default="pending")
    status: Mapped[str] = mapped_column(String(16), default="active")

    nation: Mapped[Nation] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    assignments: Mapped[list["UnitAssignment"]] = relationship(
        back_populates="person", order_by="UnitAssignment.start_on", cascade="all, delete-orphan")

    @property
    def order(self) -> str:
        """The order this person's names are written in (theirs, or the default of their script)."""
        from trainer.org.names import name_order

        return name_order(self.name_order, self.family_name, self.given_names)

    @property
    def full_name(self) -> str:
        from trainer.org.names import format_name

        return format_name(self.given_names, self.family_name, self.order)

    @property
    def full_name_latin(self) -> str:
        from trainer.org.names import format_name

        return format_name(self.given_names_latin, self.family_name_latin, self.order)

    @property
    def display_name(self) -> str:
        """Native name with the Latin form beside it when they differ."""
        from trainer.org.names import display_name

        return display_name(self.given_names, self.family_name, self.given_names_latin, self.family_name_latin,
                            self.name_order)

    def __repr__(self) -> str:
        return f"<Person {self.nation_code}/{self.service_number}>"


class UnitAssignment(db.Model):
    """Which unit a person belonged to from which date (inclusive) to which (exclusive; open = current)."""

    __tablename__ = "unit_assignments"
    __table_args__ = (
        Index("ix_unit_assignments_unit_dates", "unit_id", "start_on", "end_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[Person] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship(lazy="joined")
