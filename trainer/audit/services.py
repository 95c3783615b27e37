"""Writing and reading the audit chain.

Every event is hashed with the HMAC key kept outside the database (trainer.audit.keys), linked to the
event before it, and moves the head row, whose own HMAC is renewed. The head row is created by the
migrations: a writer that finds none refuses, as it does when the head does not match its HMAC (the
database was edited), so that new events are never chained onto a tampered head.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainer.audit.chain import (GENESIS, canonical_json, event_content, event_hash, head_mac, key_id,
                                 same)
from trainer.audit.keys import AuditKeys
from trainer.audit.models import AuditEvent, AuditHead
from trainer.db import utcnow
from trainer.extensions import db

log = logging.getLogger("trainer.audit")


class AuditUnavailable(RuntimeError):
    """The chain cannot take another event (no head row, a tampered head, a missing key)."""


# --- where the keys and checkpoints live -----------------------------------------------------------

def key_folder() -> Path:
    return Path(current_app.config.get("AUDIT_KEY_DIR") or Path(current_app.instance_path) / "audit-keys")


def checkpoint_path() -> Path:
    from trainer.audit.checkpoints import FILE_NAME

    folder = current_app.config.get("AUDIT_CHECKPOINT_DIR") or Path(current_app.instance_path) / "audit-checkpoints"
    return Path(folder) / FILE_NAME


def audit_keys() -> AuditKeys:
    return AuditKeys(key_folder())


# --- the head --------------------------------------------------------------------------------------

def head_problem(head, key: bytes | None) -> str | None:
    """Why the head row cannot be trusted, or None. Before the first keyed event the head has no HMAC
    yet (a migration cannot compute one); from then on it must carry the right one."""
    if head.mac is None:
        if head.seq + 1 == head.keyed_from:
            return None
        return _("the head records event %(seq)s without an HMAC, though it says events from %(first)s on are "
                 "keyed: it was edited in the database", seq=head.seq, first=head.keyed_from)
    if key is None:
        return _("the audit key is missing from %(folder)s, so the head cannot be checked", folder=key_folder())
    if not same(head.mac, head_mac(key, seq=head.seq, hash=head.hash, keyed_from=head.keyed_from)):
        return _("the head (event %(seq)s) does not match its HMAC: it was moved or edited in the database, or "
                 "%(folder)s holds another key than the one the log was written with", seq=head.seq,
                 folder=key_folder())
    return None


def _lock_head() -> tuple[AuditHead, bytes]:
    """Take the chain head under a database lock so that concurrent writers never fork it, and the key.

    On SQLite every writing transaction already began with BEGIN IMMEDIATE (see trainer.db), which
    holds the database's single write lock until commit. On PostgreSQL the head row (created by the
    migrations, so it always exists to be locked) is locked with SELECT ... FOR UPDATE.
    """
    head = db.session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        raise AuditUnavailable("The audit log's head row is missing: the database was not migrated "
                               "(`flask --app wsgi db upgrade`) or the row was deleted (`flask --app wsgi audit verify`).")
    keys = audit_keys()
    key = keys.chain_key(create=head.seq < head.keyed_from)
    problem = head_problem(head, key)
    if problem is not None:
        log.critical("audit event refused: %s", problem)
        raise AuditUnavailable(f"The audit log refuses new events: {problem}. Run `flask --app wsgi audit verify`.")
    return head, key


def _next_event(head: AuditHead, key: bytes, actor, action: str, obj=None, *, object_type: str | None = None,
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
              "prev_hash": prev, "hash": event_hash(key, head.keyed_from, prev, content)}
    head.seq, head.hash = seq, values["hash"]
    head.mac = head_mac(key, seq=seq, hash=head.hash, keyed_from=head.keyed_from)
    if seq == head.keyed_from:
        _checkpoint_after_commit("first keyed event")  # records the boundary outside the database
    return values


def _checkpoint_after_commit(reason: str) -> None:
    from trainer.audit.anchoring import checkpoint_after_commit

    checkpoint_after_commit(reason)


def _checkpoint_if_due() -> None:
    """Every AUDIT_CHECKPOINT_MINUTES, a change also signs the head into the checkpoint file once it has
    committed. The head row alone cannot tell a removed tail: a copy of it saved earlier, put back after the
    events since were deleted, still holds. A checkpoint outside the database can, for every event before it,
    so the window such a removal can hide in is these minutes (or the time since the last change), not the
    time since the last cron run. Counted per process: each worker keeps its own clock."""
    minutes = current_app.config.get("AUDIT_CHECKPOINT_MINUTES") or 0
    if minutes <= 0:
        return
    written = _checkpoint_clock().get("at")
    if written is None or time.monotonic() - written >= minutes * 60:
        _checkpoint_after_commit(f"every {minutes} minutes")


def _checkpoint_clock() -> dict:
    return current_app.extensions.setdefault("trainer.audit.periodic_checkpoint", {"at": None})


def checkpoint_written() -> None:
    """A checkpoint was written after a commit: the next one falls due AUDIT_CHECKPOINT_MINUTES from now (a
    change rolled back writes none, and leaves it due)."""
    _checkpoint_clock()["at"] = time.monotonic()


def record_event(actor, action: str, obj=None, *, object_type: str | None = None, object_id=None,
                 before=None, after=None, checkpoint: bool = False, **context) -> AuditEvent:
    """Append one event to the chain. `actor` is a User or None (system). `checkpoint=True` (bulk
    operations) also signs the head into the checkpoint file once the transaction has committed."""
    head, key = _lock_head()
    _checkpoint_if_due()
    event = AuditEvent(**_next_event(head, key, actor, action, obj, object_type=object_type,
                                     object_id=object_id, before=before, after=after, **context))
    db.session.add(event)
    db.session.flush()
    if checkpoint:
        _checkpoint_after_commit(action)
    return event


def record_events(actor, action: str, entries: list[tuple[object, dict]]) -> int:
    """Append one `action` event per (object, keyword arguments of record_event), in order and linked
    exactly as that many record_event calls would link them, under one lock of the head and in one
    INSERT (a bulk operation writes hundreds). Returns how many were written."""
    if not entries:
        return 0
    head, key = _lock_head()
    _checkpoint_if_due()
    rows = [_next_event(head, key, actor, action, obj, **details) for obj, details in entries]
    db.session.execute(insert(AuditEvent), rows)
    db.session.flush()
    return len(rows)


def restart_chain() -> None:
    """Start a new, empty chain after every row was deleted on purpose (`demo seed --reset`): a new head
    row, and the old checkpoint file set aside once this transaction commits."""
    from trainer.audit.anchoring import retire_checkpoints_after_commit

    db.session.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS, keyed_from=1, mac=None))
    retire_checkpoints_after_commit()


def chain_key_id() -> str | None:
    key = audit_keys().chain_key()
    return key_id(key) if key is not None else None


# --- reading ---------------------------------------------------------------------------------------

def verify_chain(copies=(), *, since_checkpoint: bool = False):
    from trainer.audit.verify import verify

    return verify(copies=copies, since_checkpoint=since_checkpoint)
