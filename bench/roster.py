"""Section 6: importing a roster as large as the force through the real command (`flask personnel import`): 70 %
new people and 30 % existing ones (a third of them with a changed e-mail address), one file, all or nothing; and
rebuilding every validity interval and readiness stretch (`flask readiness rebuild`)."""
from __future__ import annotations

import csv
import time
from pathlib import Path

from bench.util import flask_cli

COLUMNS = ["nation", "service_number", "family_name", "given_names", "rank_code", "national_rank", "category",
           "unit", "email", "family_name_latin", "given_names_latin", "screening"]


def write_roster(target, rows: int) -> tuple[Path, dict]:
    from sqlalchemy import text

    from bench.targets import engine_for

    engine = engine_for(target)
    try:
        with engine.connect() as connection:
            people = connection.execute(text(
                "SELECT p.nation_code, p.service_number, p.family_name, p.given_names, p.rank_code, p.national_rank, "
                "p.category, u.code, p.email, p.family_name_latin, p.given_names_latin, p.screening "
                "FROM people p JOIN units u ON u.id = p.unit_id ORDER BY p.id")).all()
    finally:
        engine.dispose()
    instance = target.path
    existing = min(len(people), rows * 3 // 10)
    changed = existing // 3
    out = []
    for index, row in enumerate(people[:existing]):
        row = list(row)
        if index < changed:
            row[8] = f"updated.{index}@example.org"
        out.append(row)
    for index in range(rows - existing):
        row = list(people[index % len(people)])
        row[1] = f"BN{700000 + index}"
        row[8] = f"new.{index}@example.org"
        out.append(row)
    path = instance / "bench-roster.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(out)
    return path, {"rows": len(out), "new": rows - existing, "existing": existing, "changed": changed}


ROWS = {"small": 300, "medium": 1000, "large": 10000, "xlarge": 100000}


def run_roster(target, quick: bool) -> dict:
    path, shape = write_roster(target, 1000 if quick else ROWS.get(target.scale, 10000))
    started = time.perf_counter()
    # A file of 100,000 rows is over the default limits of an upload (60,000 rows, 16 MiB): raised for the command.
    flask_cli(target, "personnel", "import", str(path), TRAINER_ROSTER_MAX_ROWS=200000,
              TRAINER_ROSTER_MAX_BYTES=64 * 1024 * 1024)
    return {**shape, "seconds": time.perf_counter() - started}


def run_rebuild(target, quick: bool) -> dict:
    """`flask readiness rebuild`, end to end (the process start included), and what it wrote."""
    from sqlalchemy import text

    from bench.targets import engine_for

    started = time.perf_counter()
    flask_cli(target, "readiness", "rebuild")
    seconds = time.perf_counter() - started
    engine = engine_for(target)
    try:
        with engine.connect() as connection:
            rows = {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                    for table in ("readiness_intervals", "readiness_states", "completions")}
    finally:
        engine.dispose()
    return {"seconds": seconds, **rows}
