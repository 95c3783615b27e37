"""The reference for the commander dashboard: one hand-written SQL query computing, for every unit,
how many people of its subtree the profile applies to on a date and how many of them are ready.

It reads the same tables as the readiness engine (validity intervals, exercise credits, screening,
profile assignments, postings) and applies the same rule: every required module covered on the date
(by a completion or a waiver), the exercise requirement met within its window (or waived), and a
clear screening. The bench checks that it agrees with the page before timing either.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

SQL = """
WITH members AS (
    SELECT ua.person_id, ua.unit_id
    FROM unit_assignments ua JOIN units u ON u.id = ua.unit_id
    WHERE ua.start_on <= :d AND (ua.end_on IS NULL OR ua.end_on > :d)
      AND (EXISTS (SELECT 1 FROM profile_assignments pa JOIN units t ON t.id = pa.unit_id
                   WHERE pa.profile_code = :profile AND substr(u.path, 1, length(t.path)) = t.path {live})
           OR ua.person_id IN (SELECT pa.person_id FROM profile_assignments pa
                               WHERE pa.profile_code = :profile AND pa.person_id IS NOT NULL {live}))
),
modules_met AS (
    SELECT ri.person_id, COUNT(DISTINCT ri.requirement) AS met
    FROM readiness_intervals ri
    WHERE ri.requirement IN (SELECT value FROM json_each(:modules)) AND ri.start_on <= :d AND ri.end_on >= :d
    GROUP BY ri.person_id
),
exercise_met AS (
    SELECT ec.person_id FROM exercise_credits ec
    WHERE :exercise_required AND ec.exercise_type IN (SELECT value FROM json_each(:types))
      AND ec.rating IN (SELECT value FROM json_each(:ratings)) AND ec.ended_on <= :d AND ec.ended_on >= :since
    UNION
    SELECT ri.person_id FROM readiness_intervals ri
    WHERE :exercise_required AND ri.requirement = 'exercise' AND ri.start_on <= :d AND ri.end_on >= :d
),
per_unit AS (
    SELECT m.unit_id, COUNT(*) AS total,
           SUM(CASE WHEN (NOT :screening_required OR p.screening = 'cleared')
                     AND COALESCE(mm.met, 0) = :module_count
                     AND (NOT :exercise_required OR m.person_id IN (SELECT person_id FROM exercise_met))
                    THEN 1 ELSE 0 END) AS ready
    FROM members m JOIN people p ON p.id = m.person_id
    LEFT JOIN modules_met mm ON mm.person_id = m.person_id
    GROUP BY m.unit_id
)
SELECT a.id, a.nation_code, a.code, COALESCE(SUM(pu.total), 0) AS total, COALESCE(SUM(pu.ready), 0) AS ready,
       ROUND(100.0 * SUM(pu.ready) / SUM(pu.total), 1) AS percent, a.parent_id IS NULL AS is_root
FROM units a
LEFT JOIN units d ON substr(d.path, 1, length(a.path)) = a.path
LEFT JOIN per_unit pu ON pu.unit_id = d.id
GROUP BY a.id
ORDER BY a.nation_code, a.path
"""


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def exercise_since(as_of: dt.date, months: int) -> dt.date:
    """The earliest end date whose window (end + months, clamped to the month's end) still reaches as_of."""
    day = _add_months(as_of, -months) - dt.timedelta(days=3)
    while _add_months(day, months) < as_of:
        day += dt.timedelta(days=1)
    return day


def parameters(connection: sqlite3.Connection, profile_code: str, as_of: dt.date) -> dict:
    row = connection.execute(
        "SELECT required_modules, exercise_types, exercise_within_months, exercise_min_outcome, screening_required "
        "FROM readiness_profiles WHERE code = ?", (profile_code,)).fetchone()
    modules, types, months, outcome, screening = row
    modules = json.loads(modules) if isinstance(modules, str) else (modules or [])
    types = json.loads(types) if isinstance(types, str) else (types or [])
    scale = ["P", "S", "M", "U"]
    exercise_required = bool(types and months and outcome)
    return {"profile": profile_code, "d": as_of.isoformat(), "modules": json.dumps(modules),
            "module_count": len(modules), "types": json.dumps(types),
            "ratings": json.dumps(scale[:scale.index(outcome) + 1] if outcome in scale else []),
            "since": exercise_since(as_of, months or 0).isoformat(), "exercise_required": int(exercise_required),
            "screening_required": int(bool(screening))}


def sql_for(connection: sqlite3.Connection) -> str:
    """The query, counting only profile assignments still in force where assignments can be withdrawn."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(profile_assignments)")}
    return SQL.replace("{live}", "AND pa.withdrawn_at IS NULL" if "withdrawn_at" in columns else "")


def run(db_path: Path, profile_code: str, as_of: dt.date) -> tuple[float, list[tuple]]:
    """Seconds for one execution (a fresh connection each time, as a request would have) and the rows."""
    started = time.perf_counter()
    connection = sqlite3.connect(db_path)
    try:
        rows = connection.execute(sql_for(connection), parameters(connection, profile_code, as_of)).fetchall()
    finally:
        connection.close()
    return time.perf_counter() - started, rows
