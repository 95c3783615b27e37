"""The reference for the commander dashboard: hand-written SQL computing, from the tables the readiness engine
reads (postings, profile assignments, people's screening, validity intervals, exercise credits), the figures of
the whole-mission page: for every unit (its subtree rolled up) and every date the page shows (today, the forecast
and the last six month-ends) how many people the profile applies to and how many of them are ready, and on today
how many ready people's evidence lapses within 30, 60 and 90 days.

The rule is the engine's: every required module covered on the date by a completion or a waiver, the exercise
requirement met (a qualifying exercise ended within its window, or a waiver), and a clear screening. One statement,
one pass over the intervals and one over the credits, conditional aggregates with a column per date; the same
statement on SQLite and PostgreSQL. It leaves out what else the page shows (the most common gaps, the nations'
names), so it does less than the page. The bench checks that it agrees with the page before timing either.
"""
from __future__ import annotations

import datetime as dt
import json
import time

from sqlalchemy import bindparam, text

from trainer.calendar_months import add_months, month_ends

WINDOWS = (30, 60, 90)


def exercise_since(as_of: dt.date, months: int) -> dt.date:
    """The earliest end date whose window (end + months, clamped to the month's end) still reaches as_of."""
    day = add_months(as_of, -months) - dt.timedelta(days=3)
    while add_months(day, months) < as_of:
        day += dt.timedelta(days=1)
    return day


def last_end_within(limit: dt.date, months: int) -> dt.date:
    """The latest end date whose window closes on or before `limit` (add_months never decreases)."""
    day = add_months(limit, -months) + dt.timedelta(days=3)
    while add_months(day, months) > limit:
        day -= dt.timedelta(days=1)
    return day


def page_days(as_of: dt.date, forecast: dt.date | None) -> list[dt.date]:
    return sorted(set(month_ends(as_of, 6)) | {as_of} | ({forecast} if forecast else set()))


def _sql(days: int, today: int, assigned: bool, screening: bool, exercise: bool) -> str:
    k = range(days)
    reach = ("WHERE (ua.unit_id IN (SELECT u.id FROM units u JOIN units t ON substr(u.path, 1, length(t.path)) = t.path"
             " JOIN profile_assignments pa ON pa.unit_id = t.id"
             " WHERE pa.profile_code = :profile AND pa.withdrawn_at IS NULL)"
             " OR ua.person_id IN (SELECT pa.person_id FROM profile_assignments pa WHERE pa.profile_code = :profile"
             " AND pa.withdrawn_at IS NULL AND pa.person_id IS NOT NULL))") if assigned else ""
    covered = ", ".join(f"COUNT(DISTINCT CASE WHEN ri.start_on <= :d{i} AND ri.end_on >= :d{i} THEN ri.requirement END)"
                        f" AS m{i}" for i in k)
    # On today, the end of each covering module's evidence (the completion's, else the waiver's), the earliest wins.
    until = ("SELECT person_id, MIN(COALESCE(c_end, w_end)) AS until FROM ("
             " SELECT ri.person_id, ri.requirement,"
             " MAX(CASE WHEN ri.basis = 'completion' THEN ri.end_on END) AS c_end,"
             " MAX(CASE WHEN ri.basis = 'waiver' THEN ri.end_on END) AS w_end"
             " FROM readiness_intervals ri WHERE ri.requirement IN :modules AND ri.start_on <= :today"
             " AND ri.end_on >= :today GROUP BY ri.person_id, ri.requirement) per_module GROUP BY person_id")
    credits = ", ".join(f"MAX(CASE WHEN ec.ended_on <= :d{i} AND ec.ended_on >= :s{i} THEN 1 ELSE 0 END) AS e{i}"
                        for i in k)
    waived = ", ".join(f"MAX(CASE WHEN ri.start_on <= :d{i} AND ri.end_on >= :d{i} THEN 1 ELSE 0 END) AS w{i}"
                       for i in k)

    def ready(i):
        parts = [f"COALESCE(cov.m{i}, 0) = :module_count"]
        if exercise:
            parts.append(f"(COALESCE(ex.e{i}, 0) = 1 OR COALESCE(exw.w{i}, 0) = 1)")
        if screening:
            parts.append("p.screening = 'cleared'")
        return " AND ".join(parts)

    def on(i):
        return f"m.start_on <= :d{i} AND (m.end_on IS NULL OR m.end_on > :d{i})"

    lapse = []
    for w in WINDOWS:
        module_part = f"u.until <= :limit{w}"
        if exercise:  # the exercise's own end: a credit's window, else its waiver
            exercise_part = (f"(CASE WHEN COALESCE(ex.e_today, 0) = 1 THEN ex.best_today <= :exlimit{w}"
                             f" ELSE exw.w_until <= :limit{w} END)")
            module_part = f"({module_part} OR {exercise_part})"
        lapse.append(f"SUM(CASE WHEN {on(today)} AND {ready(today)} AND {module_part} THEN 1 ELSE 0 END) AS x{w}")
    sums = ", ".join([f"SUM(CASE WHEN {on(i)} THEN 1 ELSE 0 END) AS t{i}, "
                      f"SUM(CASE WHEN {on(i)} AND {ready(i)} THEN 1 ELSE 0 END) AS r{i}" for i in k] + lapse)
    exercise_ctes = (f", ex AS (SELECT ec.person_id, {credits},"
                     f" MAX(CASE WHEN ec.ended_on <= :today AND ec.ended_on >= :s_today THEN 1 ELSE 0 END) AS e_today,"
                     f" MAX(CASE WHEN ec.ended_on <= :today AND ec.ended_on >= :s_today THEN ec.ended_on END) AS best_today"
                     f" FROM exercise_credits ec WHERE ec.exercise_type IN :types AND ec.rating IN :ratings"
                     f" GROUP BY ec.person_id)"
                     f", exw AS (SELECT ri.person_id, {waived},"
                     f" MAX(CASE WHEN ri.start_on <= :today AND ri.end_on >= :today THEN ri.end_on END) AS w_until"
                     f" FROM readiness_intervals ri WHERE ri.requirement = 'exercise' AND ri.basis = 'waiver'"
                     f" GROUP BY ri.person_id)") if exercise else ""
    exercise_joins = (" LEFT JOIN ex ON ex.person_id = m.person_id LEFT JOIN exw ON exw.person_id = m.person_id"
                      if exercise else "")
    columns = ", ".join([f"COALESCE(SUM(pu.t{i}), 0), COALESCE(SUM(pu.r{i}), 0)" for i in k]
                        + [f"COALESCE(SUM(pu.x{w}), 0)" for w in WINDOWS])
    return f"""
WITH m AS (SELECT ua.person_id, ua.unit_id, ua.start_on, ua.end_on FROM unit_assignments ua {reach}),
cov AS (SELECT ri.person_id, {covered} FROM readiness_intervals ri WHERE ri.requirement IN :modules
        GROUP BY ri.person_id),
u AS ({until}){exercise_ctes},
per_unit AS (SELECT m.unit_id, {sums}
             FROM m JOIN people p ON p.id = m.person_id LEFT JOIN cov ON cov.person_id = m.person_id
             LEFT JOIN u ON u.person_id = m.person_id{exercise_joins}
             GROUP BY m.unit_id)
SELECT a.id, {columns}
FROM units a LEFT JOIN units d ON substr(d.path, 1, length(a.path)) = a.path
LEFT JOIN per_unit pu ON pu.unit_id = d.id
GROUP BY a.id
"""


