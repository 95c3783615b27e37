"""One's own personal access tokens, on the account pages: make one (shown once), see when each was last
used, revoke one."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api import tokens
from trainer.api.forms import TokenForm
from trainer.db import utcnow
from trainer.errors import DomainError
from trainer.forms import Form, apply_errors

bp = Blueprint("api_account", __name__)


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens.list_tokens(current_user), now=utcnow(),
                           new_token=new_token, revoke_form=Form()), status


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens_page():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = tokens.create_token(current_user, current_user._get_current_object(),
                                                 name=form.name.data, expires_days=form.expires_days(),
                                                 read_only=form.read_only.data,
                                                 max_days=int(current_app.config["API_TOKEN_MAX_DAYS"]))
        except DomainError as exc:
            apply_errors(form, exc)
            return _page(form, status=422)
        # Shown in this answer only: never put in the session (a cookie) nor kept anywhere.
        return _page(TokenForm(formdata=None), new_token=secret)
    return _page(form, status=422 if form.errors else 200)


@bp.route("/account/tokens/<int:api_token_id>/revoke", methods=["POST"])
def token_revoke(api_token_id: int):
    if Form().validate_on_submit():
        token = tokens.revoke_token(current_user, api_token_id)
        flash(_("The token \u201c%(name)s\u201d is revoked: it stops working at its next request.", name=token.name),
              "success")
    return redirect(url_for("api_account.tokens_page"))
