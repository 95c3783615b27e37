"""The few figures each role's start page shows, and each role's next action: counts only, one or two
cheap queries per card."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from trainer.auth import scoping
from trainer.auth.policy import has_ability, parts_with
from trainer.db import utc_today
from trainer.extensions import db
from trainer.org.models import Person

EXPIRY_WINDOW_DAYS = 60


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


@dataclass
class TraineeCard:
    linked: bool
    person_id: int | None = None
    required: int = 0
    done: int = 0
    overdue: int = 0
    next_code: str = ""
    next_title: str = ""
    next_title_language: str = "en"  # the language the title is in: English when the module has no translation
    next_due: dt.date | None = None
    readiness: list = field(default_factory=list)   # trainer.learning.standing.Standing, one per profile


def cards_for(user, language: str) -> dict:
    """The start page's cards: one for each role's daily work the user holds."""
    return {
        "trainee": trainee_card(user, language) if has_ability(user, "home.trainee") else None,
        "officer": officer_card(user) if has_ability(user, "home.officer") else None,
        "commander": commander_card(user) if has_ability(user, "home.commander") else None,
        "evaluator": evaluator_card(user) if has_ability(user, "home.evaluator") else None,
        "admin": admin_card() if has_ability(user, "home.admin") else None,
    }


def trainee_card(user, language: str = "en") -> TraineeCard:
    from trainer.learning import reports
    from trainer.learning.rules import Status
    from trainer.learning.standing import own_standing

    person = db.session.get(Person, user.person_id) if user.person_id else None
    if person is None:
        return TraineeCard(linked=False)
    required, _ = reports.my_training(person, utc_today())
    open_rows = [r for r in required if r.status not in (Status.PASSED, Status.EXPIRING)]
    card = TraineeCard(linked=True, required=len(required), done=len(required) - len(open_rows),
                       overdue=sum(1 for r in open_rows if r.overdue), person_id=person.id,
                       readiness=own_standing(person, utc_today(), language))
    if open_rows:
        first = open_rows[0]  # sorted by due date
        card.next_code = first.module.code
        card.next_title = first.module.title.get(language) or first.module.title.get("en", "")
        card.next_title_language = language if first.module.title.get(language) else "en"
        card.next_due = first.requirement.due_on if first.requirement else None
    return card


def officer_card(user) -> dict:
    from trainer.learning.models import Completion
    from trainer.learning.services import not_superseded

    today = utc_today()
    in_scope = scoping.scope_condition(user, "person", "training.record")
    people = _count(select(Person.id).where(in_scope, Person.status == "active"))
    expiring = _count(select(Completion.id).join(Person, Person.id == Completion.person_id).where(
        in_scope, Person.status == "active", not_superseded(),
        Completion.valid_until.between(today, today + dt.timedelta(days=EXPIRY_WINDOW_DAYS))))
    without_account = _count(select(Person.id).where(in_scope, Person.status == "active",
                                                     Person.id.not_in(_linked_people())))
    return {"people": people, "expiring": expiring, "window": EXPIRY_WINDOW_DAYS, "without_account": without_account}


def _linked_people():
    from trainer.auth.models import User

    return select(User.person_id).where(User.person_id.is_not(None))


def commander_card(user) -> dict:
    from trainer.exercises.models import Exercise, ExerciseStatus

    people = _count(select(Person.id).where(scoping.scope_condition(user, "person", "command"), Person.status == "active"))
    awaiting = _count(select(Exercise.id).where(scoping.scope_condition(user, "exercise", "command"),
                                                Exercise.status == ExerciseStatus.PLANNING.value))
    return {"people": people, "awaiting_approval": awaiting}


def evaluator_card(user) -> dict:
    from trainer.exercises.models import (Exercise, ExerciseStatus, Participant,
                                          ParticipantStatus)

    if not user.person_id:
        return {"exercises": 0}
    finished = (ExerciseStatus.CLOSED.value, ExerciseStatus.CANCELLED.value)
    exercises = _count(select(Participant.exercise_id).distinct().join(Exercise, Exercise.id == Participant.exercise_id)
                       .where(Participant.person_id == user.person_id, Participant.role.in_(parts_with("exercise.evaluate")),
                              Participant.status == ParticipantStatus.CONFIRMED.value, Exercise.status.not_in(finished)))
    return {"exercises": exercises}


def admin_card() -> dict:
    from trainer.audit.models import AuditEvent
    from trainer.auth.models import User

    from trainer.auth.models import Grant

    users = db.session.execute(select(func.count(), func.count().filter(User.disabled.is_(True)))
                               .select_from(User)).one()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    without_role = _count(select(User.id).where(User.disabled.is_(False),
                                                User.id.not_in(select(Grant.user_id).distinct())))
    return {"users": users[0], "disabled": users[1], "events": events, "without_role": without_role}
