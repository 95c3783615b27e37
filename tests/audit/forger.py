"""What someone holding the database (but not the instance folder's keys) can do to the audit log:
edit rows, delete them, renumber them and recompute every hash with any algorithm they can guess."""
from __future__ import annotations

from sqlalchemy import delete, select, text, update

from trainer.audit.chain import event_content, head_mac, keyed_link_hash, link_hash
from trainer.audit.models import AuditEvent, AuditHead

EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__


def rows(db):
    columns = [c for c in EVENTS.c if c.name != "id"]
    return [dict(r._mapping) for r in db.session.execute(select(*columns).order_by(EVENTS.c.seq))]


def head(db):
    row = db.session.execute(select(HEAD)).first()
    return dict(row._mapping) if row is not None else None


def edit(db, seq: int, **values) -> None:
    db.session.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(**values))
    db.session.commit()


def delete_events(db, *seqs: int) -> None:
    db.session.execute(delete(EVENTS).where(EVENTS.c.seq.in_(seqs)))
    db.session.commit()


def delete_head(db) -> None:
    db.session.execute(delete(HEAD))
    db.session.commit()


def set_head(db, **values) -> None:
    db.session.execute(update(HEAD).values(**values))
    db.session.commit()


def renumber_after(db, gap: int) -> None:
    """Close the gap left by a deleted event: every later event moves down by one."""
    db.session.execute(update(EVENTS).where(EVENTS.c.seq > gap).values(seq=EVENTS.c.seq + 100000))
    db.session.execute(update(EVENTS).where(EVENTS.c.seq > 100000).values(seq=EVENTS.c.seq - 100001))
    db.session.commit()


def swap(db, a: int, b: int) -> None:
    db.session.execute(update(EVENTS).where(EVENTS.c.seq == a).values(seq=-1))
    db.session.execute(update(EVENTS).where(EVENTS.c.seq == b).values(seq=a))
    db.session.execute(update(EVENTS).where(EVENTS.c.seq == -1).values(seq=b))
    db.session.commit()


def rechain(db, *, key: bytes | None, from_seq: int = 1) -> None:
    """Recompute prev_hash and hash from event `from_seq` to the end, and move the head onto the new end,
    as a forger would: with the plain SHA-256 (key None; the head then claims no event is keyed, so
    that no HMAC is asked for) or with a guessed key (the head's HMAC computed with it too)."""
    all_rows = rows(db)
    prev = next((r["hash"] for r in all_rows if r["seq"] == from_seq - 1), "0" * 64)
    for r in all_rows:
        if r["seq"] < from_seq:
            continue
        content = event_content(seq=r["seq"], at=r["at"].isoformat(), actor_id=r["actor_id"],
                                actor_name=r["actor_name"], action=r["action"], object_type=r["object_type"],
                                object_id=r["object_id"], details=r["details"])
        new = link_hash(prev, content) if key is None else keyed_link_hash(key, prev, content)
        db.session.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
                           {"p": prev, "h": new, "s": r["seq"]})
        prev = new
    last = all_rows[-1]["seq"] if all_rows else 0
    if key is None:
        db.session.execute(update(HEAD).values(seq=last, hash=prev, keyed_from=last + 1, mac=None))
    else:
        keyed_from = head(db)["keyed_from"]
        db.session.execute(update(HEAD).values(seq=last, hash=prev,
                                               mac=head_mac(key, seq=last, hash=prev, keyed_from=keyed_from)))
    db.session.commit()
