def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"]["status"] == "ok"


def test_security_headers_on_every_response(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookie_over_https(client, make_user):
    from tests.conftest import PASSWORD

    user = make_user("admin")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_the_default_public_url_follows_the_port_the_app_is_served_on(tmp_path, monkeypatch):
    from trainer import create_app

    monkeypatch.delenv("TRAINER_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "8080")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:8080"
    monkeypatch.setenv("TRAINER_PUBLIC_URL", "https://trainer.mission.example/")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["PUBLIC_URL"] == "https://trainer.mission.example"


def test_a_signed_in_page_is_never_stored_and_reads_the_account_once(client, make_user, count_queries):
    """Pages a signed-in user sees carry Cache-Control: no-store (a shared computer's browser keeps no copy);
    the public sign-in page does not need it. Deciding that after the request's commit reads no account again."""
    from tests.conftest import login

    assert "Cache-Control" not in client.get("/login").headers
    make_user("commander", username="c.headers")
    login(client, "c.headers")
    with count_queries() as page:
        response = client.get("/")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len([s for s in page.statements if "FROM users" in s]) == 1
    client.post("/logout")
    assert "Cache-Control" not in client.get("/login").headers
