"""Writes and reads for nations, units and personnel. Services flush; the caller commits."""
from __future__ import annotations

import datetime as dt

import pycountry
from sqlalchemy import func, literal, select, update

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.enums import Category, PersonStatus, Screening, UnitKind
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.org.grades import is_valid_grade
from trainer.org.models import Nation, Person, Unit, UnitAssignment
from trainer.org.names import fold, search_key


PERSON_FIELDS = ("service_number", "family_name", "given_names", "family_name_latin", "given_names_latin",
                 "rank_code", "national_rank", "category", "email", "screening")


# --- nations --------------------------------------------------------------------------------

def ensure_nation(code: str) -> Nation:
    code = (code or "").strip().upper()
    nation = db.session.get(Nation, code)
    if nation is not None:
        return nation
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        raise Invalid(f"{code!r} is not an ISO 3166-1 alpha-3 country code.")
    nation = Nation(code=code, name=getattr(country, "common_name", None) or country.name)
    db.session.add(nation)
    db.session.flush()
    return nation


def set_nation_active(actor, code: str, active: bool) -> Nation:
    nation = ensure_nation(code)
    nation.active = active
    record_event(actor, "nation.activate" if active else "nation.deactivate", nation, object_id=nation.code)
    db.session.flush()
    return nation


# --- units ----------------------------------------------------------------------------------

def reaches_whole_nation(actor, nation_code: str, roles="org.write") -> bool:
    return scoping.reaches_whole_nation(actor, nation_code, roles)


def create_unit(actor, *, nation_code: str, code: str, name: str, kind: str, parent_id: int | None = None) -> Unit:
    nation = ensure_nation(nation_code)
    if actor is not None:
        if parent_id:
            candidate = db.session.get(Unit, parent_id)
            if candidate is None or not scoping.in_scope(actor, "unit", candidate, "org.write"):
                raise Invalid("The unit could not be saved.", errors=[("parent_id", "Choose a parent unit in your scope.")])
        elif not reaches_whole_nation(actor, nation.code):
            raise Invalid("The unit could not be saved.",
                          errors=[("parent_id", "Choose a parent unit: you may add units only inside your own.")])
        if not nation.active:
            raise Invalid("The unit could not be saved.", errors=[("nation_code", "This nation is not active.")])
    code = (code or "").strip().upper()
    errors = []
    if not code or len(code) > 40:
        errors.append(("code", "A code of 1 to 40 characters is required."))
    if not (name or "").strip():
        errors.append(("name", "A name is required."))
    if kind not in {k.value for k in UnitKind}:
        errors.append(("kind", "Choose a kind of unit from the list."))
    parent = None
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None or parent.nation_code != nation.code:
            errors.append(("parent_id", "The parent unit must belong to the same nation."))
    if errors:
        raise Invalid("The unit could not be saved.", errors=errors)
    if db.session.scalar(select(func.count()).select_from(Unit).where(Unit.nation_code == nation.code, Unit.code == code)):
        raise Conflict(f"A unit with code {code} already exists in {nation.code}.", errors=[("code", "Already used in this nation.")])
    unit = Unit(nation_code=nation.code, code=code, name=name.strip(), kind=kind, parent_id=parent.id if parent else None)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record_event(actor, "unit.create", unit, after={"nation": nation.code, "code": code, "name": unit.name,
                                                     "parent": parent.code if parent else None})
    db.session.flush()
    return unit


