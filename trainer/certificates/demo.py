"""Demo data: certificates for a few people the readiness engine finds ready (one revoked, one
re-certified), so that the lists, the verify page and the downloads have something to show."""
from __future__ import annotations

from sqlalchemy import select

from trainer.errors import DomainError
from trainer.extensions import db
from trainer.org.models import Person, Unit


def seed(ctx) -> None:
    try:
        from trainer.readiness import engine
    except ImportError:
        return
    from trainer.certificates.services import issuing, reads, status

    issuer = ctx.users.get("commander") or ctx.users.get("admin")
    if issuer is None:
        return
    profiles = [code for code, _ in reads.profile_choices()]
    if not profiles:
        return
    limit = 8 if ctx.scale == "small" else 40
    issued = []
    units = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.nation_code, Unit.code)).all()
    for profile in profiles:
        for unit in units:
            if len(issued) >= limit:
                break
            members = engine.member_ids_as_of(ctx.today, unit=unit)
            try:
                results = engine.evaluate(members, profile, ctx.today)
            except DomainError:
                break
            for person_id, readiness in sorted(results.items()):
                if len(issued) >= limit or not readiness.ready:
                    continue
                person = db.session.get(Person, person_id)
                if person.screening != "cleared" or issuing.current_certificate(person_id, profile) is not None:
                    continue
                try:
                    issued.append(issuing.create_certificate(issuer, person, readiness, on=ctx.today,
                                                             title=reads.profile_title(profile)))
                except DomainError:
                    continue
    db.session.flush()
    if len(issued) >= 3:
        status.revoke_certificate(issuer, issued[-1].id, "Issued against a completion record later found to be "
                                                         "entered for the wrong person.")
        try:
            issuing.recertify(issuer, issued[-2].id, on=ctx.today, confirmed=True)
        except DomainError:
            pass
    if issued:
        ctx.logins.append(("(verify)", f"Public verify page, e.g. /verify/{issued[0].serial}"))
