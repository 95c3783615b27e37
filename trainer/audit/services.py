"""Writing and verifying the audit chain."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from trainer.audit.chain import GENESIS, canonical_json, event_content, link_hash
from trainer.audit.models import AuditEvent, AuditHead
from trainer.db import utcnow
from trainer.extensions import db
from trainer.pagination import paginate

EVENTS_PER_PAGE = 100

def _lock_head() -> AuditHead:
    """Take the chain head under a database lock so that concurrent writers never fork it.

    On SQLite every writing transaction already began with BEGIN IMMEDIATE (see trainer.db), which
    holds the database's single write lock until commit. On PostgreSQL the head row is locked with
    SELECT ... FOR UPDATE until the transaction ends.
    """
    head = db.session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def _next_event(head: AuditHead, actor, action: str, obj=None, *, object_type: str | None = None,
                object_id=None, before=None, after=None, **context) -> dict:
    """The column values of the next event of the chain after `head`; moves the head onto it."""
    seq = head.seq + 1
    prev = head.hash
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None) or getattr(obj, "code", None)
    details_obj = {k: v for k, v in {"before": before, "after": after, **context}.items() if v is not None}
    details = canonical_json(details_obj)
    at = utcnow()
    actor_id = getattr(actor, "id", None)
    actor_name = getattr(actor, "username", None) or "system"
    content = event_content(seq=seq, at=at.isoformat(), actor_id=actor_id, actor_name=actor_name,
                            action=action, object_type=object_type or "", object_id=str(object_id or ""),
                            details=details)
    values = {"seq": seq, "at": at, "actor_id": actor_id, "actor_name": actor_name, "action": action,
              "object_type": object_type or "", "object_id": str(object_id or ""), "details": details,
              "prev_hash": prev, "hash": link_hash(prev, content)}
    head.seq, head.hash = seq, values["hash"]
    return values


def record_event(actor, action: str, obj=None, *, object_type: str | None = None,
                 object_id=None, before=None, after=None, **context) -> AuditEvent:
    """Append one event to the chain. `actor` is a User or None (system)."""
    event = AuditEvent(**_next_event(_lock_head(), actor, action, obj, object_type=object_type,
                                     object_id=object_id, before=before, after=after, **context))
    db.session.add(event)
    db.session.flush()
    return event


def record_events(actor, action: str, entries: list[tuple[object, dict]]) -> int:
    """Append one `action` event per (object, keyword arguments of record_event), in order and linked
    exactly as that many record_event calls would link them, under one lock of the head and in one
    INSERT (a bulk operation writes hundreds). Returns how many were written."""
    if not entries:
        return 0
    head = _lock_head()
    rows = [_next_event(head, actor, action, obj, **details) for obj, details in entries]
    db.session.execute(insert(AuditEvent), rows)
    db.session.flush()
    return len(rows)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the chain in order and report the first broken link (edited, deleted or reordered events)."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    while True:
        rows = db.session.execute(
            select(AuditEvent).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return ChainReport(False, checked, f"event {expected_seq} is missing (next is {ev.seq})", expected_seq)
            if ev.prev_hash != prev:
                return ChainReport(False, checked, f"event {ev.seq} does not link to the event before it", ev.seq)
            content = event_content(seq=ev.seq, at=ev.at.isoformat(), actor_id=ev.actor_id,
                                    actor_name=ev.actor_name, action=ev.action, object_type=ev.object_type,
                                    object_id=ev.object_id, details=ev.details)
            if link_hash(prev, content) != ev.hash:
                return ChainReport(False, checked, f"event {ev.seq} was altered (its hash does not match its content)", ev.seq)
            prev = ev.hash
            expected_seq += 1
            checked += 1
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(False, checked, f"the chain ends at event {checked} but its head records event {head.seq}: events were removed from the end", checked + 1)
    return ChainReport(True, checked)


def list_events(*, action: str | None = None, actor: str | None = None, object_type: str | None = None,
                object_id: str | None = None):
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if action:
        query = query.where(AuditEvent.action.like(f"%{action}%"))
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == str(object_id))
    return query


def page_of_events(filters: dict, *, page: int | None):
    return paginate(list_events(**filters), page=page, per_page=EVENTS_PER_PAGE)