def update_unit(actor, unit: Unit, *, code: str, name: str, kind: str, parent_id: int | None,
                expected_version: int | None = None) -> Unit:
    """Rename, re-code or move a unit inside its nation; the materialised paths of its subtree follow."""
    if expected_version is not None and unit.version != expected_version:
        raise Conflict("Someone else changed this unit since you opened it. Your entries are kept below: "
                       "check the current values and save again.")
    code = (code or "").strip().upper()
    errors = []
    if not code or len(code) > 40:
        errors.append(("code", "A code of 1 to 40 characters is required."))
    if not (name or "").strip():
        errors.append(("name", "A name is required."))
    if kind not in {k.value for k in UnitKind}:
        errors.append(("kind", "Choose a kind of unit from the list."))
    parent = None
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None or parent.nation_code != unit.nation_code:
            errors.append(("parent_id", "The parent unit must belong to the same nation."))
        elif parent.path.startswith(unit.path):
            errors.append(("parent_id", "A unit cannot be moved under itself or one of its sub-units."))
        elif actor is not None and not scoping.in_scope(actor, "unit", parent, "org.write"):
            errors.append(("parent_id", "Choose a parent unit in your scope."))
    elif unit.parent_id is not None and actor is not None and not reaches_whole_nation(actor, unit.nation_code):
        errors.append(("parent_id", "Only a training officer of the whole nation can make a top-level unit."))
    if errors:
        raise Invalid("The unit could not be saved.", errors=errors)
    if code != unit.code and db.session.scalar(select(func.count()).select_from(Unit).where(
            Unit.nation_code == unit.nation_code, Unit.code == code)):
        raise Conflict(f"A unit with code {code} already exists in {unit.nation_code}.",
                       errors=[("code", "Already used in this nation.")])
    before = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.code, unit.name, unit.kind = code, name.strip(), kind
    unit.parent_id = parent.id if parent else None
    if new_path != old_path:
        unit.path = new_path
        db.session.flush()
        # Every descendant's path begins with the old prefix: swap it for the new one in one statement.
        db.session.execute(
            update(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
            .values(path=literal(new_path) + func.substr(Unit.path, len(old_path) + 1))
            .execution_options(synchronize_session=False))
        db.session.expire_all()
    after = {"code": code, "name": unit.name, "kind": kind, "parent": unit.parent_id}
    if before != after:
        record_event(actor, "unit.update", unit, before={k: v for k, v in before.items() if before[k] != after[k]},
                     after={k: v for k, v in after.items() if before[k] != after[k]})
    db.session.flush()
    return unit


def list_units(actor, roles="org.read", nation: str | None = None) -> list[Unit]:
    """The units in the actor's scope, in tree order (each unit followed by its sub-units, by code)."""
    query = select(Unit).where(scoping.scope_condition(actor, "unit", roles))
    if nation:
        query = query.where(Unit.nation_code == nation)
    units = db.session.scalars(query).unique().all()
    return tree_order(units)


def tree_order(units: list[Unit]) -> list[Unit]:
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        # A unit whose parent is out of view starts its own branch.
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    ordered: list[Unit] = []

    def walk(parent_id):
        for u in sorted(children.get(parent_id, []), key=lambda x: (x.nation_code, x.code)):
            ordered.append(u)
            walk(u.id)

    walk(None)
    return ordered


def unit_subtree_ids(unit: Unit):
    return select(Unit.id).where(Unit.path.startswith(unit.path))


def get_unit(actor, unit_id, roles="org.read") -> Unit:
    return scoping.get_scoped(actor, "unit", unit_id, roles)


def find_unit(nation_code: str, code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.nation_code == nation_code.upper(), Unit.code == code.strip().upper()))


# --- personnel ------------------------------------------------------------------------------

def validate_person_fields(values: dict) -> list[tuple[str, str]]:
    """Field-level problems of a person record, in words; shared by forms and roster import."""
    errors = []
    for field, limit in (("service_number", 40), ("family_name", 120), ("given_names", 200)):
        value = (values.get(field) or "").strip()
        if not value:
            errors.append((field, "Required."))
        elif len(value) > limit:
            errors.append((field, f"At most {limit} characters."))
    if not is_valid_grade(values.get("rank_code")):
        errors.append(("rank_code", f"{values.get('rank_code')!r} is not a known grade code (e.g. OF-3, OR-6, WO-2, POL-3, CIV-2)."))
    if values.get("category") not in {c.value for c in Category}:
        errors.append(("category", "Must be military, police or civilian."))
    if (values.get("screening") or "pending") not in {s.value for s in Screening}:
        errors.append(("screening", "Must be pending, cleared or hold."))
    email = (values.get("email") or "").strip()
    if email and ("@" not in email or len(email) > 254 or " " in email):
        errors.append(("email", "Not a valid e-mail address."))
    return errors


def _latin_or_native(value: str | None, native: str) -> str:
    value = (value or "").strip()
    return value or native


def _apply_person_fields(person: Person, values: dict) -> None:
    person.service_number = values["service_number"].strip()
    person.family_name = values["family_name"].strip()
    person.given_names = values["given_names"].strip()
    person.family_name_latin = _latin_or_native(values.get("family_name_latin"), person.family_name)
    person.given_names_latin = _latin_or_native(values.get("given_names_latin"), person.given_names)
    person.rank_code = values["rank_code"]
    person.national_rank = (values.get("national_rank") or "").strip()
    person.category = values["category"]
    person.email = (values.get("email") or "").strip() or None
    person.screening = values.get("screening") or Screening.PENDING.value
    person.search_text = search_key(person.family_name, person.given_names, person.family_name_latin,
                                    person.given_names_latin, person.service_number)


def person_snapshot(person: Person) -> dict:
    return {f: getattr(person, f) for f in PERSON_FIELDS} | {"unit": person.unit_id, "status": person.status}


