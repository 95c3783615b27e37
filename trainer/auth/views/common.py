"""What the auth views share: the settings they pass to services, and starting a signed-in session."""
from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user

from trainer.auth import oidc, services


def auth_settings() -> services.AuthSettings:
    return services.AuthSettings.from_config(current_app.config)


def sso_settings() -> oidc.OidcSettings | None:
    return oidc.OidcSettings.from_config(current_app.config)


def start_session(user) -> None:
    """A new session for a user who just proved who they are (a new session on every sign-in, so that
    nothing from before it, such as a planted session, carries over)."""
    session.clear()
    login_user(user)
    session["started_at"] = session["seen_at"] = int(time.time())
