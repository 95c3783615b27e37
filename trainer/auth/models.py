"""Users, their grants (role + scope), and login attempts for throttling."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from trainer.db import UTCDateTime, enum_view, utcnow
from trainer.enums import Role, ScopeKind
from trainer.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(5), default="en")
    disabled: Mapped[bool] = mapped_column(default=False)
    # Bumped on logout, password change, grant change and disable: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Secret for the personal calendar feed; replaced to revoke the old feed URL.
    calendar_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list["Grant"]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                 order_by="Grant.id", lazy="selectin")
    person = relationship("Person", foreign_keys=[person_id])

    def get_id(self) -> str:
        # The session remembers the version it was issued for; a bumped version ends it.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def roles(self) -> set[Role]:
        return {Role(g.role) for g in self.grants}

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {Role(r) for r in roles}
        return bool(self.roles & wanted)

    def grants_for(self, *roles: Role | str) -> list["Grant"]:
        wanted = {Role(r) for r in roles}
        return [g for g in self.grants if Role(g.role) in wanted]

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Grant(db.Model):
    """A role held over a scope: mission, a nation, a unit subtree, the user's own person, or their exercises."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    scope_kind: Mapped[str] = mapped_column(String(16))
    nation_code: Mapped[str | None] = mapped_column(ForeignKey("nations.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    user: Mapped[User] = relationship(back_populates="grants")
    unit = relationship("Unit", lazy="joined")

    role_enum = enum_view(Role, "role")
    scope_enum = enum_view(ScopeKind, "scope_kind")

    def describe(self) -> str:
        """The grant in words, in the reader's language."""
        role = Role(self.role).label
        kind = ScopeKind(self.scope_kind)
        if kind is ScopeKind.MISSION:
            return _("%(role)s — whole mission", role=role)
        if kind is ScopeKind.NATION:
            return _("%(role)s — nation %(code)s", role=role, code=self.nation_code)
        if kind is ScopeKind.UNIT:
            return _("%(role)s — unit %(code)s (%(nation)s) and sub-units", role=role,
                     code=self.unit.code if self.unit else self.unit_id, nation=self.unit.nation_code if self.unit else "")
        if kind is ScopeKind.SELF:
            return _("%(role)s — own record", role=role)
        return _("%(role)s — assigned exercises", role=role)

    def record(self) -> dict:
        """The grant as the audit log keeps it: stored values, in no particular language."""
        values = {"role": self.role, "scope": self.scope_kind}
        if self.nation_code:
            values["nation"] = self.nation_code
        if self.unit_id:
            values["unit"] = self.unit_id
            if self.unit is not None:
                values["unit_code"] = self.unit.code
        return values


class IdentityLink(db.Model):
    """An account's link to a person at the OpenID Connect provider, made by an administrator: the
    provider's subject for that person, or, until their first sign-in through the provider, the value of
    the matching claim (e.g. their preferred_username); that sign-in then records the subject, and from
    then on only the subject counts."""

    __tablename__ = "identity_links"
    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        UniqueConstraint("issuer", "claim", "claim_value"),
        UniqueConstraint("user_id", "issuer"),
        CheckConstraint("subject IS NOT NULL OR claim_value IS NOT NULL", name="subject_or_claim"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(255))
    claim: Mapped[str | None] = mapped_column(String(64))
    claim_value: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def describe(self) -> str:
        """The link in words, in the reader's language."""
        if self.subject:
            return _("subject %(subject)s at %(issuer)s", subject=self.subject, issuer=self.issuer)
        return _("%(claim)s %(value)s at %(issuer)s (the subject is recorded at the first sign-in)",
                 claim=self.claim, value=self.claim_value, issuer=self.issuer)

    def record(self) -> dict:
        """The link as the audit log keeps it."""
        values = {"issuer": self.issuer}
        if self.subject:
            values["subject"] = self.subject
        else:
            values.update(claim=self.claim, value=self.claim_value)
        return values


class LoginAttempt(db.Model):
    """A failed sign-in, kept for throttling per account name and per client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "attempted_at"),
        Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateEvent(db.Model):
    """A hit on a rate-limited public endpoint (kept in the database so every worker sees it)."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(db.Model):
    """An in-app message (reminders, nominations waiting, overdue items)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # A key that makes the same reminder idempotent (e.g. "expiry:90:completion:123").
    dedupe_key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        db.UniqueConstraint("user_id", "dedupe_key"),
    )


# How many of a user's notifications are unread (the count beside "Notifications" on every page): loaded with the
# signed-in user in the same statement (security._load_user), read on its own statement anywhere else.
User.unread_notifications = column_property(
    select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate_except(Notification).scalar_subquery(), deferred=True)
