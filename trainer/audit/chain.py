"""Pure hashing rules of the audit chain (no Flask, no database).

Each event's hash covers the previous event's hash and the event's own content, so an edit, a deletion
or a reordering breaks a link. Since the database alone must not be enough to recompute the chain,
events are hashed with an HMAC-SHA-256 whose key lives outside the database (`keyed_link_hash`).
Events written before the key was introduced keep their plain SHA-256 (`link_hash`); the first keyed
event links to the last of them, so they stay covered. The chain's head row carries its own HMAC
(`head_mac`), so that moving the head back over a removed tail needs the key as well. A copy of an earlier
head row, put back, still holds: only the checkpoints signed outside the database (trainer.audit.anchoring)
show the events it leaves out, which is why the app signs one every few minutes of changes.
"""
from __future__ import annotations

import hashlib
import hmac
import json

GENESIS = "0" * 64
EVENT_DOMAIN = b"trainer-audit-event/2\n"
HEAD_DOMAIN = b"trainer-audit-head/2\n"
KEY_ID_DOMAIN = b"trainer-audit-key-id/2\n"


def canonical_json(value) -> str:
    """Deterministic JSON: sorted keys, no insignificant whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_content(*, seq: int, at: str, actor_id, actor_name: str, action: str, object_type: str,
                  object_id: str, details: str) -> dict:
    return {
        "seq": seq, "at": at, "actor_id": actor_id, "actor_name": actor_name, "action": action,
        "object_type": object_type, "object_id": object_id, "details": details,
    }


def link_hash(prev_hash: str, content: dict) -> str:
    """The unkeyed hash of events written before the chain was keyed."""
    return hashlib.sha256((prev_hash + "\n" + canonical_json(content)).encode("utf-8")).hexdigest()


def keyed_link_hash(key: bytes, prev_hash: str, content: dict) -> str:
    message = EVENT_DOMAIN + (prev_hash + "\n" + canonical_json(content)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def event_hash(key: bytes | None, keyed_from: int, prev_hash: str, content: dict) -> str:
    """The hash an event must carry: unkeyed before the boundary `keyed_from`, keyed from it on."""
    if content["seq"] < keyed_from:
        return link_hash(prev_hash, content)
    if key is None:
        raise ValueError("the audit key is needed to hash keyed events")
    return keyed_link_hash(key, prev_hash, content)


def head_mac(key: bytes, *, seq: int, hash: str, keyed_from: int) -> str:
    message = HEAD_DOMAIN + canonical_json({"seq": seq, "hash": hash, "keyed_from": keyed_from}).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public name for the chain key (recorded in checkpoints, to tell a replaced key from an edit)."""
    return hmac.new(key, KEY_ID_DOMAIN, hashlib.sha256).hexdigest()[:16]


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a, b)
