"""The organisation of the extra-large demo data set (50 nations, 3,000 units, 100,000 people), written set-wise:
every unit and person is a row of one bulk statement (COPY on PostgreSQL), never an ORM object."""
from __future__ import annotations

from sqlalchemy import func, select

from trainer.db import copy_rows, move_sequence, utcnow
from trainer.extensions import db
from trainer.org.models import Unit

# A contingent, 3 battalions (or formed police units), 4 companies each and 44 platoons: 60 units a nation.
BATTALIONS, COMPANIES, PLATOONS = 3, 4, 44
UNIT_COLUMNS = ("id", "nation_code", "code", "name", "kind", "parent_id", "path", "version")


def seed_units(nations: list[str], specs: dict) -> dict[str, list[int]]:
    """Every nation's unit tree; returns nation -> the ids of its platoons (where people are posted)."""
    next_id = (db.session.scalar(select(func.max(Unit.id))) or 0) + 1
    rows, leaves = [], {}

    def add(nation, code, name, kind, parent):
        nonlocal next_id
        uid = next_id
        next_id += 1
        path = f"{parent[1] if parent else '/'}{uid}/"
        rows.append((uid, nation, code, name, kind, parent[0] if parent else None, path, 1))
        return uid, path

    for nation in nations:
        spec = specs.get(nation, {"contingent": f"{nation} Contingent", "category": "military"})
        top = add(nation, f"{nation}-CONT", spec["contingent"], "contingent", None)
        police = spec["category"] == "police"
        companies = []
        for b in range(1, BATTALIONS + 1):
            name = f"{'Formed Police Unit' if police else 'Battalion'} {b}"
            batt = add(nation, f"{nation}-B{b}", name, "formed_police_unit" if police else "battalion", top)
            for c in range(1, COMPANIES + 1):
                companies.append((add(nation, f"{nation}-B{b}-C{c}", f"{'ABCDEF'[c - 1]} Company, {name}", "company",
                                      batt), f"{nation}-B{b}-C{c}"))
        leaves[nation] = []
        for p in range(PLATOONS):
            company, code = companies[p % len(companies)]
            number = p // len(companies) + 1
            leaves[nation].append(add(nation, f"{code}-P{number}", f"Platoon {number}, {code}", "platoon", company)[0])
    copy_rows(db.session, Unit.__tablename__, UNIT_COLUMNS, rows)
    move_sequence(db.session, Unit.__tablename__)
    return leaves


def write_people(rows: list[dict], assignments: list[dict]) -> None:
    """People and their postings (dicts as the other scales write them), in two bulk statements."""
    from trainer.org.models import Person, UnitAssignment

    now = utcnow()
    person_columns = ("id", "nation_code", "unit_id", "service_number", "family_name", "given_names",
                      "family_name_latin", "given_names_latin", "search_text", "rank_code", "national_rank",
                      "category", "email", "screening", "status", "version", "created_at", "updated_at")
    copy_rows(db.session, Person.__tablename__, person_columns,
              (tuple(now if c in ("created_at", "updated_at") else r[c] for c in person_columns) for r in rows))
    posting_columns = ("person_id", "unit_id", "start_on", "end_on", "note")
    copy_rows(db.session, UnitAssignment.__tablename__, posting_columns,
              (tuple(a[c] for c in posting_columns) for a in assignments))
    move_sequence(db.session, Person.__tablename__)

