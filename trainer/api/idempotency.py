"""Idempotent writes: the response to a write sent with an Idempotency-Key is kept for a day, per token, so
that a client that retries (after a timeout, a dropped connection) gets the same answer and the write is
done once. The key is bound to the request it first came with (a fingerprint of its method, path, query
and body): the same key on a different request is refused.

Only successful writes are kept: a refused write changed nothing, so a retry may simply run again. Two
requests with the same key at the same moment cannot both land: the key is unique per token, and the
second commit is refused as a conflict, so its write is rolled back whole.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import delete, select

from trainer.api.models import IdempotentResponse
from trainer.db import utcnow
from trainer.extensions import db

KEPT_FOR = dt.timedelta(hours=24)
# Headers worth giving back on a replay (the body and status are kept whole).
REPLAYED_HEADERS = ("Location", "ETag", "Content-Type", "Link")


@dataclass(frozen=True)
class Stored:
    fingerprint: str
    status: int
    body: str
    headers: dict


def fingerprint(method: str, path: str, query: bytes, content_type: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, (content_type or "").encode()):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


def find(token_id: int, key: str, now: dt.datetime | None = None) -> Stored | None:
    """The kept response to the token's earlier write under this key, if it is still kept."""
    row = db.session.scalar(select(IdempotentResponse).where(
        IdempotentResponse.token_id == token_id, IdempotentResponse.key == key,
        IdempotentResponse.created_at >= (now or utcnow()) - KEPT_FOR))
    if row is None:
        return None
    return Stored(row.fingerprint, row.status, row.body, json.loads(row.headers or "{}"))


def remember(token_id: int, key: str, fingerprint_: str, *, status: int, body: str, headers: dict,
             now: dt.datetime | None = None) -> None:
    """Keep a successful write's response under its key (in the write's own transaction); expired keys of
    the token are dropped on the way."""
    now = now or utcnow()
    db.session.execute(delete(IdempotentResponse).where(IdempotentResponse.token_id == token_id,
                                                        IdempotentResponse.created_at < now - KEPT_FOR))
    kept = {name: headers[name] for name in REPLAYED_HEADERS if name in headers}
    db.session.add(IdempotentResponse(token_id=token_id, key=key, fingerprint=fingerprint_, status=status,
                                      body=body, headers=json.dumps(kept), created_at=now))
    db.session.flush()
