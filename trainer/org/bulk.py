"""Actions on the people selected on the personnel list: assign training, create trainee accounts,
transfer to a unit, export. Each takes the actor, reaches the people only through the scoping helper, and
does all of its work or none: every check runs before the first write, and a refusal raised later rolls
the request's single transaction back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.enums import PersonStatus
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.org.people import transfer_person
from trainer.org.services import find_unit_in_scope, list_units
from trainer.templating import format_date

# More than a list page shows (50), fewer than would make one request hold the database for long.
MAX_SELECTION = 500


def parse_ids(values) -> list[int]:
    """The person ids of a submitted selection, in order, without repeats; anything else is dropped."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(str(value).strip())
        except ValueError:
            continue
        if 0 < number < 2**31 and number not in ids:
            ids.append(number)
    return ids


def get_selection(actor, values, ability: str) -> list[Person]:
    """The selected people, by name, if the actor reaches every one of them through `ability`."""
    ids = parse_ids(values)
    if not ids:
        raise Invalid(_("Select at least one person first: tick the boxes in the list."))
    if len(ids) > MAX_SELECTION:
        raise Invalid(_("Select at most %(limit)d people at a time.", limit=MAX_SELECTION))
    people = list(db.session.scalars(
        select(Person).where(Person.id.in_(ids), scoping.scope_condition(actor, "person", ability))
        .order_by(Person.family_name_latin, Person.given_names_latin, Person.id)).unique())
    if len(people) != len(ids):
        # Someone selected is gone or out of reach: say so without telling which exists.
        raise NotFound(_("Some of the selected people were not found in your scope. Nothing was changed; "
                         "reload the list and select again."))
    return people


def _problem(person: Person, text: str) -> tuple[str, str]:
    return ("people", f"{person.display_name} ({person.nation_code} {person.service_number}): {text}")


# --- assign training -------------------------------------------------------------------------

def assign_training(actor, values, *, code: str, due_on: dt.date | None) -> int:
    """Assign a readiness profile or a module to each selected person (one assignment each, as if
    assigned one by one, each audited), plus one event for the whole selection."""
    from trainer.curricula.services import list_profiles
    from trainer.learning import services as learning

    people = get_selection(actor, values, "training.record")
    left = [_problem(p, _("has left service.")) for p in people if p.status != PersonStatus.ACTIVE.value]
    if left:
        raise Invalid(_("Nobody was assigned: training cannot be assigned to people who left service."), errors=left)
    kind = "profile" if code in {p.code for p in list_profiles()} else "module"
    for person in people:
        learning.assign(actor, kind=kind, code=code, person_id=person.id, due_on=due_on)
    record_event(actor, "people.assign", None, object_type="people",
                 after={"kind": kind, "code": code, "due_on": due_on.isoformat() if due_on else None,
                        "people": [p.id for p in people]})
    return len(people)


# --- trainee accounts ------------------------------------------------------------------------

@dataclass
class AccountsPlan:
    """Who of a selection would get an account, and who is passed over and why."""
    people: list[Person]
    with_account: list[Person] = field(default_factory=list)
    left_service: list[Person] = field(default_factory=list)


def plan_accounts(actor, values) -> AccountsPlan:
    from trainer.auth.models import User

    selected = get_selection(actor, values, "org.write")
    linked = set(db.session.scalars(select(User.person_id).where(User.person_id.in_([p.id for p in selected]))))
    plan = AccountsPlan([])
    for person in selected:
        if person.id in linked:
            plan.with_account.append(person)
        elif person.status != PersonStatus.ACTIVE.value:
            plan.left_service.append(person)
        else:
            plan.people.append(person)
    return plan


def create_accounts(settings, actor, values):
    """A trainee account with a one-time password for each selected person in service without one."""
    from trainer.auth.trainee_accounts import create_trainee_accounts_for

    plan = plan_accounts(actor, values)
    if not plan.people:
        raise Invalid(_("No account was created: everyone selected already has one or has left service."))
    return plan, create_trainee_accounts_for(settings, actor, plan.people)


# --- transfer --------------------------------------------------------------------------------

def transfer_options(actor, people: list[Person]) -> list[Unit]:
    """The units the selection could move to: in the actor's reach, of the selection's one nation."""
    nations = {p.nation_code for p in people}
    return list_units(actor, "org.write", nation=nations.pop()) if len(nations) == 1 else []


def transfer_people(actor, values, *, unit_id, on: dt.date | None, note: str = "") -> tuple[Unit, int, int]:
    """Move every selected person to one unit from a date; people already there are left as they are.
    Returns the unit, how many moved and how many were already there."""
    people = get_selection(actor, values, "org.write")
    unit = find_unit_in_scope(actor, unit_id)
    errors = []
    if unit is None:
        errors.append(("unit_id", _("Choose a unit in your scope.")))
    if on is None:
        errors.append(("on", _("Enter the date of the transfer.")))
    if errors:
        raise Invalid(_("Nobody was transferred."), errors=errors)
    starts = dict(db.session.execute(select(UnitAssignment.person_id, UnitAssignment.start_on).where(
        UnitAssignment.person_id.in_([p.id for p in people]), UnitAssignment.end_on.is_(None))).all())
    moving, staying, problems = [], 0, []
    for person in people:
        if person.status != PersonStatus.ACTIVE.value:
            problems.append(_problem(person, _("has left service.")))
        elif person.nation_code != unit.nation_code:
            problems.append(_problem(person, _("belongs to another nation than %(unit)s.", unit=unit.code)))
        elif person.unit_id == unit.id:
            staying += 1
        elif person.id in starts and on <= starts[person.id]:
            problems.append(_problem(person, _("the current posting began on %(date)s: the transfer must be later.",
                                               date=format_date(starts[person.id]))))
        else:
            moving.append(person)
    if problems:
        raise Invalid(ngettext("Nobody was transferred: %(num)d of the selected people cannot be.",
                               "Nobody was transferred: %(num)d of the selected people cannot be.", len(problems)),
                      errors=problems)
    for person in moving:
        transfer_person(actor, person, unit, on, note)
    record_event(actor, "people.transfer", unit, object_type="units", object_id=unit.id,
                 after={"on": on.isoformat(), "moved": [p.id for p in moving], "already_there": staying})
    return unit, len(moving), staying


# --- export ----------------------------------------------------------------------------------

def export_selection(actor, values, fmt: str, *, classification: str = "") -> tuple[bytes, str]:
    """The selected people as a roster file (the import's columns, so it can be edited and imported
    again): CSV or XLSX bytes and the file's extension. The export is audited: it carries personal data."""
    from trainer.org import exports

    if fmt not in ("csv", "xlsx"):
        raise Invalid(_("Choose CSV or XLSX."))
    people = get_selection(actor, values, "org.read")
    data = exports.to_xlsx(people, classification=classification) if fmt == "xlsx" else exports.to_csv(people)
    record_event(actor, "people.export", None, object_type="people",
                 after={"format": fmt, "people": [p.id for p in people]})
    return data, fmt
