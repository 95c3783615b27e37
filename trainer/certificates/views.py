from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


@bp.route("/")
def index():
    return render_template("core/not_yet.html", title="Certificates")