def prepare(connection, profile_code: str, as_of: dt.date, forecast: dt.date | None):
    """(statement, parameters, days) for the profile's figures on the page's dates."""
    row = connection.execute(text(
        "SELECT required_modules, exercise_types, exercise_within_months, exercise_min_outcome, screening_required "
        "FROM readiness_profiles WHERE code = :code"), {"code": profile_code}).one()
    modules, types, months, outcome, screening = row
    modules = json.loads(modules) if isinstance(modules, str) else list(modules or [])
    types = json.loads(types) if isinstance(types, str) else list(types or [])
    scale = ["P", "S", "M", "U"]
    exercise = bool(types and months and outcome)
    assigned = connection.execute(text("SELECT COUNT(*) FROM profile_assignments WHERE profile_code = :p "
                                       "AND withdrawn_at IS NULL"), {"p": profile_code}).scalar() > 0
    days = page_days(as_of, forecast)
    params = {"profile": profile_code, "modules": modules or ["-"], "module_count": len(modules), "today": as_of,
              **{f"d{i}": d for i, d in enumerate(days)},
              **{f"limit{w}": as_of + dt.timedelta(days=w) for w in WINDOWS}}
    if exercise:
        params.update({"types": types, "ratings": scale[:scale.index(outcome) + 1],
                       "s_today": exercise_since(as_of, months),
                       **{f"s{i}": exercise_since(d, months) for i, d in enumerate(days)},
                       **{f"exlimit{w}": last_end_within(as_of + dt.timedelta(days=w), months) for w in WINDOWS}})
    statement = text(_sql(len(days), days.index(as_of), assigned, bool(screening), exercise)).bindparams(
        *[bindparam(name, expanding=True) for name in (("modules", "types", "ratings") if exercise else ("modules",))])
    return statement, params, days


def run(engine, profile_code: str, as_of: dt.date, forecast: dt.date | None) -> tuple[float, dict]:
    """Seconds for one execution on a pooled connection, as a request has, and the figures: {unit id: ([(people,
    ready) per date], [lapsing within 30, 60, 90 days])}."""
    started = time.perf_counter()
    with engine.connect() as connection:
        statement, params, days = prepare(connection, profile_code, as_of, forecast)
        rows = connection.execute(statement, params).all()
    seconds = time.perf_counter() - started
    n = len(days)
    return seconds, {r[0]: ([(int(r[1 + 2 * i]), int(r[2 + 2 * i])) for i in range(n)],
                            [int(x) for x in r[1 + 2 * n:]]) for r in rows}, days
