"""Writes and reads for nations and units. Services flush; the request commits."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry
from flask_babel import gettext as _
from sqlalchemy import func, literal, select, update

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.enums import PersonStatus, UnitKind
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Nation, Person, Unit
from trainer.transactions import flush_versioned


# --- nations --------------------------------------------------------------------------------

def ensure_nation(code: str) -> Nation:
    code = (code or "").strip().upper()
    nation = db.session.get(Nation, code)
    if nation is not None:
        return nation
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        raise Invalid(_("“%(code)s” is not an ISO 3166-1 alpha-3 country code.", code=code))
    nation = Nation(code=code, name=getattr(country, "common_name", None) or country.name)
    db.session.add(nation)
    db.session.flush()
    return nation


def list_nation_rows(actor, search: str = "", language: str = "en") -> list[dict]:
    """Every ISO 3166 country with whether it takes part (is active), active ones first, for the
    administrator's nations page, named in the reader's language; `search` matches that name or the English
    one (accents and capitals aside) or the alpha-3 code."""
    from trainer.org.labels import nation_name
    from trainer.org.names import fold

    search = fold(search)
    known = {n.code: n for n in db.session.scalars(select(Nation))}
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        name = nation_name(country.alpha_3, language)
        if search and search not in fold(name) and search not in fold(english) and search != country.alpha_3.lower():
            continue
        nation = known.get(country.alpha_3)
        rows.append({"code": country.alpha_3, "name": name, "active": bool(nation and nation.active)})
    rows.sort(key=lambda r: (not r["active"], fold(r["name"])))
    return rows


def list_nations(actor, *, include_inactive: bool = False) -> list[Nation]:
    """The nations known here, by code: those taking part (active), and with include_inactive the others too.
    Nations are mission-wide reference data: every signed-in user may read them."""
    query = select(Nation).order_by(Nation.code)
    if not include_inactive:
        query = query.where(Nation.active)
    return list(db.session.scalars(query))


def toggle_nation(actor, code: str) -> Nation:
    """Make an inactive (or unknown) nation active, or an active one inactive."""
    if not re.fullmatch(r"[A-Za-z]{3}", code or ""):
        raise NotFound()
    nation = db.session.get(Nation, code.upper())
    return set_nation_active(actor, code.upper(), not (nation and nation.active))


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
                raise Invalid(_("The unit could not be saved."),
                              errors=[("parent_id", _("Choose a parent unit in your scope."))])
        elif not reaches_whole_nation(actor, nation.code):
            raise Invalid(_("The unit could not be saved."),
                          errors=[("parent_id", _("Choose a parent unit: you may add units only inside your own."))])
        if not nation.active:
            raise Invalid(_("The unit could not be saved."), errors=[("nation_code", _("This nation is not active."))])
    code, parent, errors = _unit_entries(code, name, kind, parent_id, nation.code)
    if errors:
        raise Invalid(_("The unit could not be saved."), errors=errors)
    _refuse_taken_code(nation.code, code)
    unit = Unit(nation_code=nation.code, code=code, name=name.strip(), kind=kind, parent_id=parent.id if parent else None)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record_event(actor, "unit.create", unit, after={"nation": nation.code, "code": code, "name": unit.name,
                                                     "parent": parent.code if parent else None})
    db.session.flush()
    return unit


def _unit_entries(code: str, name: str, kind: str, parent_id: int | None, nation_code: str):
    """A unit's code as stored, its parent unit (None when there is none or it is refused) and the errors in
    what was entered."""
    code = (code or "").strip().upper()
    errors = []
    if not code or len(code) > 40:
        errors.append(("code", _("A code of 1 to 40 characters is required.")))
    if not (name or "").strip():
        errors.append(("name", _("A name is required.")))
    if kind not in {k.value for k in UnitKind}:
        errors.append(("kind", _("Choose a kind of unit from the list.")))
    parent = None
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None or parent.nation_code != nation_code:
            errors.append(("parent_id", _("The parent unit must belong to the same nation.")))
            parent = None
    return code, parent, errors


def _refuse_taken_code(nation_code: str, code: str) -> None:
    if db.session.scalar(select(func.count()).select_from(Unit).where(Unit.nation_code == nation_code,
                                                                      Unit.code == code)):
        raise Conflict(_("A unit with code %(code)s already exists in %(nation)s.", code=code, nation=nation_code),
                       errors=[("code", _("Already used in this nation."))])


def update_unit(actor, unit: Unit, *, code: str, name: str, kind: str, parent_id: int | None,
                expected_version: int | None = None) -> Unit:
    """Rename, re-code or move a unit inside its nation; the materialised paths of its subtree follow."""
    if expected_version is not None and unit.version != expected_version:
        raise Conflict(_("Someone else changed this unit since you opened it. Your entries are kept below: "
                         "check the current values and save again."))
    code, parent, errors = _unit_entries(code, name, kind, parent_id, unit.nation_code)
    if parent is not None:
        if parent.path.startswith(unit.path):
            errors.append(("parent_id", _("A unit cannot be moved under itself or one of its sub-units.")))
        elif actor is not None and not scoping.in_scope(actor, "unit", parent, "org.write"):
            errors.append(("parent_id", _("Choose a parent unit in your scope.")))
    elif not parent_id and unit.parent_id is not None and actor is not None \
            and not reaches_whole_nation(actor, unit.nation_code):
        errors.append(("parent_id", _("Only a training officer of the whole nation can make a top-level unit.")))
    if errors:
        raise Invalid(_("The unit could not be saved."), errors=errors)
    if code != unit.code:
        _refuse_taken_code(unit.nation_code, code)
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
    flush_versioned(_("Someone else changed this unit at the same time. Check and save again."))
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


def find_unit_in_scope(actor, unit_id, roles="org.write") -> Unit | None:
    """The unit with this id if the actor reaches it, else None (for a choice that may be stale)."""
    try:
        return scoping.get_scoped(actor, "unit", unit_id, roles)
    except NotFound:
        return None


@dataclass
class UnitsOverview:
    by_nation: dict[str, list[Unit]]
    counts: dict[int, int]
    nation_names: dict[str, str]


def units_overview(actor) -> UnitsOverview:
    """The units in reach, by nation in tree order, with their active people counted."""
    rows = list_units(actor)
    counts = dict(db.session.execute(
        select(Person.unit_id, func.count()).where(Person.status == PersonStatus.ACTIVE.value,
                                                   Person.unit_id.in_([u.id for u in rows]))
        .group_by(Person.unit_id)).all()) if rows else {}
    by_nation: dict[str, list[Unit]] = {}
    for unit in rows:
        by_nation.setdefault(unit.nation_code, []).append(unit)
    names = {n.code: n.name for n in db.session.scalars(select(Nation).where(Nation.code.in_(by_nation)))}
    return UnitsOverview(by_nation, counts, names)


@dataclass
class UnitPage:
    unit: Unit
    children: list[Unit]
    people_count: int
    ancestors: list[Unit]


def get_unit_page(actor, unit_id) -> UnitPage:
    """A unit with its sub-units, its active people counted over the subtree, and the ancestors the
    actor may open."""
    unit = get_unit(actor, unit_id)
    children = tree_order(db.session.scalars(
        select(Unit).where(Unit.path.startswith(unit.path), Unit.id != unit.id)).unique().all())
    people_count = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.unit_id.in_(unit_subtree_ids(unit)), Person.status == PersonStatus.ACTIVE.value)) or 0
    ancestor_ids = [int(i) for i in unit.path.strip("/").split("/")[:-1]]
    ancestors = list(db.session.scalars(select(Unit).where(
        Unit.id.in_(ancestor_ids), scoping.scope_condition(actor, "unit", "org.read")))) if ancestor_ids else []
    ancestors.sort(key=lambda a: ancestor_ids.index(a.id))
    return UnitPage(unit, children, people_count, ancestors)


def unit_form_options(actor, unit: Unit | None = None) -> tuple[list[Nation], list[Unit]]:
    """For the unit form: the nations the actor may add units in, and the possible parent units (in
    reach, of the unit's nation, never the unit itself or one of its sub-units)."""
    writable = list_units(actor, "org.write", nation=unit.nation_code if unit else None)
    active = list(db.session.scalars(select(Nation).where(Nation.active).order_by(Nation.name)))
    codes = {u.nation_code for u in writable} | {n.code for n in active if reaches_whole_nation(actor, n.code)}
    nations = [n for n in db.session.scalars(select(Nation).where(Nation.code.in_(codes)).order_by(Nation.name))]
    parents = [u for u in writable if unit is None or not u.path.startswith(unit.path)]
    return nations, parents


def find_unit(nation_code: str, code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.nation_code == nation_code.upper(), Unit.code == code.strip().upper()))


