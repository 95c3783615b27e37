"""Section 6: importing a 10,000-row roster through the real command (`flask personnel import`):
7,000 new people and 3,000 existing ones (1,000 of them with a changed e-mail address), one file,
all or nothing."""
from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path

from bench.util import flask_cli

COLUMNS = ["nation", "service_number", "family_name", "given_names", "rank_code", "national_rank", "category",
           "unit", "email", "family_name_latin", "given_names_latin", "screening"]


def write_roster(instance: Path, rows: int) -> tuple[Path, dict]:
    connection = sqlite3.connect(instance / "trainer.db")
    try:
        people = connection.execute(
            "SELECT p.nation_code, p.service_number, p.family_name, p.given_names, p.rank_code, p.national_rank, "
            "p.category, u.code, p.email, p.family_name_latin, p.given_names_latin, p.screening "
            "FROM people p JOIN units u ON u.id = p.unit_id ORDER BY p.id").fetchall()
    finally:
        connection.close()
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


def run_roster(instance: Path, quick: bool) -> dict:
    path, shape = write_roster(instance, 1000 if quick else 10000)
    started = time.perf_counter()
    flask_cli(instance, "personnel", "import", str(path))
    return {**shape, "seconds": time.perf_counter() - started}
