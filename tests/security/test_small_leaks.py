"""Small leaks: sign-in timing for unknown accounts, forwarded headers from untrusted clients, the idle
limit, the demo accounts' hashes and CSV content types."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]


class CountingHasher:
    """Wraps the app's argon2 hasher and counts the expensive operations a sign-in performs."""

    def __init__(self, inner):
        self.inner, self.hashes, self.verifies = inner, 0, 0

    def hash(self, password):
        self.hashes += 1
        return self.inner.hash(password)

    def verify(self, stored, password):
        self.verifies += 1
        return self.inner.verify(stored, password)

    def check_needs_rehash(self, stored):
        return self.inner.check_needs_rehash(stored)


def test_an_unknown_account_costs_the_same_as_a_wrong_password(app, make_user):
    from trainer.auth import services

    make_user(role="admin", username="known.user")
    settings = services.AuthSettings.from_config(app.config)
    settings.hasher = counting = CountingHasher(settings.hasher)

    def cost(username, password):
        counting.hashes = counting.verifies = 0
        with app.app_context():
            assert services.authenticate(settings, username, password, "198.51.100.7") is None
        return counting.hashes, counting.verifies

    cost("nobody.here", "the first attempt may prepare the dummy hash")
    assert cost("nobody.here", "a wrong password 1") == cost("known.user", "a wrong password 2") == (0, 1)


def test_the_idle_limit_counts_from_the_last_request_to_the_second(client, make_user, app, monkeypatch):
    import trainer.security

    make_user(role="admin", username="idle.admin")
    clock = [1_000_000.0]
    monkeypatch.setattr(trainer.security.time, "time", lambda: clock[0])
    login(client, "idle.admin")
    idle = app.config["IDLE_TIMEOUT_MINUTES"] * 60
    clock[0] += 50
    assert client.get("/").status_code == 200          # activity 50 s after sign-in
    clock[0] += idle - 10                              # idle for less than the limit since then
    assert client.get("/").status_code == 200
    clock[0] += idle + 1                               # and now idle for longer than the limit
    response = client.get("/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]


def test_demo_accounts_have_their_own_hashes_and_csv_exports_one_charset(app, runner, db, client):
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.org.models import Unit

    result = runner.invoke(args=["demo", "seed", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash)).all()
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "NPL-B1"))
    assert len(hashes) >= 10 and len(set(hashes)) == len(hashes)

    login(client, "admin")
    for url in ("/readiness/export.csv", f"/learning/matrix/export?unit_id={unit_id}",
                f"/learning/matrix/export?unit_id={unit_id}&format=csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response.headers["Content-Type"]
        assert content_type.lower().count("charset") == 1, (url, content_type)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(sys.platform != "linux", reason="starts gunicorn")
def test_forwarded_headers_are_ignored_without_trusted_proxies(tmp_path):
    """gunicorn itself believes X-Forwarded-Proto from local clients; with the project's settings, plain
    HTTP carrying that header gets neither HSTS nor a Secure cookie."""
    port = _free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(tmp_path), "TRAINER_TRUSTED_PROXIES": "0",
           "TRAINER_SECRET_KEY": "x" * 40}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/login",
                                                 headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        assert headers.get("Strict-Transport-Security") is None
        assert "secure" not in (headers.get("Set-Cookie") or "").lower()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