def create_person(actor, values: dict, *, start_on: dt.date | None = None, audit: bool = True) -> Person:
    nation = ensure_nation(values.get("nation") or values.get("nation_code") or "")
    errors = validate_person_fields(values)
    unit = db.session.get(Unit, values.get("unit_id")) if values.get("unit_id") else None
    if unit is None or unit.nation_code != nation.code:
        errors.append(("unit_id", "Choose a unit of the person's nation."))
    elif actor is not None and not scoping.in_scope(actor, "unit", unit, "org.write"):
        errors.append(("unit_id", "Choose a unit in your scope."))
    if errors:
        raise Invalid("The personnel record could not be saved.", errors=errors)
    if db.session.scalar(select(func.count()).select_from(Person).where(
            Person.nation_code == nation.code, Person.service_number == values["service_number"].strip())):
        raise Conflict("A person with this service number already exists in this nation.",
                       errors=[("service_number", "Already used in this nation.")])
    person = Person(nation_code=nation.code, unit_id=unit.id, status=PersonStatus.ACTIVE.value)
    _apply_person_fields(person, values)
    db.session.add(person)
    db.session.flush()
    db.session.add(UnitAssignment(person_id=person.id, unit_id=unit.id, start_on=start_on or dt.date.today()))
    if audit:
        record_event(actor, "person.create", person, after=person_snapshot(person))
    db.session.flush()
    return person


def update_person(actor, person: Person, values: dict, *, expected_version: int | None = None) -> Person:
    if expected_version is not None and person.version != expected_version:
        raise Conflict("Someone else changed this record since you opened it. Reload it and apply your change again.")
    values = {**person_snapshot(person), **values}
    errors = validate_person_fields(values)
    if errors:
        raise Invalid("The personnel record could not be saved.", errors=errors)
    if values["service_number"].strip() != person.service_number and db.session.scalar(
            select(func.count()).select_from(Person).where(Person.nation_code == person.nation_code,
                                                          Person.service_number == values["service_number"].strip())):
        raise Conflict("A person with this service number already exists in this nation.",
                       errors=[("service_number", "Already used in this nation.")])
    before = person_snapshot(person)
    _apply_person_fields(person, values)
    after = person_snapshot(person)
    if before != after:
        record_event(actor, "person.update", person, before={k: v for k, v in before.items() if before[k] != after[k]},
                     after={k: v for k, v in after.items() if before[k] != after[k]})
    db.session.flush()
    return person


def transfer_person(actor, person: Person, unit: Unit, on: dt.date, note: str = "") -> UnitAssignment:
    if unit.nation_code != person.nation_code:
        raise Invalid("A person can only move to a unit of their own nation.", errors=[("unit_id", "Other nation.")])
    if unit.id == person.unit_id:
        raise Invalid("The person is already in that unit.", errors=[("unit_id", "Same unit.")])
    if person.status == PersonStatus.LEFT_SERVICE.value:
        raise Invalid("This person has left service and cannot be transferred.")
    if actor is not None and not scoping.in_scope(actor, "unit", unit, "org.write"):
        raise Invalid("The transfer could not be saved.", errors=[("unit_id", "Choose a unit in your scope.")])
    current = db.session.scalar(select(UnitAssignment).where(
        UnitAssignment.person_id == person.id, UnitAssignment.end_on.is_(None)))
    if current is not None:
        if on <= current.start_on:
            raise Invalid(f"The transfer date must be after {current.start_on.isoformat()}, when the current posting began.",
                          errors=[("on", "Too early.")])
        current.end_on = on
    assignment = UnitAssignment(person_id=person.id, unit_id=unit.id, start_on=on, note=note[:300])
    db.session.add(assignment)
    before_unit = person.unit_id
    person.unit_id = unit.id
    record_event(actor, "person.transfer", person, before={"unit": before_unit}, after={"unit": unit.id, "on": on.isoformat()})
    db.session.flush()
    return assignment


def mark_left_service(actor, person: Person, on: dt.date) -> None:
    if person.status == PersonStatus.LEFT_SERVICE.value:
        raise Invalid("This person has already left service.")
    current = db.session.scalar(select(UnitAssignment).where(
        UnitAssignment.person_id == person.id, UnitAssignment.end_on.is_(None)))
    if current is not None:
        if on < current.start_on:
            raise Invalid("The date is before the current posting began.")
        current.end_on = on
    person.status = PersonStatus.LEFT_SERVICE.value
    record_event(actor, "person.left_service", person, after={"on": on.isoformat()})
    db.session.flush()


def get_person(actor, person_id, roles="person.read") -> Person:
    return scoping.get_scoped(actor, "person", person_id, roles)


def search_people(actor, *, q: str | None = None, nation: str | None = None, unit_id: int | None = None,
                  category: str | None = None, status: str | None = "active", screening: str | None = None,
                  roles="org.read"):
    """A query for people in the actor's scope matching the filters (accent- and case-insensitive search)."""
    query = select(Person).where(scoping.scope_condition(actor, "person", roles))
    if q:
        for token in fold(q).split():
            query = query.where(Person.search_text.contains(token))
    if nation:
        query = query.where(Person.nation_code == nation.upper())
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound()
        query = query.where(Person.unit_id.in_(unit_subtree_ids(unit)))
    if category:
        query = query.where(Person.category == category)
    if status:
        query = query.where(Person.status == status)
    if screening:
        query = query.where(Person.screening == screening)
    return query.order_by(Person.family_name_latin, Person.given_names_latin, Person.id)
