"""A fresh instance folder and SQLite database: migrations, shipped curricula, demo data."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.util import flask_cli

COUNTED = ("nations", "units", "people", "users", "modules", "completions", "readiness_intervals", "readiness_states",
           "exercises", "exercise_participants", "observations", "ratings", "adjudications", "exercise_credits",
           "certificates", "waivers", "audit_events")


def build(instance: Path, scale: str) -> dict:
    instance.mkdir(parents=True, exist_ok=True)
    seconds = {
        "migrate": flask_cli(instance, "db", "upgrade", "heads"),
        "curricula_import": flask_cli(instance, "curricula", "import"),
        "demo_seed": flask_cli(instance, "demo", "seed", "--scale", scale),
    }
    return {"scale": scale, "seconds": {k: round(v, 2) for k, v in seconds.items()}, "rows": counts(instance)}


def counts(instance: Path) -> dict:
    connection = sqlite3.connect(instance / "trainer.db")
    try:
        out = {}
        present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in COUNTED:
            out[table] = connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] if table in present else None
        return out
    finally:
        connection.close()
