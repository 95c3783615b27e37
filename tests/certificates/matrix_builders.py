"""Objects for the access matrix: certificates and bulk-issue batches inside and outside scope."""
from __future__ import annotations

import datetime as dt

from trainer.enums import Role


def _certificate_for(world, person):
    """A certificate issued through the real readiness engine to `person`, made ready for it (the one they
    hold already when a POST, such as the holder's Open Badges choice, has the objects built again)."""
    from tests.certificates.builders import PROFILE, issuer, make_ready
    from trainer.certificates.services.issuing import current_certificate, issue_certificate

    held = current_certificate(person.id, PROFILE)
    if held is not None:
        return held
    make_ready(world.db, person)
    cert = issue_certificate(issuer(world.db), person.id, PROFILE)
    world.db.session.commit()
    return cert


def _certificate(world):
    inside_person = world.person_in if world.role is Role.TRAINEE else world.make_person(unit=world.subunit_in)
    inside = _certificate_for(world, inside_person)
    outside = None
    if not world.reaches_everything:
        outside = _certificate_for(world, world.make_person(unit=world.unit_out))
    from tests.auth.test_access_matrix import Objects

    return Objects(inside={"certificate_id": inside.id},
                   outside=outside and {"certificate_id": outside.id})


def _serial(world):
    """The public verify page: anyone may open any serial, so there is no out-of-scope cell."""
    from tests.auth.test_access_matrix import Objects

    return Objects(inside={"serial": _certificate_for(world, world.person_out).serial})


def _batch(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.certificates.models import CertificateBatch

    def make(unit):
        batch = CertificateBatch(unit_id=unit.id, profile_code="UN-PDT-MIL", as_of=dt.date.today(), total=0,
                                 rendered=0, skipped=[])
        world.db.session.add(batch)
        world.db.session.commit()
        return batch

    inside = make(world.subunit_in)
    outside = None if world.reaches_everything else make(world.unit_out)
    return Objects(inside={"batch_id": inside.id}, outside=outside and {"batch_id": outside.id})


def _kid(world):
    """A published Open Badges key: public, so there is no out-of-scope cell."""
    from tests.auth.test_access_matrix import Objects
    from trainer.certificates.services.keys import key_store

    with world.app.app_context():
        return Objects(inside={"kid": key_store().ensure_current()})


def _status_list(world):
    """The first Open Badges status list, which holds a certificate: public, like the keys."""
    from tests.auth.test_access_matrix import Objects

    _certificate_for(world, world.make_person(unit=world.unit_out))
    return Objects(inside={"list_number": 1})


BUILDERS = {"certificate": _certificate, "certificate_batch": _batch, "serial": _serial, "kid": _kid,
            "list_number": _status_list}
