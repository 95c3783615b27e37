"""Certificate tests meet the real readiness engine: the profile and its modules exist in every test
database, and `issue` certifies a person made ready by real completions, screening and an exercise credit."""
from __future__ import annotations

import pytest

from tests.certificates.builders import PROFILE, ensure_profile, issuer, make_ready


@pytest.fixture(autouse=True)
def readiness_profile(request):
    """The readiness profile certificates are issued for, with its modules, so that forms offer it."""
    if "app" not in request.fixturenames:
        return None
    return ensure_profile(request.getfixturevalue("db"))


@pytest.fixture
def ready(db):
    """ready(person, modules=..., exercise=True) -> Evidence: makes the person ready (or not quite)."""
    return lambda person, **kwargs: make_ready(db, person, **kwargs)


@pytest.fixture
def issue(db):
    """issue(person, actor=None) -> a certificate issued as `actor` (an admin by default) through the real
    readiness engine, after making the person ready."""
    from trainer.certificates.services.issuing import issue_certificate

    def do(person, actor=None, profile=PROFILE):
        make_ready(db, person)
        cert = issue_certificate(actor or issuer(db), person.id, profile)
        db.session.commit()
        return cert
    return do


@pytest.fixture
def profile(readiness_profile, db):
    """The readiness profile, to change its warning window or audience in a test."""
    def change(**values):
        for name, value in values.items():
            setattr(readiness_profile, name, value)
        db.session.commit()
        return readiness_profile
    return change
