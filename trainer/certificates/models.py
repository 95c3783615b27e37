"""Certificates (append-only signed snapshots), their status history, bulk-issue batches, and what each
holder chose to show of themselves in their Open Badges."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.value])


# What a person reads for each status, in the page's language.
STATUS_LABELS = {"valid": _l("Valid"), "expired": _l("Expired"), "superseded": _l("Superseded"),
                 "suspended": _l("Suspended"), "revoked": _l("Revoked")}


class Certificate(db.Model):
    """A signed snapshot of every fact certified. The payload is never edited: a change of status
    is a CertificateStatusEvent, and re-certification is a new certificate pointing at this one."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_person_profile", "person_id", "profile_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    profile_code: Mapped[str] = mapped_column(String(60))
    # The canonical JSON exactly as signed (text, so that its bytes are kept as they were signed).
    payload: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(120))  # base64url Ed25519 signature
    key_id: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_batches.id"), index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last status recorded in the history (expiry is computed from the date, never recorded).
    recorded_status: Mapped[str] = mapped_column(String(16), default=CertificateStatus.VALID.value)
    # The certificate's entry in the published Open Badges status lists (list status_index // 131072 + 1,
    # entry status_index % 131072), drawn at random at issue so that a position tells nothing of the order
    # or the number of certificates issued. Every certificate has one (the migration that added the column
    # gave existing certificates theirs); the column stays nullable because SQLite can make an existing
    # column NOT NULL only by rebuilding the table, which the rows that refer to certificates forbid.
    status_index: Mapped[int | None] = mapped_column(unique=True, index=True)

    person = relationship("Person", lazy="joined")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    supersedes: Mapped["Certificate | None"] = relationship(remote_side=[id], foreign_keys=[supersedes_id])
    events: Mapped[list["CertificateStatusEvent"]] = relationship(
        back_populates="certificate", order_by="CertificateStatusEvent.id")

    def __repr__(self) -> str:
        return f"<Certificate {self.serial}>"


class CertificateStatusEvent(db.Model):
    """One change of a certificate's status, in order. Rows are only ever added."""

    __tablename__ = "certificate_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    certificate: Mapped[Certificate] = relationship(back_populates="events")
    actor = relationship("User")


class CertificateBatch(db.Model):
    """A bulk issue for one unit: who got a certificate, who was skipped and why, and how far the
    rendering of the download has come (so a progress page can poll it)."""

    __tablename__ = "certificate_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    profile_code: Mapped[str] = mapped_column(String(60))
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    total: Mapped[int] = mapped_column(default=0)
    rendered: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[list] = mapped_column(JSON, default=list)  # [{person_id, name, reasons: [...]}] (skip_reasons)

    unit = relationship("Unit", lazy="joined")
    created_by = relationship("User")


class OpenBadgeChoice(db.Model):
    """Whether a person's Open Badges (the OB 3.0 exports of their certificates) carry their printed name.
    Without a row they do; only the person themselves changes it, for all their certificates at once."""

    __tablename__ = "open_badge_choices"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    include_name: Mapped[bool] = mapped_column(default=True)
    chosen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
