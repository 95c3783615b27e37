"""A fresh instance and database: migrations, shipped curricula, demo data (written in bulk: COPY on PostgreSQL)."""
from __future__ import annotations

from bench.targets import Target, engine_for
from bench.util import flask_cli

COUNTED = ("nations", "units", "people", "users", "modules", "completions", "readiness_intervals", "readiness_states",
           "exercises", "exercise_participants", "observations", "ratings", "adjudications", "exercise_credits",
           "certificates", "waivers", "audit_events")


def build(target: Target) -> dict:
    target.path.mkdir(parents=True, exist_ok=True)
    seconds = {
        "migrate": flask_cli(target, "db", "upgrade", "heads"),
        "curricula_import": flask_cli(target, "curricula", "import"),
        "demo_seed": flask_cli(target, "demo", "seed", "--scale", target.scale),
    }
    if target.database == "postgresql":
        seconds["analyze"] = analyze(target)
    return {"scale": target.scale, "database": target.database,
            "seconds": {k: round(v, 2) for k, v in seconds.items()}, "rows": counts(target)}


def analyze(target: Target) -> float:
    """Fresh planner statistics after the bulk load (what autovacuum does shortly after, or an operator at once)."""
    import time

    from sqlalchemy import text

    started = time.perf_counter()
    engine = engine_for(target)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def counts(target: Target) -> dict:
    from sqlalchemy import inspect, text

    engine = engine_for(target)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            return {table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar() if table in present
                    else None for table in COUNTED}
    finally:
        engine.dispose()
