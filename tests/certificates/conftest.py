from __future__ import annotations

import pytest

from tests.certificates.fakes import FakeEngine

PROFILE = "UN-PDT-MIL"


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine()
    from trainer.certificates import services

    monkeypatch.setattr(services, "_engine", lambda: fake)
    return fake


@pytest.fixture
def issue(db, engine):
    """issue(person, actor=None) -> a certificate issued as `actor` (an admin by default)."""
    from trainer.certificates.services import issue_certificate

    def do(person, actor=None, profile=PROFILE):
        if actor is None:
            from trainer.auth.models import User
            actor = db.session.execute(db.select(User).where(User.username == "cert.issuer")).scalar_one_or_none()
            if actor is None:
                from trainer.auth.services import AuthSettings, create_user
                from flask import current_app

                actor, _ = create_user(AuthSettings.from_config(current_app.config), None, username="cert.issuer",
                                       display_name="Colonel Issuer", password="correct horse battery staple",
                                       grants=[("admin", "mission")])
        cert = issue_certificate(actor, person.id, profile)
        db.session.commit()
        return cert
    return do


@pytest.fixture(autouse=True)
def readiness_profile(request):
    """The profile the fake engine answers for, as a row so that forms can offer it."""
    if "app" not in request.fixturenames:
        return None
    db = request.getfixturevalue("db")
    from trainer.curricula.models import ReadinessProfile

    profile = ReadinessProfile(code=PROFILE, title={"en": "UN pre-deployment, military individual"},
                               required_modules=["HR-01", "PKI-01"], exercise_types=["functional"],
                               exercise_within_months=24, exercise_min_outcome="S", content_hash="0" * 64)
    db.session.add(profile)
    db.session.commit()
    return profile
