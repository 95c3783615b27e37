"""Section 5: typical pages served by gunicorn (2 workers) under 20 concurrent clients, against a bare
Flask hello-world served the same way in the same run. The load generator is bounded: a fixed number
of threads, a fixed duration, loopback only, each client signed in once and reusing its cookie."""
from __future__ import annotations

import datetime as dt

import http.client
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.util import DEMO_PASSWORD, PYTHON, ROOT, csrf_token, env_for, percentile

CLIENTS = 20
TIMEOUT = 60.0
PROFILE = "UN-PDT-MIL"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app: str, target=None):
        self.port = _free_port()
        env = target.env() if target is not None else env_for(Path("/nonexistent"))
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--log-level", "warning", app], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self, path: str = "/") -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                status, _, _ = request(self.port, "GET", path)
                if status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def request(port: int, method: str, path: str, cookie: str | None = None, body: bytes | None = None,
            content_type: str | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def _cookie(headers: dict) -> str | None:
    raw = headers.get("set-cookie")
    return raw.split(";", 1)[0] if raw else None


def sign_in(port: int, username: str) -> str:
    status, headers, body = request(port, "GET", "/login")
    cookie = _cookie(headers)
    form = urlencode({"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf_token(body.decode()) or ""})
    status, headers, _ = request(port, "POST", "/login", cookie, form.encode(), "application/x-www-form-urlencoded")
    if status != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {status}")
    return _cookie(headers) or cookie


def hammer(port: int, path: str, seconds: float, cookies: list[str | None]) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(cookie):
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, headers, _ = request(port, "GET", path, cookie)
                ok = status == 200
                problem = None if ok else f"HTTP {status}"
                cookie = _cookie(headers) or cookie
            except Exception as exc:  # timeouts and resets are errors of the run
                problem = type(exc).__name__
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(cookies[i % len(cookies)],), daemon=True) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + TIMEOUT + 5)
    wall = time.perf_counter() - started
    return {"path": path, "requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "wall_s": wall, "rps": len(latencies) / wall if wall else 0.0,
            "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95)}


def _ids(target) -> dict:
    from sqlalchemy import text

    from bench.targets import engine_for

    engine = engine_for(target)
    try:
        with engine.connect() as connection:
            units = dict(connection.execute(text("SELECT code, id FROM units WHERE code IN ('NPL-B1', 'NPL-CONT')"))
                         .all())
            exercise = connection.execute(text("SELECT id FROM exercises ORDER BY id")).first()
            # The person whose page the pages section times: the first cleared person of the battalion.
            person = connection.execute(text(
                "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE "
                "(SELECT path FROM units WHERE code = 'NPL-B1') || '%' AND p.screening = 'cleared' ORDER BY p.id")
            ).first()
        return {"unit": units.get("NPL-B1"), "contingent": units.get("NPL-CONT"),
                "exercise": exercise[0] if exercise else None, "person": person[0] if person else None}
    finally:
        engine.dispose()


def run_load(target, quick: bool) -> dict:
    seconds = 3.0 if quick else 10.0
    out: dict = {"clients": CLIENTS, "seconds": seconds, "workers": 2}
    hello = Server("bench.hello:app", None)
    try:
        hello.wait()
        hammer(hello.port, "/", 1.0, [None])
        out["hello"] = hammer(hello.port, "/", seconds, [None])
    finally:
        hello.stop()

    ids = _ids(target)
    pages = [("login", "/login", False), ("module_list", "/curricula/", True)]
    if ids["exercise"]:
        pages.append(("exercise", f"/exercises/{ids['exercise']}", True))
    forecast = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=90)  # the installation's day is UTC's
    pages.append(("unit_readiness", f"/readiness/units/{ids['unit']}?profile={PROFILE}", True))
    if ids["contingent"]:
        pages.append(("unit_contingent", f"/readiness/units/{ids['contingent']}?profile={PROFILE}", True))
    if ids["person"]:
        pages.append(("person", f"/readiness/people/{ids['person']}?profile={PROFILE}", True))
    pages.append(("dashboard", f"/readiness/?profile={PROFILE}&forecast={forecast}", True))
    app = Server("wsgi:app", target)
    try:
        app.wait("/login")
        cookies = [sign_in(app.port, "commander") for _ in range(CLIENTS)]
        for name, path, signed in pages:
            jar = cookies if signed else [None]
            request(app.port, "GET", path, jar[0])  # warm-up
            out[name] = hammer(app.port, path, seconds, jar)
            out[name]["ratio_to_hello"] = out[name]["rps"] / out["hello"]["rps"] if out["hello"]["rps"] else None
    finally:
        app.stop()
    return out
