"""Sessions checked against the database, the access policy on every request, and security headers."""
from __future__ import annotations

import functools
import re
import time
from urllib.parse import urljoin, urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from trainer.auth.policy import rule_for
from trainer.db import write_intent
from trainer.errors import wants_json
from trainer.extensions import db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

DISPOSITION = re.compile(r'^\s*(inline|attachment)\s*;\s*filename="(.*)"\s*$', re.IGNORECASE | re.DOTALL)

def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header value for a download: an ASCII-only fallback name (no quotes,
    separators or control characters, so the header can neither break nor be split) plus the
    UTF-8 name (RFC 6266 / RFC 5987) for browsers that show names in any script."""
    from urllib.parse import quote

    name = "".join(c for c in (filename or "") if c.isprintable() and c not in '"\\/;')[:150].strip() or "download"
    fallback = "".join(c if (c.isascii() and (c.isalnum() or c in "-_.")) else "_" for c in name)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def is_safe_next(target: str | None) -> bool:
    """Only same-host, path-only redirect targets: no scheme, no host, no backslashes or control characters."""
    if not target or len(target) > 2000:
        return False
    if any(ord(c) < 32 or c == "\\" for c in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    joined = urlsplit(urljoin(request.host_url, target))
    return joined.netloc == urlsplit(request.host_url).netloc


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (bool(request) and request.is_secure)


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    _init_login(app)
    app.before_request(_begin)
    from trainer.api.auth import authenticate_request

    app.before_request(authenticate_request)  # the API: a bearer token, never the session cookie
    app.before_request(_session_lifetime)
    app.before_request(_enforce_policy)
    app.after_request(_headers)


def _init_login(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


@functools.cache
def _signed_in_user():
    """The statement that reads the signed-in account with its grants and the unread notifications' count, built
    once: every page asks what the user may do and shows the count, and building the statement with its loader
    options on each request cost a third of reading it."""
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload, undefer

    from trainer.auth.models import User

    return (select(User).options(joinedload(User.grants), undefer(User.unread_notifications))
            .where(User.id == bindparam("user_id")))


def _load_user(user_id: str):
    """The signed-in user, checked against the database on every request: a disabled account, or a
    session older than the account's session version (logout everywhere, password or grant change), is
    signed out."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.execute(_signed_in_user(), {"user_id": int(raw_id)}).unique().scalar_one_or_none()
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or user.disabled or user.session_version != version:
        return None
    return user


def _unauthorized():
    if wants_json():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _begin():
    write_intent.set(request.method not in SAFE_METHODS)
    g.request_started = time.perf_counter()
    # No text a person types holds a NUL byte; PostgreSQL refuses it in any text value.
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)) or (
            request.method not in SAFE_METHODS
            and any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True))):
        abort(400, description=_("The input contains a NUL (zero) character, which is not allowed in any text. "
                                 "Remove it and try again; nothing was changed."))


def _session_lifetime():
    # Remembered for the response headers: by then the request's commit has expired the user, and asking again
    # would read the account a second time on every page.
    g.signed_in = current_user.is_authenticated
    if g.get("api_token") is not None or not g.signed_in:
        return None  # an API request has no session
    config = current_app.config
    now = int(time.time())
    idle = config["IDLE_TIMEOUT_MINUTES"] * 60
    absolute = config["SESSION_LIFETIME_HOURS"] * 3600
    started = session.get("started_at", now)
    last = session.get("seen_at", now)
    if now - last > idle or now - started > absolute:
        logout_user()
        session.clear()
        g.signed_in = False
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), expired=1))
    session["started_at"] = started
    session["seen_at"] = now   # the idle limit counts from the last request, to the second
    return None


def _enforce_policy():
    if request.endpoint is None:
        return None  # 404 follows
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s is not in the access policy", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if getattr(current_user, "must_change_password", False) and g.get("api_token") is None and request.endpoint not in {
            "auth.change_password", "auth.logout", "static"}:
        return redirect(url_for("auth.change_password"))
    if not rule.allows(current_user):
        abort(403)
    return None


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if g.get("signed_in") and request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    disposition = response.headers.get("Content-Disposition")
    if disposition and "filename*" not in disposition:
        # Download names are built from user data (names, unit and exercise codes): keep the
        # header ASCII (a WSGI server refuses anything else) and unbreakable by quotes.
        match = DISPOSITION.match(disposition)
        if match:
            response.headers["Content-Disposition"] = content_disposition(
                match.group(2), inline=match.group(1).lower() == "inline")
    return response
