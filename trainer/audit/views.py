from __future__ import annotations

from flask import Blueprint, render_template, request

from trainer.audit import services
from trainer.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
def events():
    filters = {k: request.args.get(k) or None for k in ("action", "actor", "object_type", "object_id")}
    page = db.paginate(services.list_events(**filters), per_page=100, error_out=False)
    return render_template("audit/events.html", page=page, filters=filters)


@bp.route("/verify")
def verify():
    report = services.verify_chain()
    return render_template("audit/verify.html", report=report)
