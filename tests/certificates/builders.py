"""Certificate test data through the real readiness engine: the readiness profile with its modules, and
people made ready by real completions (recorded by the learning service), cleared screening and an
exercise credit (the row an adjudicated P or S gives each player). The one place these are built."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from trainer.calendar_months import add_months
from trainer.db import utcnow

PROFILE = "UN-PDT-MIL"
PROFILE_TITLE = "UN pre-deployment, military individual"
# code -> (version, validity in months, title)
MODULES = {"HR-01": ("2.1", 60, "Human rights in peace operations"),
           "PKI-01": ("1.0", 72, "Peacekeeping intelligence")}
EXERCISE_MONTHS = 24
EXERCISE = {"exercise_code": "SHANTI-26", "exercise_title": "Shanti Prayas command post exercise",
            "exercise_type": "functional", "rating": "S"}

_seq = itertools.count(1)


@dataclass(frozen=True)
class Evidence:
    """What makes a person ready, as of the day it was recorded."""
    completed_on: dict            # module code -> date
    valid_until: dict             # module code -> date
    exercise_ended_on: dt.date | None
    exercise_valid_until: dt.date | None

    @property
    def certificate_valid_until(self) -> dt.date:
        """The earliest end of the evidence: the day a certificate issued on it expires."""
        return min([*self.valid_until.values()] + ([self.exercise_valid_until] if self.exercise_valid_until else []))


def ensure_profile(db):
    """The readiness profile certificates are issued for, and its modules (once per database)."""
    from sqlalchemy import select

    from tests.curricula.builders import add_module
    from trainer.curricula.models import ReadinessProfile

    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == PROFILE))
    if profile is not None:
        return profile
    for code, (version, months, title) in MODULES.items():
        add_module(db.session, code, version, title=title, validity_months=months)
    profile = ReadinessProfile(code=PROFILE, title={"en": PROFILE_TITLE}, summary={}, audience=None,
                               required_modules=list(MODULES), exercise_types=[EXERCISE["exercise_type"]],
                               exercise_within_months=EXERCISE_MONTHS, exercise_min_outcome="S",
                               screening_required=True, warning_days=30, content_hash=PROFILE.ljust(64, "0"))
    db.session.add(profile)
    db.session.commit()
    return profile


def make_ready(db, person, *, modules=tuple(MODULES), exercise: bool = True,
               today: dt.date | None = None) -> Evidence:
    """Record the completions of `modules` (classroom, some ten months ago) and an exercise credit (about
    seven months ago) for `person`; with every module and the exercise a cleared person is ready today.
    Recording again for someone already recorded adds nothing."""
    from sqlalchemy import select

    from trainer.curricula.models import Module
    from trainer.learning.services import current_completion, record_completion
    from trainer.readiness.models import ExerciseCredit

    ensure_profile(db)
    today = today or utcnow().date()
    completed, until = {}, {}
    for offset, code in enumerate(modules):
        version, months, _ = MODULES[code]
        completion = current_completion(person.id, code)
        if completion is None:
            module = db.session.scalar(select(Module).where(Module.code == code, Module.version == version))
            completion = record_completion(None, person, module, method="classroom",
                                           completed_on=today - dt.timedelta(days=300 - 2 * offset),
                                           evidence="National pre-deployment course, attendance list seen")
        completed[code], until[code] = completion.completed_on, completion.valid_until
    ended = until_exercise = None
    if exercise:
        credit = db.session.scalar(select(ExerciseCredit).where(ExerciseCredit.person_id == person.id))
        if credit is None:
            n = next(_seq)
            credit = ExerciseCredit(person_id=person.id, exercise_id=7000 + n, objective_id=n,
                                    ended_on=today - dt.timedelta(days=200), **EXERCISE)
            db.session.add(credit)
        ended, until_exercise = credit.ended_on, add_months(credit.ended_on, EXERCISE_MONTHS)
    db.session.commit()  # the readiness intervals follow on commit
    return Evidence(completed, until, ended, until_exercise)


def issuer(db):
    """The admin who issues test certificates."""
    from flask import current_app
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.auth.services import AuthSettings, create_user

    actor = db.session.scalar(select(User).where(User.username == "cert.issuer"))
    if actor is None:
        actor, _ = create_user(AuthSettings.from_config(current_app.config), None, username="cert.issuer",
                               display_name="Colonel Issuer", password="correct horse battery staple",
                               grants=[("admin", "mission")])
        db.session.commit()
    return actor


def bulk_confirmed(unit_id: int, profile: str = PROFILE, issue_anyway=()) -> dict:
    """The bulk issue form as posted from its preview by the confirm button (ticking `issue_anyway`)."""
    return {"unit": unit_id, "profile": profile, "previewed": f"{unit_id} {profile}", "issue": "y",
            "issue_anyway": list(issue_anyway)}
