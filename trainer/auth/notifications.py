"""In-app notifications: what a user is told (reminders, nominations, certificates), read and marked read."""
from __future__ import annotations

from sqlalchemy import insert, select

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


def page_of_notifications(actor, page: int | None):
    """The actor's notifications, unread ones first, newest first within each."""
    return paginate(select(Notification).where(Notification.user_id == actor.id)
                    .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                              Notification.id.desc()), page=page, per_page=PER_PAGE)


def mark_read(actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; someone else's is not found."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != actor.id:
        raise NotFound()
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()
    return note


def mark_all_read(actor) -> int:
    """Mark every unread notification of the actor read; returns how many were."""
    from sqlalchemy import update

    result = db.session.execute(update(Notification).where(Notification.user_id == actor.id,
                                                           Notification.read_at.is_(None))
                                .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


def notify_people(person_ids, kind: str, dedupe_key: str, message, link: str | None = None) -> int:
    """Tell the accounts linked to these people about something that concerns them (assigned a module,
    nominated, confirmed or declined for an exercise, issued a certificate, one revoked), in each account's
    own language. `message(gettext)` returns (subject, body) written with the gettext it is given, so that
    each recipient reads it in their language. E-mail follows when SMTP is configured (readiness remind
    sends what is waiting). The same dedupe key never notifies an account twice. Returns how many were added."""
    from flask_babel import force_locale, gettext

    from trainer.auth.models import User

    ids = sorted({pid for pid in person_ids if pid})
    if not ids:
        return 0
    users = list(db.session.scalars(select(User).where(User.person_id.in_(ids), User.disabled.is_(False))))
    if not users:
        return 0
    already = set(db.session.scalars(select(Notification.user_id).where(
        Notification.user_id.in_([u.id for u in users]), Notification.dedupe_key == dedupe_key)))
    rows, texts = [], {}
    now = utcnow()
    for user in users:
        if user.id in already:
            continue
        language = user.language or "en"
        if language not in texts:   # one rendering per language, however many recipients
            with force_locale(language):
                texts[language] = tuple(str(part) for part in message(gettext))
        subject, body = texts[language]
        rows.append({"user_id": user.id, "kind": kind, "dedupe_key": dedupe_key[:200], "subject": subject[:300],
                     "body": body, "link": link, "created_at": now})
    if rows:
        db.session.execute(insert(Notification), rows)
    return len(rows)
