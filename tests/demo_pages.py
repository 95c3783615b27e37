"""The objects of the small demo data set that page checks open, by the names their URL patterns use."""
from __future__ import annotations

from sqlalchemy import select


def demo_ids(db) -> dict:
    """Ids (and the module code, a lesson's slug, a certificate's serial) to fill `/personnel/{person}`-like
    paths, read from a database seeded with the small demo data set."""
    from trainer.auth.models import User
    from trainer.certificates.models import Certificate
    from trainer.curricula.models import Module
    from trainer.exercises.models import Exercise
    from trainer.org.models import Person, Unit

    trainee = db.session.scalar(select(User).where(User.username == "trainee"))
    module = db.session.scalar(select(Module).where(Module.code == "HR-01", Module.is_current.is_(True)))
    return {
        "person": db.session.scalar(select(Person.id).where(Person.nation_code == "NPL").order_by(Person.id)),
        "own_person": trainee.person_id,
        "unit": db.session.scalar(select(Unit.id).where(Unit.code == "NPL-B1")),
        "exercise": db.session.scalar(select(Exercise.id).order_by(Exercise.id)),
        "certificate": db.session.scalar(select(Certificate.id).order_by(Certificate.id)),
        "serial": db.session.scalar(select(Certificate.serial).order_by(Certificate.id)),
        "module": "HR-01",
        "lesson": module.lessons[0].slug,
    }
