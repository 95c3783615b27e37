"""Checkpoints: the chain's head signed with the Ed25519 key and appended to the checkpoint file, both
outside the database.

- `flask --app wsgi audit checkpoint` (`write_checkpoint`) first checks the chain since the latest
  checkpoint (and the checkpoint file) and signs only a head that verifies.
- Bulk operations, the first keyed event and a demo reset ask for one after their transaction commits
  (`checkpoint_after_commit`): the head is read just before the commit, inside the transaction that
  holds the chain's lock, so the line written after the commit describes exactly the committed head.
  A checkpoint that cannot be written is logged and never fails the user's request.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import event, select

from trainer.audit import checkpoints
from trainer.audit.chain import key_id
from trainer.audit.keys import AuditKeys
from trainer.audit.models import AuditHead
from trainer.audit.services import audit_keys, checkpoint_path, checkpoint_written, head_problem, log
from trainer.db import utcnow
from trainer.extensions import db

_PENDING = "trainer.audit.pending_checkpoint"


class CheckpointRefused(Exception):
    pass


@dataclass
class _Pending:
    keys: AuditKeys
    path: object
    reasons: list[str]
    retire: bool = False
    head: tuple | None = None


def register() -> None:
    """Listen to every session's commits (from create_app): a transaction that asked for a checkpoint has its
    head read before it commits and written after; the others pass by at the cost of a dictionary lookup."""
    from sqlalchemy.orm import Session

    for name, listener in (("before_commit", _read_head), ("after_commit", _write),
                           ("after_transaction_end", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _pending():
    session = db.session()
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending(keys=audit_keys(), path=checkpoint_path(), reasons=[])
    return pending


def checkpoint_after_commit(reason: str) -> None:
    """Sign the head into the checkpoint file once the current transaction has committed."""
    pending = _pending()
    if reason not in pending.reasons:
        pending.reasons.append(reason)


def retire_checkpoints_after_commit() -> None:
    """Set the checkpoint file aside once the current transaction has committed (the chain restarts)."""
    _pending().retire = True


def _read_head(session) -> None:
    pending = session.info.get(_PENDING)
    if pending is None or not pending.reasons or session.in_nested_transaction():
        return
    session.flush()
    row = session.execute(select(AuditHead.seq, AuditHead.hash, AuditHead.keyed_from, AuditHead.mac)
                          .where(AuditHead.id == 1)).first()
    pending.head = tuple(row) if row is not None else None


def _write(session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    by = "after " + ", ".join(pending.reasons)
    try:
        if pending.retire:
            _retire(pending.path)
        if not pending.reasons:
            return
        if pending.head is None:
            raise CheckpointRefused(_("the audit head row is missing"))
        checkpoint = _append(pending.keys, pending.path, pending.head, by=by)
        checkpoint_written()
        log.info("audit %s written %s", checkpoint.describe(), by)
    except Exception:  # a checkpoint never fails the user's request: it is logged and made up by the next one
        log.exception("audit checkpoint %s could not be written to %s", by, pending.path)


def _forget(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _retire(path) -> None:
    if path.exists():
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        path.rename(path.with_name(f"{path.stem}-retired-{stamp}{path.suffix}"))


def _append(keys: AuditKeys, path, head: tuple, *, by: str) -> checkpoints.Checkpoint:
    seq, hash_, keyed_from, mac = head
    key = keys.chain_key(create=seq < keyed_from)
    problem = head_problem(_Head(seq, hash_, keyed_from, mac), key)
    if problem is not None:
        raise CheckpointRefused(problem)
    return checkpoints.append(path, keys.signing_key(create=True), seq=seq, hash=hash_, keyed_from=keyed_from,
                              chain_key=key_id(key) if key is not None else None, by=by, at=utcnow())


@dataclass
class _Head:
    seq: int
    hash: str
    keyed_from: int
    mac: str | None


def write_checkpoint(*, by: str = "audit checkpoint") -> checkpoints.Checkpoint:
    """Check the chain since the latest checkpoint, then sign its head into the checkpoint file."""
    from trainer.audit.verify import verify

    report = verify(since_checkpoint=True)
    if not report.ok:
        raise CheckpointRefused("; ".join(p.message for p in report.problems))
    head = (report.head.seq, report.head.hash, report.head.keyed_from, report.head.mac)
    return _append(audit_keys(), checkpoint_path(), head, by=by)
