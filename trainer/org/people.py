"""Personnel records: create, edit, transfer, leave service, search. Services flush; the request commits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from flask_babel import gettext as _
from sqlalchemy import case, false, func, select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utc_today
from trainer.enums import Category, PersonStatus, Screening
from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.auth.policy import has_ability
from trainer.org.grades import is_valid_grade
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.org.names import NAME_ORDERS, fold, search_key
from trainer.org.services import ensure_nation, find_unit_in_scope, unit_subtree_ids
from trainer.templating import format_date
from trainer.transactions import flush_versioned
from trainer.typed_values import control_character_message, has_control_character

TEXT_FIELDS = ("service_number", "family_name", "given_names", "family_name_latin", "given_names_latin",
               "national_rank", "email")
PERSON_FIELDS = ("service_number", "family_name", "given_names", "family_name_latin", "given_names_latin",
                 "name_order", "rank_code", "national_rank", "category", "email", "screening")


def validate_person_fields(values: dict, current: Person | None = None) -> list[tuple[str, str]]:
    """Field-level problems of a person record, in words; shared by forms and roster import. A control character
    already stored in a field the change leaves as it is (`current`'s) does not block the change."""
    errors = []
    for field, limit in (("service_number", 40), ("family_name", 120), ("given_names", 200)):
        value = (values.get(field) or "").strip()
        if not value:
            errors.append((field, _("Required.")))
        elif len(value) > limit:
            errors.append((field, _("At most %(limit)d characters.", limit=limit)))
    errors += [(field, control_character_message()) for field in TEXT_FIELDS
               if isinstance(values.get(field), str) and has_control_character(values[field])
               and (current is None or values[field] != getattr(current, field))]
    if not is_valid_grade(values.get("rank_code")):
        errors.append(("rank_code", _("“%(code)s” is not a known grade code (e.g. OF-3, OR-6, WO-2, POL-3, CIV-2).",
                                      code=values.get("rank_code") or "")))
    if values.get("category") not in {c.value for c in Category}:
        errors.append(("category", _("Must be military, police or civilian.")))
    if (values.get("screening") or "pending") not in {s.value for s in Screening}:
        errors.append(("screening", _("Must be pending, cleared or hold.")))
    email = (values.get("email") or "").strip()
    if email and ("@" not in email or len(email) > 254 or " " in email):
        errors.append(("email", _("Not a valid e-mail address.")))
    return errors


def _latin_or_native(value: str | None, native: str) -> str:
    value = (value or "").strip()
    return value or native


def _apply_person_fields(person: Person, values: dict) -> None:
    person.service_number = values["service_number"].strip()
    person.family_name = values["family_name"].strip()
    person.given_names = values["given_names"].strip()
    person.name_order = values.get("name_order") if values.get("name_order") in NAME_ORDERS else None
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
    if unit is None or unit.nation_code != nation.code or (
            actor is not None and not scoping.in_scope(actor, "unit", unit, "org.write")):
        # one answer whether the unit is missing, another nation's or beyond the actor's reach
        errors.append(("unit_id", _("Choose one of your units of the person's nation.")))
    if errors:
        raise Invalid(_("The personnel record could not be saved."), errors=errors)
    if db.session.scalar(select(func.count()).select_from(Person).where(
            Person.nation_code == nation.code, Person.service_number == values["service_number"].strip())):
        raise Conflict(_("A person with this service number already exists in this nation."),
                       errors=[("service_number", _("Already used in this nation."))])
    person = Person(nation_code=nation.code, unit_id=unit.id, status=PersonStatus.ACTIVE.value)
    _apply_person_fields(person, values)
    db.session.add(person)
    db.session.flush()
    db.session.add(UnitAssignment(person_id=person.id, unit_id=unit.id, start_on=start_on or utc_today()))
    if audit:
        record_event(actor, "person.create", person, after=person_snapshot(person))
    db.session.flush()
    return person


def create_person_in_unit(actor, values: dict, unit_id, *, start_on: dt.date | None = None) -> Person:
    """A new person posted to a unit the actor reaches; the nation is the unit's."""
    unit = find_unit_in_scope(actor, unit_id)
    if unit is None:
        raise Invalid(_("Choose a unit."), errors=[("unit_id", _("Choose a unit."))])
    return create_person(actor, values | {"unit_id": unit.id, "nation": unit.nation_code}, start_on=start_on)


def update_person(actor, person: Person, values: dict, *, expected_version: int | None = None) -> Person:
    if expected_version is not None and person.version != expected_version:
        raise Conflict(_("Someone else changed this record since you opened it. Reload it and apply your change again."))
    values = {**person_snapshot(person), **values}
    errors = validate_person_fields(values, current=person)
    if errors:
        raise Invalid(_("The personnel record could not be saved."), errors=errors)
    if values["service_number"].strip() != person.service_number and db.session.scalar(
            select(func.count()).select_from(Person).where(Person.nation_code == person.nation_code,
                                                          Person.service_number == values["service_number"].strip())):
        raise Conflict(_("A person with this service number already exists in this nation."),
                       errors=[("service_number", _("Already used in this nation."))])
    before = person_snapshot(person)
    _apply_person_fields(person, values)
    after = person_snapshot(person)
    if before != after:
        record_event(actor, "person.update", person, before={k: v for k, v in before.items() if before[k] != after[k]},
                     after={k: v for k, v in after.items() if before[k] != after[k]})
    flush_versioned(_("Someone else changed this record at the same time."))
    return person


def transfer_person_to(actor, person: Person, unit_id, on: dt.date, note: str = "") -> UnitAssignment:
    """Transfer to a unit chosen by id; a unit out of the actor's reach is refused like a missing one."""
    unit = find_unit_in_scope(actor, unit_id)
    if unit is None:
        raise Invalid(_("Choose a unit."), errors=[("unit_id", _("Choose a unit."))])
    return transfer_person(actor, person, unit, on, note)


def transfer_person(actor, person: Person, unit: Unit, on: dt.date, note: str = "") -> UnitAssignment:
    if unit.nation_code != person.nation_code:
        raise Invalid(_("A person can only move to a unit of their own nation."),
                      errors=[("unit_id", _("Other nation."))])
    if unit.id == person.unit_id:
        raise Invalid(_("The person is already in that unit."), errors=[("unit_id", _("Same unit."))])
    if person.status == PersonStatus.LEFT_SERVICE.value:
        raise Invalid(_("This person has left service and cannot be transferred."))
    _not_ahead(actor, on)
    if actor is not None and not scoping.in_scope(actor, "unit", unit, "org.write"):
        raise Invalid(_("The transfer could not be saved."), errors=[("unit_id", _("Choose a unit in your scope."))])
    current = db.session.scalar(select(UnitAssignment).where(
        UnitAssignment.person_id == person.id, UnitAssignment.end_on.is_(None)))
    if current is not None:
        if on <= current.start_on:
            raise Invalid(_("The transfer date must be after %(date)s, when the current posting began.",
                            date=format_date(current.start_on)), errors=[("on", _("Too early."))])
        current.end_on = on
    assignment = UnitAssignment(person_id=person.id, unit_id=unit.id, start_on=on, note=note[:300])
    db.session.add(assignment)
    before_unit = person.unit_id
    person.unit_id = unit.id
    record_event(actor, "person.transfer", person, before={"unit": before_unit}, after={"unit": unit.id, "on": on.isoformat()})
    db.session.flush()
    return assignment


def _not_ahead(actor, on: dt.date) -> None:
    """A posting change takes effect when it is recorded: dated later, the record would say what is not yet so.
    "Today" is the day in the recording person's time zone (at 08:00 in Fiji, UTC is still on the day before)."""
    from trainer.auth.zones import today_for

    today = today_for(actor)
    if on > today:
        raise Invalid(_("The change takes effect now, so its date cannot be in the future: record it on the day."),
                      errors=[("on", _("Not after today (%(date)s).", date=format_date(today)))])


def mark_left_service(actor, person: Person, on: dt.date) -> None:
    if person.status == PersonStatus.LEFT_SERVICE.value:
        raise Invalid(_("This person has already left service."))
    _not_ahead(actor, on)
    current = db.session.scalar(select(UnitAssignment).where(
        UnitAssignment.person_id == person.id, UnitAssignment.end_on.is_(None)))
    if current is not None:
        if on < current.start_on:
            raise Invalid(_("The date is before the current posting began."))
        current.end_on = on
    person.status = PersonStatus.LEFT_SERVICE.value
    record_event(actor, "person.left_service", person, after={"on": on.isoformat()})
    db.session.flush()


def get_person(actor, person_id, roles="person.read") -> Person:
    return scoping.get_scoped(actor, "person", person_id, roles)


@dataclass
class AllowedActions:
    """Which of a page's actions the actor may take, one flag each; true when any is (the page then shows them)."""

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class PersonActions(AllowedActions):
    """What the actor may do for this person from their page, each shown only when allowed."""
    assign_training: bool = False
    record_completion: bool = False
    issue_certificate: bool = False
    create_account: bool = False


@dataclass
class PersonPage:
    person: Person
    can_edit: bool
    account: object | None
    actions: PersonActions


def get_person_page(actor, person_id) -> PersonPage:
    """A person's record, whether the actor may change it, (for those who may) their account, and the
    training, completion and certificate actions the actor may take for them."""
    from trainer.auth.models import User

    person = get_person(actor, person_id)
    can_edit = scoping.in_scope(actor, "person", person, "org.write")
    account = db.session.scalar(select(User).where(User.person_id == person.id)) if can_edit else None
    actions = PersonActions()
    if person.status == PersonStatus.ACTIVE.value:
        records = has_ability(actor, "training.record") and scoping.in_scope(actor, "person", person, "training.record")
        actions = PersonActions(
            assign_training=records, record_completion=records,
            issue_certificate=has_ability(actor, "certificate.issue")
            and scoping.in_scope(actor, "person", person, "certificate.issue"),
            create_account=can_edit and account is None)
    return PersonPage(person, can_edit, account, actions)


ACCOUNT_FILTERS = ("none", "linked")


def search_people(actor, *, q: str | None = None, nation: str | None = None, unit_id: int | None = None,
                  category: str | None = None, status: str | None = "active", screening: str | None = None,
                  account: str | None = None, roles="org.read", order=None):
    """A query for people in the actor's scope matching the filters (accent- and case-insensitive search),
    by name unless `order` (a sequence of ORDER BY terms) says otherwise; the id always breaks ties."""
    from trainer.auth.models import User

    query = select(Person).where(scoping.scope_condition(actor, "person", roles))
    if q:
        for token in fold(q).split():
            query = query.where(Person.search_text.contains(token))
    if nation:
        query = query.where(Person.nation_code == nation.upper())
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        # a unit that does not exist lists no one, as one outside the actor's reach does: the answer does not
        # tell which unit ids exist
        query = query.where(Person.unit_id.in_(unit_subtree_ids(unit)) if unit is not None else false())
    if category:
        query = query.where(Person.category == category)
    if status:
        query = query.where(Person.status == status)
    if screening:
        query = query.where(Person.screening == screening)
    if account in ACCOUNT_FILTERS:
        linked = Person.id.in_(select(User.person_id).where(User.person_id.is_not(None)))
        query = query.where(linked if account == "linked" else ~linked)
    if order is None:
        order = (Person.family_name_latin, Person.given_names_latin)
    return query.order_by(*order, Person.id)


def screening_rank():
    """Screening in the order a reader acts on it: holds first, then pending, then cleared."""
    return case({Screening.HOLD.value: 0, Screening.PENDING.value: 1, Screening.CLEARED.value: 2},
                value=Person.screening, else_=3)
