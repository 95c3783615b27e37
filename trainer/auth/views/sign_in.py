"""Signing in with an account name and password, and signing out (at the provider too, where it offers that)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from trainer.auth import oidc, services
from trainer.auth.forms import LoginForm
from trainer.auth.views.common import auth_settings, sso_settings, start_session
from trainer.security import is_safe_next

# Where the sign-out keeps the provider's sign-out address for the sign-in page to offer.
PROVIDER_LOGOUT_KEY = "sso_logout_url"
ID_TOKEN_KEY = "sso_id_token"


def sso_button_label(sso) -> str:
    """The single sign-on button's words: the site's own when it set them, else ours in the reader's language."""
    from trainer.config import DEFAULTS

    return _("Sign in with single sign-on") if sso.button_label == DEFAULTS["OIDC_BUTTON_LABEL"] else sso.button_label


def _login_page(form, status: int = 200):
    sso = sso_settings()
    offer = session.pop(PROVIDER_LOGOUT_KEY, None) if request.method == "GET" else None
    return render_template("auth/login.html", form=form, sso=sso, sso_label=sso_button_label(sso) if sso else "",
                           provider_logout=offer, admins_only=current_app.config["LOCAL_LOGIN"] == "admins"), status


def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if request.args.get("expired"):
            flash(_("Your session ended. Please sign in again."), "info")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("core.index"))
    if form.validate_on_submit():
        settings = auth_settings()
        try:
            user = services.authenticate(settings, form.username.data, form.password.data,
                                         request.remote_addr or "unknown")
        except services.Throttled as exc:
            flash(str(exc), "danger")
            return _login_page(form, 429)
        if user is None:
            flash(_("The account name or password is not correct.") if settings.local_login != "admins" else
                  _("The account name or password is not correct, or this account signs in through single sign-on."),
                  "danger")
            return _login_page(form)
        start_session(user)
        if user.must_change_password:
            flash(_("Set your own password before you continue."), "info")
            return redirect(url_for("auth.change_password"))
        target = form.next.data
        return redirect(target if is_safe_next(target) else url_for("core.index"))
    return _login_page(form)


def logout():
    id_token = session.get(ID_TOKEN_KEY)
    services.logout_user_everywhere(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    sso = sso_settings()
    if id_token and sso is not None:
        after = current_app.config["PUBLIC_URL"] + url_for("auth.login")
        offer = oidc.provider_logout_url(oidc.provider_client(current_app, sso), sso, id_token, after)
        if offer:
            session[PROVIDER_LOGOUT_KEY] = offer
    return redirect(url_for("auth.login"))
