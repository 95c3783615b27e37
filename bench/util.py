"""Shared helpers: statistics, the machine description, signing in, counting queries."""
from __future__ import annotations

import contextvars
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PASSWORD = "peacekeeping-demo-2026"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def median(values) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def percentile(values, pct: float) -> float | None:
    values = sorted(values)
    if not values:
        return None
    rank = max(0, min(len(values) - 1, int(round(pct / 100.0 * len(values) + 0.5)) - 1))
    return values[rank]


def env_for(instance: Path, **extra) -> dict:
    env = dict(os.environ)
    env["TRAINER_INSTANCE_PATH"] = str(instance)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TRAINER_PUBLIC_URL", "http://127.0.0.1:5000")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask_cli(target, *args: str, **env) -> float:
    """Run `flask --app wsgi ARGS` for this target (a bench.targets.Target); returns the seconds it took (raises on
    failure)."""
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env={**target.env(), **{k: str(v) for k, v in env.items()}}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return time.perf_counter() - started


def csrf_token(html: str) -> str | None:
    match = CSRF_RE.search(html)
    return (match.group(1) or match.group(2)) if match else None


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    import reportlab
    import sqlalchemy

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "python": platform.python_version(),
            "postgresql_client": _pg_dump_version(),
            "sqlite": sqlite3.sqlite_version, "sqlalchemy": sqlalchemy.__version__, "reportlab": reportlab.Version,
            "os": platform.platform(), "load_average_at_start": [round(x, 2) for x in load] if load else None}


def _pg_dump_version() -> str | None:
    try:
        return subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


def rss_mib() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1048576


class PeakMemory:
    """The highest resident memory of this process while active, sampled every 10 ms (and its growth)."""

    def __init__(self):
        import threading

        self.before = self.peak = rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mib())

    def __enter__(self):
        self.before = self.peak = rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())

    @property
    def growth_mib(self) -> float:
        return max(0.0, self.peak - self.before)


class QueryCounter:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _hit(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._hit)


@contextmanager
def app_for(target):
    """A production-configured app (CSRF on) on the bench target, with an app context pushed, in a process tuned
    as wsgi.py tunes a serving process."""
    target.activate()
    os.environ.setdefault("TRAINER_PUBLIC_URL", "http://127.0.0.1:5000")
    from trainer import create_app
    from trainer.serving import tune_for_serving

    app = create_app()
    tune_for_serving()
    with app.app_context():
        yield app


def as_served(call, *args, **kwargs):
    """A test-client request run as a server runs one: in an app context of its own, so with a database session
    of its own and the signed-in account read by the user loader. The bench keeps an app context pushed for its
    own reads and writes; a request made inside it would share its session and find the account of an earlier
    request there, expired by that request's commit and read again (two statements a serving process never runs)."""
    return contextvars.Context().run(call, *args, **kwargs)


def signed_in_client(app, username: str, password: str = DEMO_PASSWORD):
    """A Flask test client signed in through the real login form (CSRF token included)."""
    client = app.test_client()
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token or ""})
    if response.status_code != 302:
        raise RuntimeError(f"Signing in as {username} failed: HTTP {response.status_code}")
    return client
