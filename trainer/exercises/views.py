from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("exercises", __name__, url_prefix="/exercises")


@bp.route("/")
def index():
    return render_template("core/not_yet.html", title="Exercises")
