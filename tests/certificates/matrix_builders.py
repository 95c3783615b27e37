"""Objects for the access matrix: certificates and bulk-issue batches inside and outside scope."""
from __future__ import annotations

import datetime as dt

from trainer.enums import Role


def _certificate_for(world, person):
    from tests.certificates.fakes import FakeEngine
    from trainer.certificates import services

    readiness = FakeEngine().evaluate_person(person.id, "UN-PDT-MIL", dt.date.today())
    cert = services._create(None, person, readiness, on=services.today(), title="")
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


BUILDERS = {"certificate": _certificate, "certificate_batch": _batch, "serial": _serial}
