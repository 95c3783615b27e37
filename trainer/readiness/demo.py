"""Readiness demo data: intervals rebuilt after the other domains' bulk loads, a few waivers, a deployment
of a Nepalese battalion and an assessed level."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from trainer.errors import DomainError
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness import aggregate, intervals, services


def seed(ctx) -> None:
    intervals.rebuild_all()
    db.session.flush()
    profiles = aggregate.list_profiles()
    if not profiles:
        return
    profile_code = profiles[0][0]
    commander = ctx.users.get("commander.npl") or ctx.users.get("commander")
    admin = ctx.users.get("admin")
    if commander is None or admin is None:
        return
    battalion = db.session.scalar(select(Unit).where(Unit.nation_code == "NPL", Unit.kind == "battalion").order_by(Unit.code))
    if battalion is None:
        return

    requirements = [code for code, _ in services.known_requirements() if code != "exercise"]
    people = db.session.scalars(select(Person).join(Unit, Unit.id == Person.unit_id).where(
        Unit.path.startswith(battalion.path), Person.status == "active").order_by(Person.id).limit(3)).all()
    reasons = ["Course place unavailable before departure; booked for the first in-mission session.",
               "Medical leave during the scheduled classroom session.",
               "Equivalent national course under recognition review."]
    for person, reason in zip(people, reasons):
        if not requirements:
            break
        try:
            services.grant_waiver(commander, person, requirement=requirements[person.id % len(requirements)],
                                  authority="Contingent Commander, NPL, order 14/2026", reason=reason,
                                  expires_on=ctx.today + dt.timedelta(days=ctx.rng.choice((45, 90, 120))),
                                  granted_on=ctx.today)
        except DomainError:
            continue

    services.create_deployment(commander, mission="MINUSCA rotation 14", departure_on=ctx.today + dt.timedelta(days=21),
                               return_on=ctx.today + dt.timedelta(days=213), profile_code=profile_code,
                               unit_ids=[battalion.id], notes="Main body; advance party leaves one week earlier.")
    services.record_assessed_level(commander, battalion.id, profile_code=profile_code, assessed_level="amber",
                                   reason="Missing module completions are booked for the pre-deployment course next week.",
                                   as_of=ctx.today)
    db.session.flush()
