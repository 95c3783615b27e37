from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


@bp.route("/")
def index():
    return render_template("core/not_yet.html", title="Assessments")
