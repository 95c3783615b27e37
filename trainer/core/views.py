"""Landing pages per role, health check and in-app notifications."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text

from trainer.auth.forms import ConfirmForm
from trainer.auth.models import Notification
from trainer.core import landing
from trainer.db import utcnow
from trainer.enums import Role
from trainer.errors import NotFound
from trainer.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc()).limit(5)
    ).all()
    roles = current_user.roles
    language = current_user.language if current_user.language in ("en", "fr") else "en"
    cards = {
        "trainee": landing.trainee_card(current_user, language) if Role.TRAINEE in roles else None,
        "officer": landing.officer_card(current_user) if Role.TRAINING_OFFICER in roles else None,
        "commander": landing.commander_card(current_user) if Role.COMMANDER in roles else None,
        "evaluator": landing.evaluator_card(current_user) if Role.EVALUATOR in roles else None,
        "admin": landing.admin_card() if Role.ADMIN in roles else None,
    }
    return render_template("core/index.html", notifications=notifications, cards=cards)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        from trainer.auth.models import User

        db.session.execute(select(User.id).limit(1))
        state = {"status": "ok", "database": {"status": "ok", "dialect": db.engine.dialect.name}}
        code = 200
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        state = {"status": "error", "database": {"status": "error", "error": exc.__class__.__name__}}
        code = 503
    return jsonify(state), code


@bp.route("/notifications")
def notifications():
    rows = db.paginate(
        select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.created_at.desc()),
        per_page=50, error_out=False)
    return render_template("core/notifications.html", page=rows, confirm=ConfirmForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
def notification_read(notification_id: int):
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        raise NotFound()
    if ConfirmForm().validate_on_submit() and note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect(url_for("core.notifications"))
