"""In-app notifications: what a user is told (reminders, nominations, certificates), read and marked read."""
from __future__ import annotations

from sqlalchemy import func, select

from trainer.auth.models import Notification
from trainer.db import utcnow
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.pagination import paginate

PER_PAGE = 50


def list_unread(actor, limit: int = 5) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def count_unread(actor) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))) or 0


def page_of_notifications(actor, page: int | None):
    return paginate(select(Notification).where(Notification.user_id == actor.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()), page=page, per_page=PER_PAGE)


def mark_read(actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; someone else's is not found."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != actor.id:
        raise NotFound()
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()
    return note
