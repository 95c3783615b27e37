"""Signing in through the OpenID Connect provider: off to the provider, and back with its answer.

The way back is a GET by the protocol (the provider redirects the browser here); it signs a person in,
so it writes like the sign-in form's POST does.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import identities, oidc
from trainer.auth.views.common import auth_settings, sso_settings, start_session
from trainer.auth.views.sign_in import ID_TOKEN_KEY
from trainer.db import write_intent
from trainer.security import is_safe_next

FLOW_KEY = "sso_flow"


def _callback_url() -> str:
    return current_app.config["PUBLIC_URL"] + url_for("auth.sso_callback")


def _failed(sso, failure: oidc.SignInFailed):
    current_app.logger.warning("single sign-on refused (%s): %s", failure.reason, failure.detail)
    if failure.audit:
        identities.record_failed_sign_in(sso.issuer, failure.reason, failure.detail)
    return render_template("auth/sso_refused.html", message=failure.message), failure.status


def sso_start():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    sso = sso_settings()
    if sso is None:
        abort(404)
    target = request.args.get("next", "")
    try:
        url, flow = oidc.begin_sign_in(oidc.provider_client(current_app, sso), sso, _callback_url(),
                                       target if is_safe_next(target) else "")
    except oidc.SignInFailed as failure:
        return _failed(sso, failure)
    session[FLOW_KEY] = flow  # only one sign-in at a time: a newer one replaces it
    return redirect(url)


def sso_callback():
    write_intent.set(True)
    flow = session.pop(FLOW_KEY, None)  # used once, whatever the outcome
    sso = sso_settings()
    if sso is None:
        return render_template("auth/sso_refused.html", message=_("Single sign-on is not set up here.")), 400
    try:
        identity = oidc.finish_sign_in(oidc.provider_client(current_app, sso), sso, flow, request.args.to_dict())
    except oidc.SignInFailed as failure:
        return _failed(sso, failure)
    outcome = identities.sign_in_with_identity(auth_settings(), identity, sso.match_claim)
    if outcome.user is None:
        return render_template("auth/sso_refused.html", refused=outcome.refused, identity=identity,
                               claim=sso.match_claim), 403
    start_session(outcome.user)
    if identity.provider_logout:
        session[ID_TOKEN_KEY] = identity.id_token  # the hint for signing out at the provider too
    target = flow.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("core.index"))
