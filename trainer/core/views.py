"""Landing pages per role, health check and in-app notifications."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainer.auth import notifications as notification_service
from trainer.auth.forms import ConfirmForm
from trainer.core import health, landing
from trainer.i18n import language as interface_language

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html", notifications=notification_service.list_unread(current_user),
                           cards=landing.cards_for(current_user, interface_language()))


@bp.route("/healthz")
def healthz():
    state = health.check()
    return jsonify(state), 200 if state["status"] == "ok" else 503


@bp.route("/language", methods=["POST"])
def language():
    """The language switcher of the public pages: remembered for this browser; a signed-in user's
    choice is also saved in their profile."""
    from flask import session

    from trainer.auth.services import set_language
    from trainer.i18n import enabled_languages
    from trainer.security import is_safe_next

    code = request.form.get("language", "")
    if ConfirmForm().validate_on_submit() and code in enabled_languages():
        session["language"] = code
        if current_user.is_authenticated:
            set_language(current_user, code)
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("core.index"))


@bp.route("/notifications")
def notifications():
    page = notification_service.page_of_notifications(current_user, request.args.get("page", 1, type=int))
    return render_template("core/notifications.html", page=page, confirm=ConfirmForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
def notification_read(notification_id: int):
    if ConfirmForm().validate_on_submit():
        notification_service.mark_read(current_user, notification_id)
    else:
        flash(_("The form expired. Nothing was marked read; please try again."), "warning")
    return redirect(url_for("core.notifications"))


@bp.route("/notifications/read", methods=["POST"])
def notifications_read_all():
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Nothing was marked read; please try again."), "warning")
    elif count := notification_service.mark_all_read(current_user):
        flash(ngettext("%(num)d notification marked read.", "%(num)d notifications marked read.", count), "success")
    return redirect(url_for("core.notifications"))
