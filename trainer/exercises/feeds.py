"""Each user's private calendar feed: the exercises they reach, at an address whose secret token is the
credential (calendar programs cannot sign in), and a new token when the old address must stop working."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth.models import User
from trainer.errors import NotFound
from trainer.exercises.models import Exercise
from trainer.exercises.services import list_exercises
from trainer.extensions import db

MAX_FEED_EXERCISES = 1000


def get_feed_owner(token: str) -> User:
    """The enabled user whose feed this token opens; NotFound for any other token."""
    owner = None
    if 20 <= len(token or "") <= 64:
        owner = db.session.scalar(select(User).where(User.calendar_token == token))
    if owner is None or owner.disabled:
        raise NotFound()
    return owner


def list_feed_exercises(owner: User) -> list[Exercise]:
    """The exercises the feed's owner reaches, by start."""
    return list_exercises(owner, limit=MAX_FEED_EXERCISES)


def regenerate_calendar_token(actor) -> str:
    """Give the actor a new feed address; the old one stops working at once."""
    user = db.session.get(User, actor.id)
    if user is None:
        raise NotFound()
    user.calendar_token = secrets.token_urlsafe(32)
    record_event(user, "calendar.token.regenerate", user)
    db.session.flush()
    return user.calendar_token
