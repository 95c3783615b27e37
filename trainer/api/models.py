"""Personal access tokens for the JSON API, and the responses kept for idempotent retries."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db import UTCDateTime, utcnow
from trainer.extensions import db


class ApiToken(db.Model):
    """A bearer token that acts for its user with the user's grants of the moment.

    Only a lookup prefix and the SHA-256 of the secret part are kept: the token itself is shown once,
    when it is made. A revoked or expired token, or one whose user is disabled, opens nothing.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    read_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and not self.expired(now)

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix} of user {self.user_id}>"


class IdempotentResponse(db.Model):
    """The response to a write sent with an Idempotency-Key, kept so that a retry gets it again instead
    of doing the write twice. A key belongs to one token; the fingerprint tells the same request from
    another one sent under the same key."""

    __tablename__ = "idempotent_responses"
    __table_args__ = (
        UniqueConstraint("token_id", "key"),
        Index("ix_idempotent_responses_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the headers that matter on a replay
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
