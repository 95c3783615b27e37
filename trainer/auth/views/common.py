"""What the auth views share: the settings they pass to services, starting a signed-in session, and the sheet of
one-time passwords that bulk account creation sends."""
from __future__ import annotations

import time

from flask import current_app, session, url_for
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


def credentials_download(accounts, *, title: str, filename: str):
    """The sheet of one-time passwords of newly created accounts, sent at once and never stored: the only copy
    there will ever be."""
    from trainer.auth.credentials_pdf import CredentialLine, render_credentials
    from trainer.db import utcnow
    from trainer.templating import format_datetime

    lines = [CredentialLine(name=a.person.full_name, name_latin=a.person.full_name_latin,
                            service_number=a.person.service_number, unit=f"{a.person.unit.code} — {a.person.unit.name}",
                            username=a.username, password=a.one_time_password) for a in accounts]
    pdf = render_credentials(lines, title=title, issued=format_datetime(utcnow()),
                             sign_in_url=current_app.config["PUBLIC_URL"] + url_for("auth.login"))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
