"""The people of a unit as the readiness pages list them: one page at a time, not ready first, each person's
standing read from their readiness stretch (states.py) rather than from the worded per-person engine."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from trainer.db import among_ids
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.org.names import display_name
from trainer.pagination import Page
from trainer.readiness import engine, states
from trainer.readiness.aggregate import members_select
from trainer.readiness.profiles import PROFILE_CONDITION_UNKNOWN, profile_condition
from trainer.readiness.rules import RequirementStatus, State


MEMBERS_PER_PAGE = 50
# The columns a unit's list of people can be sorted by; "ready" (not ready first, then by name) is the default.
SORTS = ("name", "rank", "unit", "ready", "valid_until")


def _rank_seniority():
    """A SQL value that orders grade codes from the most senior down: officers, warrant officers, other ranks
    (NATO STANAG 2116), then police and civilian categories, each from the highest number."""
    from sqlalchemy import case

    from trainer.org.grades import grade_codes

    groups = {"OF": 0, "WO": 1, "OR": 2, "POL": 3, "CIV": 4}
    order = {}
    for code in grade_codes():
        prefix, _, number = code.partition("-")
        order[code] = groups.get(prefix, 5) * 100 + (99 - int(number) if number.isdigit() else 99)
    return case(order, value=Person.rank_code, else_=999)


def _order(sort: str, descending: bool, ready_when, members, st) -> list:
    """ORDER BY of a unit's list of people: the chosen column (SORTS), then by name, then by id (so that pages
    never overlap). "Valid until" lists the not ready, who have no such date, last either way."""
    from sqlalchemy import case

    name = [Person.family_name_latin, Person.given_names_latin]
    if sort == "valid_until":
        until = case((ready_when, st.valid_until), else_=None)
        keys = [case((until.is_(None), 1), else_=0), until.desc() if descending else until]
    else:
        columns = {"name": lambda: name, "rank": lambda: [_rank_seniority()],
                   "unit": lambda: [select(Unit.code).where(Unit.id == members.c.unit_id).scalar_subquery()],
                   "ready": lambda: [case((ready_when, 1), else_=0)]}[sort]()
        keys = [c.desc() for c in columns] if descending else list(columns)
    return keys + (name if sort != "name" else []) + [Person.id]


def member_page(actor, spec: engine.ProfileSpec, as_of: dt.date, unit: Unit, page: int,
                per_page: int = MEMBERS_PER_PAGE, roles="readiness.view", condition=PROFILE_CONDITION_UNKNOWN,
                sort: str = "ready", descending: bool = False):
    """One page of the people of `unit`'s subtree on `as_of`, by default not ready first, then by name (or by
    `sort`, one of SORTS): ordered and counted in SQL (readiness as a set-based condition), and each person's
    standing read from their readiness stretch.
    Returns (page, [Standing], {person id: MemberRow}, {person id: unit id})."""
    from sqlalchemy import func

    if condition is PROFILE_CONDITION_UNKNOWN:
        condition = profile_condition(spec.code)
    members = members_select(actor, as_of, unit=unit, roles=roles, profile_condition=condition).subquery("m")
    stretch, on_day, st = states.covering_seek(Person.id, spec.code, as_of)
    profile = states.profile_of(spec)
    ready_when = states.ready_in(st, Person, profile, screening_required=spec.screening_required)
    order = _order(sort if sort in SORTS else "ready", descending, ready_when, members, st)
    listed = select(*MemberRow.columns(), st.valid_until, st.gaps)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # With its default costs PostgreSQL reads every person of a large force and hashes them to join a unit's
        # few hundred; given the members' ids as one array it fetches them by id (20 ms to 2 at 100,000 people).
        # That read also gives each member's unit and their number, so the page's statement neither joins the
        # postings again (unless it sorts by unit) nor counts its rows in a window (3 ms for 2,000 people).
        unit_of = dict(db.session.execute(select(members.c.person_id, members.c.unit_id)).tuples().all())
        listed = listed.where(among_ids(Person.id, list(unit_of), dialect))
        if sort == "unit":
            listed = listed.join(members, members.c.person_id == Person.id)
        total = len(unit_of)
        page = min(max(1, page), max(1, -(-total // per_page)))  # a page past the end shows the last one
        rows = db.session.execute(_page_of(listed, stretch, on_day, order, page, per_page)).all()
    else:
        # The page's people with their unit, their stretch on the date and the number of people in all, in one
        # statement; a page past the end shows the last one.
        listed = (listed.add_columns(members.c.unit_id, func.count().over().label("total"))
                  .join(members, members.c.person_id == Person.id))
        rows = []
        for _ in range(2):
            rows = db.session.execute(_page_of(listed, stretch, on_day, order, page, per_page)).all()
            if rows or page <= 1:
                break
            total = db.session.scalar(select(func.count()).select_from(members)) or 0
            page = max(1, -(-total // per_page))
        total = rows[0].total if rows else 0
        page = max(1, page) if rows else 1
        unit_of = {row.id: row.unit_id for row in rows}
    listed_people = [MemberRow._make(row[:len(MemberRow._fields)]) for row in rows]
    results = [_standing(spec, profile, person.id, person.screening, row.valid_until, row.gaps)
               for person, row in zip(listed_people, rows)]
    people = {person.id: person for person in listed_people}
    unit_of = {person_id: unit_of[person_id] for person_id in people}
    return Page(page=page, per_page=per_page, total=total), results, people, unit_of


def _page_of(listed, stretch, on_day, order, page: int, per_page: int):
    return (listed.outerjoin(stretch, on_day)
            .order_by(*order)
            .limit(per_page).offset((max(1, page) - 1) * per_page))


class MemberRow(NamedTuple):
    """What a list of people shows of each (html.member_rows_html) and their standing needs, read as plain columns:
    a page of fifty people read as ORM objects cost a fifth of the unit page."""
    id: int
    service_number: str
    rank_code: str
    screening: str
    given_names: str
    family_name: str
    given_names_latin: str
    family_name_latin: str
    name_order: str | None

    @classmethod
    def columns(cls) -> list:
        return [getattr(Person, name) for name in cls._fields]

    @property
    def display_name(self) -> str:
        return display_name(self.given_names, self.family_name, self.given_names_latin, self.family_name_latin,
                            self.name_order)


@dataclass
class Standing:
    """A person's readiness for a profile on a date as a list shows it: ready or not, until when the evidence
    holds, and the requirements not met (without the wording of the person page)."""
    person_id: int
    ready: bool
    valid_until: dt.date | None
    gaps: list[RequirementStatus]


def standings(person_ids, spec: engine.ProfileSpec, as_of: dt.date) -> dict[int, Standing]:
    """Standings of these people from the stretch covering `as_of` (one index seek each) and their screening: the
    engine's verdict without building every requirement's reason (tests hold the two equal)."""
    profile = states.profile_of(spec)
    st = states.stretch_alias()
    query = (select(Person.id, Person.screening, st.valid_until, st.gaps)
             .outerjoin(st, states.covering(st, Person.id, spec.code, as_of))
             .where(Person.id.in_(list(person_ids))))
    return {person_id: _standing(spec, profile, person_id, screening, until, gaps)
            for person_id, screening, until, gaps in db.session.execute(query).tuples()}


def _standing(spec, profile, person_id: int, screening: str, until, gaps: str | None) -> Standing:
    """A standing from the person's screening and the stretch covering the date (gaps None: no stretch, nothing
    recorded, every requirement missing; a stretch keeps the evidence's end only while ready)."""
    missing = [RequirementStatus("exercise" if key == "exercise" else "module", key, state, "")
               for key, state in profile.decode(gaps)]
    if spec.screening_required and screening != "cleared":
        missing.append(RequirementStatus("screening", "screening",
                                         State.ON_HOLD if screening == "hold" else State.MISSING, ""))
    return Standing(person_id, not missing, until, missing)


def people_rows(person_ids) -> dict[int, Person]:
    """The Person records for a set of ids, in one query up to 30,000 people (chunked beyond that only to
    stay under SQLite's 32,766 bound parameters per statement)."""
    ids = list(person_ids)
    found: dict[int, Person] = {}
    for start in range(0, len(ids), 30000):
        for person in db.session.scalars(select(Person).where(Person.id.in_(ids[start:start + 30000]))):
            found[person.id] = person
    return found
