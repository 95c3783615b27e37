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
