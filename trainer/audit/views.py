from __future__ import annotations

from flask import Blueprint, render_template, request

from trainer.audit import services

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
def events():
    filters = {k: request.args.get(k) or None for k in ("action", "actor", "object_type", "object_id")}
    page = services.page_of_events(filters, page=request.args.get("page", 1, type=int))
    return render_template("audit/events.html", page=page, filters=filters)


@bp.route("/verify")
def verify():
    report = services.verify_chain()
    return render_template("audit/verify.html", report=report)
