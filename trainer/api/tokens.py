"""Personal access tokens: made, listed and revoked by their user (or issued by an administrator from the
command line), and checked on every API request.

A token reads `trn_<prefix>_<secret>`: the prefix (12 hex digits) finds the row, the secret (32 random
bytes, URL-safe base64) proves it. Only the SHA-256 of the secret is stored, so a copy of the database
opens nothing, and the token is shown once, when it is made.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from trainer.api.models import ApiToken
from trainer.audit.services import record_event
from trainer.auth.models import RateEvent, User
from trainer.db import utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db

SCHEME = "trn"
TOKEN_PATTERN = re.compile(r"^trn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
NAME_LIMIT = 100


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(6)
        if db.session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
            return prefix


def create_token(actor, user: User, *, name: str, expires_days: int | None = None, read_only: bool = False,
                 max_days: int = 730, now: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token itself, which is never shown again.
    `actor` is the user making their own token, or None for an administrator at the command line."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    errors = []
    if not name:
        errors.append(("name", _("Give the token a name that says what uses it.")))
    elif len(name) > NAME_LIMIT:
        errors.append(("name", _("At most %(limit)s characters.", limit=NAME_LIMIT)))
    if expires_days is not None and not 1 <= expires_days <= max_days:
        errors.append(("expires_days", _("A token lasts from 1 to %(days)s days.", days=max_days)))
    if user.disabled:
        errors.append(("user", _("This account is disabled.")))
    if errors:
        raise Invalid(_("The token was not made."), errors=errors)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=_new_prefix(), secret_hash=_digest(secret),
                     read_only=bool(read_only), created_at=now, created_by_id=getattr(actor, "id", None),
                     expires_at=now + dt.timedelta(days=expires_days) if expires_days else None)
    db.session.add(token)
    db.session.flush()
    record_event(actor, "api_token.create", token, after={
        "user": user.username, "name": name, "prefix": token.prefix, "read_only": token.read_only,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None})
    return token, f"{SCHEME}_{token.prefix}_{secret}"


def list_tokens(actor) -> list[ApiToken]:
    """The actor's own tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(actor, token_id) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at its next request."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise NotFound()
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.id)) \
        if 0 < token_id < 2**31 else None
    if token is None:
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict(_("This token was already revoked."))
    token.revoked_at = utcnow()
    record_event(actor, "api_token.revoke", token, after={"name": token.name, "prefix": token.prefix})
    db.session.flush()
    return token


def find_user(username: str) -> User | None:
    from trainer.auth.services import normalise_username

    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


# --- checking a request's token ------------------------------------------------------------------


def authenticate(raw: str, now: dt.datetime | None = None, *, session=None) -> ApiToken | None:
    """The token a request presents, if it is valid now: known, not revoked, not expired, and of an
    enabled account. None otherwise (the caller answers every case alike)."""
    session = session or db.session
    match = TOKEN_PATTERN.match(raw or "")
    if match is None:
        return None
    prefix, secret = match.groups()
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    now = now or utcnow()
    if not token.usable(now) or token.user is None or token.user.disabled:
        return None
    return token


def count_request(token: ApiToken, *, limit: int, window_seconds: int = 60, now: dt.datetime | None = None,
                  session=None) -> int | None:
    """Count one request of the token and note its last use; None when allowed, else the seconds to wait
    before the oldest request of the window leaves it."""
    session = session or db.session
    now = now or utcnow()
    bucket = f"api-token:{token.id}"
    since = now - dt.timedelta(seconds=window_seconds)
    session.execute(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < since))
    used, oldest = session.execute(select(func.count(), func.min(RateEvent.at)).where(
        RateEvent.bucket == bucket, RateEvent.at >= since)).one()
    if used >= limit:
        wait = window_seconds - int((now - oldest).total_seconds()) if oldest is not None else window_seconds
        return max(1, wait)
    session.add(RateEvent(bucket=bucket, at=now))
    token.last_used_at = now
    session.flush()
    return None


@dataclass(frozen=True)
class Admission:
    """What a request's token check found: the token and its user (ids), or why the request is refused."""

    token_id: int | None = None
    user_id: int | None = None
    read_only: bool = False
    retry_after: int | None = None    # set when the rate limit refused the request


def admit(raw: str, *, limit: int) -> Admission | None:
    """Check a request's token and count its use, in a transaction of its own that commits at once (a
    refused or failing request still counts, and the request's own work starts afresh). None when the
    token opens nothing."""
    from sqlalchemy.orm import Session

    with Session(db.engine, expire_on_commit=False) as session, session.begin():
        token = authenticate(raw, session=session)
        if token is None:
            return None
        wait = count_request(token, limit=limit, session=session)
        return Admission(token.id, token.user_id, token.read_only, wait)
