"""Who makes an API request: the user of the personal access token it carries, and nobody else.

Runs before the access policy on every request under /api/. The API takes no session cookie: a request
without a valid bearer token is refused (401), whatever cookie it carries, so a browser can never be
made to call it on a signed-in user's behalf (the reason its routes need no CSRF token). The token's
user is read afresh from the database on each request, so revoking the token, disabling the account or
changing its grants takes effect at the next request.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _

from trainer.api import tokens
from trainer.api.problems import is_api_request, problem
from trainer.auth.models import User
from trainer.auth.policy import rule_for
from trainer.db import write_intent
from trainer.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def token_of_request():
    """The admission of the token this request was authenticated with (its token_id, user_id, ...; None
    outside the API)."""
    return g.get("api_token")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate_request():
    """Before each request: on the API, sign the request in as its token's user, or refuse it."""
    if not is_api_request():
        return None
    rule = rule_for(request.endpoint)
    raw = _bearer()
    if raw is None:
        if rule is not None and rule.public:
            return None  # the OpenAPI document and its reference page
        return problem(401, _("Send a personal access token in the header Authorization: Bearer <token>. "
                              "The API does not accept the session cookie of a signed-in browser."), kind="cookie")
    # The token's use is counted in a short transaction of its own (on SQLite: before the request's own
    # transaction begins, so that the two never wait for each other's lock).
    write_intent.set(True)
    admission = tokens.admit(raw, limit=int(current_app.config["API_RATE_LIMIT_PER_MINUTE"]))
    write_intent.set(request.method not in SAFE_METHODS)
    if admission is None:
        return problem(401, _("The token is not valid: it is unknown, revoked or expired, or its account is "
                              "disabled."), kind="token",
                       headers={"WWW-Authenticate": 'Bearer realm="trainer", error="invalid_token"'})
    if admission.retry_after is not None:
        return problem(429, _("This token made too many requests. Wait %(seconds)s seconds and try again.",
                              seconds=admission.retry_after), kind="rate",
                       headers={"Retry-After": str(admission.retry_after)})
    if admission.read_only and request.method not in SAFE_METHODS:
        return problem(403, _("This token is read-only: it cannot change anything."), kind="read_only")
    user = db.session.get(User, admission.user_id)
    if user is None:
        return problem(401, _("The token's account is gone."), kind="token")
    g.api_token = admission
    # Flask-Login's current user for this request; nothing is written to the session.
    g._login_user = user
    return None
