from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("readiness", __name__, url_prefix="/readiness")


@bp.route("/")
def index():
    return render_template("core/not_yet.html", title="Readiness")
