from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("learning", __name__, url_prefix="/learning")


@bp.route("/")
def index():
    return render_template("core/not_yet.html", title="Learning")
