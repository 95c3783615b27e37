"""Pure hashing rules of the audit chain (no Flask, no database)."""
from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64


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
    return hashlib.sha256((prev_hash + "\n" + canonical_json(content)).encode("utf-8")).hexdigest()
