"""Objects for the access matrix: waivers and deployments inside and outside scope, and export formats."""
from __future__ import annotations

import datetime as dt


def _profile(world):
    from sqlalchemy import select

    from trainer.curricula.models import ReadinessProfile

    if world.db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == "MATRIX")) is None:
        world.db.session.add(ReadinessProfile(code="MATRIX", title={"en": "Matrix profile"}, required_modules=[],
                                              content_hash="m" * 64))
        world.db.session.commit()
    return "MATRIX"


def _waiver(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.readiness.models import Waiver

    def make(person):
        waiver = Waiver(person_id=person.id, requirement="exercise", authority="Matrix", reason="Matrix",
                        granted_on=dt.date.today(), expires_on=dt.date.today() + dt.timedelta(days=30))
        world.db.session.add(waiver)
        world.db.session.commit()
        return waiver

    inside = make(world.make_person(unit=world.subunit_in))
    outside = None if world.reaches_everything else make(world.make_person(unit=world.unit_out))
    return Objects(inside={"waiver_id": inside.id}, outside=outside and {"waiver_id": outside.id})


def _deployment(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.readiness.models import Deployment, DeploymentMember, DeploymentUnit

    profile = _profile(world)

    def make(unit):
        person = world.make_person(unit=unit)
        deployment = Deployment(mission="Matrix", nation_code=unit.nation_code, profile_code=profile,
                                departure_on=dt.date.today(), return_on=dt.date.today() + dt.timedelta(days=100))
        world.db.session.add(deployment)
        world.db.session.flush()
        world.db.session.add(DeploymentUnit(deployment_id=deployment.id, unit_id=unit.id))
        world.db.session.add(DeploymentMember(deployment_id=deployment.id, person_id=person.id, unit_id=unit.id))
        world.db.session.commit()
        return deployment, person

    inside, person_in = make(world.subunit_in)
    outside = None if world.reaches_everything else make(world.unit_out)
    return Objects(inside={"deployment_id": inside.id, "person_id": person_in.id},
                   outside=outside and {"deployment_id": outside[0].id, "person_id": outside[1].id})


def _export_format(world):
    from tests.auth.test_access_matrix import Objects

    _profile(world)
    return Objects(inside={"fmt": "csv"})


BUILDERS = {"waiver": _waiver, "deployment": _deployment, "fmt": _export_format}
