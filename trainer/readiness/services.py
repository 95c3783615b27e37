"""Readiness writes: waivers, deployments and assessed unit levels. Each takes the actor, checks scope,
audits and flushes; the caller commits."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utc_today, utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness import aggregate, engine, intervals, listing
from trainer.readiness.models import (
    DEFAULT_THRESHOLDS, AssessedLevel, Deployment, DeploymentMember, DeploymentUnit, Level, Thresholds, Waiver,
)
from trainer.readiness.profiles import list_profiles



def _text(value, field: str, missing: str, errors: list, *, limit: int | None = None) -> str:
    """The stripped text, or `missing` (the message for an empty field) and a length error in `errors`."""
    value = (value or "").strip()
    if not value:
        errors.append((field, missing))
    elif limit and len(value) > limit:
        errors.append((field, _("At most %(limit)d characters.", limit=limit)))
    return value


def _date(value, field: str, errors: list) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        errors.append((field, _("Enter the date as YYYY-MM-DD.")))
        return None


# --- waivers -------------------------------------------------------------------------------------


def known_requirements() -> list[tuple[str, str]]:
    """Every requirement a waiver may name: module codes of any profile, and the exercise requirement."""
    from trainer.curricula.models import Module, ReadinessProfile, pick
    from trainer.readiness.wording import reader_language

    language = reader_language()
    codes: set[str] = set()
    for (required,) in db.session.execute(select(ReadinessProfile.required_modules)):
        codes.update(required or ())
    titles = {code: pick(title, language) for code, title in
              db.session.execute(select(Module.code, Module.title).where(Module.code.in_(codes)).order_by(Module.major))}
    return [(code, f"{code} {titles.get(code, '')}".strip()) for code in sorted(codes)] + [("exercise", _("Exercise requirement"))]


def grant_waiver(actor, person: Person, *, requirement: str, authority: str, reason: str, expires_on,
                 granted_on: dt.date | None = None) -> Waiver:
    person = scoping.get_scoped(actor, "person", person.id, "waiver.grant")
    errors: list = []
    requirement = (requirement or "").strip()
    if requirement not in {code for code, _label in known_requirements()}:
        errors.append(("requirement", _("Choose a requirement of a readiness profile.")))
    authority = _text(authority, "authority", _("Enter the authority under which it is waived."), errors, limit=300)
    reason = _text(reason, "reason", _("Enter the reason."), errors, limit=4000)
    granted_on = granted_on or utc_today()
    expires = _date(expires_on, "expires_on", errors)
    if expires is not None and expires < granted_on:
        errors.append(("expires_on", _("The expiry must be on or after the day it is granted.")))
    if expires is not None and expires > granted_on + dt.timedelta(days=731):
        errors.append(("expires_on", _("A waiver may last at most two years.")))
    if errors:
        raise Invalid(_("The waiver was not recorded."), errors=errors)
    active = db.session.scalar(select(Waiver.id).where(
        Waiver.person_id == person.id, Waiver.requirement == requirement, Waiver.revoked_at.is_(None),
        Waiver.expires_on >= granted_on))
    if active is not None:
        raise Conflict(_("This requirement is already waived for this person. Revoke that waiver first."),
                       errors=[("requirement", _("Already waived."))])
    waiver = Waiver(person_id=person.id, requirement=requirement, authority=authority, reason=reason,
                    granted_on=granted_on, expires_on=expires, granted_by_id=getattr(actor, "id", None))
    db.session.add(waiver)
    db.session.flush()
    record_event(actor, "waiver.grant", waiver, after={"person": person.id, "requirement": requirement,
                                                       "authority": authority, "reason": reason,
                                                       "granted_on": granted_on.isoformat(), "expires_on": expires.isoformat()})
    intervals.refresh_people([person.id])
    db.session.flush()
    return waiver


def revoke_waiver(actor, waiver_id, *, reason: str) -> Waiver:
    waiver = scoping.get_scoped(actor, "waiver", waiver_id, "waiver.grant")
    errors: list = []
    reason = _text(reason, "reason", _("Enter the reason for revoking."), errors, limit=4000)
    if errors:
        raise Invalid(_("The waiver was not revoked."), errors=errors)
    if waiver.revoked_at is not None:
        raise Conflict(_("This waiver has already been revoked."))
    waiver.revoked_at = utcnow()
    waiver.revoked_by_id = getattr(actor, "id", None)
    waiver.revoke_reason = reason
    record_event(actor, "waiver.revoke", waiver, after={"person": waiver.person_id, "requirement": waiver.requirement,
                                                        "reason": reason})
    db.session.flush()
    intervals.refresh_people([waiver.person_id])
    db.session.flush()
    return waiver


def get_waiver(actor, waiver_id) -> Waiver:
    return scoping.get_scoped(actor, "waiver", waiver_id, "waiver.grant")


def list_waivers(actor, person_id: int) -> list[Waiver]:
    return list(db.session.scalars(select(Waiver).where(
        Waiver.person_id == person_id, scoping.scope_condition(actor, "waiver", "readiness.view_person"))
        .order_by(Waiver.granted_on.desc(), Waiver.id.desc())))


# --- deployments -----------------------------------------------------------------------------------


def create_deployment(actor, *, mission: str, departure_on, return_on, profile_code: str, unit_ids,
                      notes: str = "") -> Deployment:
    errors: list = []
    mission = _text(mission, "mission", _("Enter the mission."), errors, limit=200)
    departure = _date(departure_on, "departure_on", errors)
    returning = _date(return_on, "return_on", errors)
    if departure and returning and returning <= departure:
        errors.append(("return_on", _("The return must be after the departure.")))
    if profile_code not in {code for code, _title in list_profiles()}:
        errors.append(("profile_code", _("Choose a readiness profile.")))
    try:
        ids = sorted({int(u) for u in unit_ids or ()})
    except (TypeError, ValueError):
        ids = []
    units = list(db.session.scalars(select(Unit).where(
        Unit.id.in_(ids), scoping.scope_condition(actor, "unit", "deployment.manage")))) if ids else []
    if not ids or len(units) != len(ids):
        errors.append(("unit_ids", _("Choose one or more units in your scope.")))
    elif len({u.nation_code for u in units}) > 1:
        errors.append(("unit_ids", _("The units of one deployment must belong to one nation.")))
    if errors:
        raise Invalid(_("The deployment was not created."), errors=errors)
    deployment = Deployment(mission=mission, nation_code=units[0].nation_code, profile_code=profile_code,
                            departure_on=departure, return_on=returning, notes=(notes or "").strip()[:4000],
                            created_by_id=getattr(actor, "id", None))
    db.session.add(deployment)
    db.session.flush()
    for unit in units:
        db.session.add(DeploymentUnit(deployment_id=deployment.id, unit_id=unit.id))
    # The people going: everyone in those units (and their sub-units) on the day of departure, or today
    # if the departure is further ahead and postings may still change (they can be removed one by one).
    roster_day = min(departure, utc_today())
    rows = {}
    for unit in units:
        for pid, uid in db.session.execute(engine.members_as_of(roster_day, unit=unit)):
            rows.setdefault(pid, uid)
    if rows:
        active = set(db.session.scalars(select(Person.id).where(Person.id.in_(list(rows)), Person.status == "active")))
        from sqlalchemy import insert

        payload = [{"deployment_id": deployment.id, "person_id": pid, "unit_id": uid}
                   for pid, uid in rows.items() if pid in active]
        if payload:
            db.session.execute(insert(DeploymentMember), payload)
    record_event(actor, "deployment.create", deployment, after={
        "mission": mission, "departure_on": departure.isoformat(), "return_on": returning.isoformat(),
        "profile": profile_code, "units": ids, "people": len(rows)})
    db.session.flush()
    return deployment


def get_deployment(actor, deployment_id) -> Deployment:
    return scoping.get_scoped(actor, "deployment", deployment_id, "deployment.manage")


def list_deployments(actor) -> list[Deployment]:
    return list(db.session.scalars(select(Deployment).where(
        scoping.scope_condition(actor, "deployment", "deployment.manage")).order_by(Deployment.departure_on.desc())))


def remove_deployment_member(actor, deployment_id, person_id) -> None:
    deployment = get_deployment(actor, deployment_id)
    member = db.session.scalar(select(DeploymentMember).where(
        DeploymentMember.deployment_id == deployment.id, DeploymentMember.person_id == _int(person_id)))
    if member is None or not scoping.in_scope(actor, "person", db.session.get(Person, member.person_id), "deployment.manage"):
        raise NotFound()
    db.session.delete(member)
    record_event(actor, "deployment.remove_person", deployment, after={"person": member.person_id})
    db.session.flush()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound()


def deployment_readiness(actor, deployment: Deployment) -> dict:
    """Readiness of the people going, as of departure and as of return, and who lapses in between and why."""
    spec = engine.load_profile(deployment.profile_code)
    member_ids = (select(DeploymentMember.person_id).join(Person, Person.id == DeploymentMember.person_id)
                  .where(DeploymentMember.deployment_id == deployment.id,
                         scoping.scope_condition(actor, "person", "deployment.manage")))
    at_departure = engine.evaluate(member_ids, spec, deployment.departure_on)
    at_return = engine.evaluate(member_ids, spec, deployment.return_on)
    people = listing.people_rows(at_departure.keys())
    not_ready = sorted((pid for pid, r in at_departure.items() if not r.ready), key=lambda p: _sort_name(people, p))
    lapsing = sorted((pid for pid, r in at_departure.items() if r.ready and not at_return[pid].ready),
                     key=lambda p: (at_departure[p].valid_until or deployment.return_on, _sort_name(people, p)))
    return {
        "spec": spec, "people": people, "at_departure": at_departure, "at_return": at_return,
        "departure": aggregate.Tally(len(at_departure), sum(1 for r in at_departure.values() if r.ready)),
        "return": aggregate.Tally(len(at_return), sum(1 for r in at_return.values() if r.ready)),
        "not_ready": not_ready, "lapsing": lapsing,
    }


def _sort_name(people, pid):
    person = people.get(pid)
    return (person.family_name_latin, person.given_names_latin) if person else ("", "")


# --- assessed levels -------------------------------------------------------------------------------


def record_assessed_level(actor, unit_id, *, profile_code: str, assessed_level: str, reason: str,
                          as_of: dt.date | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> AssessedLevel:
    unit = scoping.get_scoped(actor, "unit", unit_id, "unit.assess")
    errors: list = []
    try:
        level = Level(assessed_level)
    except ValueError:
        errors.append(("assessed_level", _("Choose green, amber or red.")))
        level = None
    reason = _text(reason, "reason", _("Enter the reason for the assessed level."), errors, limit=4000)
    if profile_code not in {code for code, _title in list_profiles()}:
        errors.append(("profile_code", _("Choose a readiness profile.")))
    if errors:
        raise Invalid(_("The assessed level was not recorded."), errors=errors)
    as_of = as_of or utc_today()
    summary = aggregate.scope_readiness(actor, profile_code, as_of, unit=unit, roles="unit.assess",
                                        thresholds=thresholds)
    node = summary.units.get(unit.id)
    tally = node.tally if node else aggregate.Tally()
    computed = summary.level(tally) or Level.RED
    row = AssessedLevel(unit_id=unit.id, profile_code=profile_code, as_of=as_of, computed_level=computed.value,
                        computed_percent=int(round(tally.percent or 0)), assessed_level=level.value, reason=reason,
                        assessed_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    record_event(actor, "unit.assessed_level", row, after={
        "unit": unit.id, "profile": profile_code, "as_of": as_of.isoformat(), "computed": computed.value,
        "computed_percent": row.computed_percent, "assessed": level.value, "reason": reason})
    return row


def assessed_history(unit_id: int, profile_code: str) -> list[AssessedLevel]:
    """A unit's assessed levels, newest first, with who recorded each (their name only: not their grants, which
    would cost the page a statement more whenever a level has been recorded)."""
    from sqlalchemy.orm import joinedload, lazyload

    from trainer.auth.models import User

    return list(db.session.scalars(
        select(AssessedLevel).where(AssessedLevel.unit_id == unit_id, AssessedLevel.profile_code == profile_code)
        .options(joinedload(AssessedLevel.assessed_by).options(lazyload(User.grants)))
        .order_by(AssessedLevel.id.desc())))


def latest_assessed(unit_ids, profile_code: str) -> dict[int, AssessedLevel]:
    """The most recent assessed level of each unit, in one query."""
    ids = list(unit_ids)
    if not ids:
        return {}
    from sqlalchemy import func

    latest = (select(func.max(AssessedLevel.id)).where(AssessedLevel.unit_id.in_(ids), AssessedLevel.profile_code == profile_code)
              .group_by(AssessedLevel.unit_id))
    return {row.unit_id: row for row in db.session.scalars(select(AssessedLevel).where(AssessedLevel.id.in_(latest)))}
