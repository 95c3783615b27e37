"""Error pages share the layout; the health check answers JSON with the database's state."""
from __future__ import annotations

import pytest
from flask import Blueprint, abort

from tests.conftest import BASE_CONFIG, login
from trainer.errors import Conflict, Invalid

LAYOUT_MARKERS = ('aria-label="Main navigation"', "vendor/bootstrap/css/bootstrap.min.css", "<footer")


def _add_failing_routes(app, monkeypatch):
    from trainer.auth import policy

    bp = Blueprint("failing", __name__)

    @bp.route("/failing/400")
    def bad_request():
        abort(400)

    @bp.route("/failing/409")
    def conflict():
        raise Conflict("Someone else changed this unit while you were editing it.")

    @bp.route("/failing/422")
    def invalid():
        raise Invalid("The roster could not be read.", errors=[("unit", "No unit with code X.")])

    @bp.route("/failing/500")
    def crash():
        raise RuntimeError("a bug")

    app.register_blueprint(bp)
    for endpoint in ("bad_request", "conflict", "invalid", "crash"):
        monkeypatch.setitem(policy.POLICY, f"failing.{endpoint}", policy.signed_in())


@pytest.mark.parametrize("path, status, title, text", [
    ("/failing/400", 400, "Bad request", "understand"),
    ("/admin/users", 403, "Not allowed", "does not have access"),
    ("/no/such/page", 404, "Not found", "There is nothing here"),
    ("/failing/409", 409, "Conflict", "Someone else changed this unit"),
    ("/failing/422", 422, "Cannot be processed", "No unit with code X."),
    ("/failing/500", 500, "Something went wrong", "Nothing was changed"),
])
def test_error_pages_render_in_the_common_layout(app, client, make_user, monkeypatch, path, status, title, text):
    _add_failing_routes(app, monkeypatch)
    user = make_user("commander", "mission")
    login(client, user.username)
    response = client.get(path)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert f"<title>{status} {title} · trainer</title>" in body
    assert text in body
    for marker in LAYOUT_MARKERS:
        assert marker in body, f"{status} page lacks the layout ({marker})"
    assert "Traceback" not in body and "RuntimeError" not in body
    assert response.headers["Content-Security-Policy"]


def test_a_500_is_logged_and_the_transaction_rolled_back(app, client, make_user, monkeypatch, caplog):
    _add_failing_routes(app, monkeypatch)
    login(client, make_user("admin").username)
    with caplog.at_level("ERROR"):
        assert client.get("/failing/500").status_code == 500
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_errors_answer_json_to_api_clients(app, client, make_user, monkeypatch):
    _add_failing_routes(app, monkeypatch)
    login(client, make_user("admin").username)
    response = client.get("/failing/422", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.json["error"] == "Cannot be processed"
    assert response.json["errors"] == [["unit", "No unit with code X."]]


def test_anonymous_error_page_uses_the_layout_without_navigation(client):
    response = client.get("/no/such/page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<footer" in body and "Sign out" not in body


# --- health check ---------------------------------------------------------------------------------


def test_healthz_is_public_json_with_the_database_state(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json["status"] == "ok"
    assert response.json["database"]["status"] == "ok"
    assert response.json["database"]["dialect"] == ("postgresql" if "postgresql" in
                                                    app.config["SQLALCHEMY_DATABASE_URI"] else "sqlite")


def test_healthz_reports_an_unreachable_database(tmp_path):
    from trainer import create_app

    broken = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"),
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-folder/none.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["database"]["status"] == "error"
    assert "missing-folder" not in response.get_data(as_text=True)  # no internal detail leaks
