"""The OpenAPI document and its browsable reference page (Swagger UI, served from static/vendor/)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def _document() -> dict:
    from trainer.api.spec import document

    cached = current_app.extensions.get("trainer-api-document")
    if cached is None:
        cached = document(current_app, current_app.extensions["trainer-api"])
        current_app.extensions["trainer-api-document"] = cached
    return cached


@bp.route("/openapi.json")
def openapi_json():
    response = jsonify(_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/docs")
def reference():
    response = current_app.make_response(render_template("api/reference.html"))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
