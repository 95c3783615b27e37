"""Canonical JSON for signed certificate payloads.

One byte sequence per meaning: keys sorted, no insignificant white space, UTF-8 without escaping of
non-ASCII characters, dates as ISO 8601 strings, no floating-point numbers (they have several
spellings). Signatures are computed over exactly these bytes.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata


def _normalise(value):
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    if isinstance(value, str):
        # Names typed on different keyboards may arrive composed or decomposed: sign one form.
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("floating-point numbers are not allowed in a signed payload")
    raise TypeError(f"cannot put a {type(value).__name__} into a signed payload")


def canonical_bytes(payload: dict) -> bytes:
    return json.dumps(_normalise(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def fingerprint(data: bytes, length: int = 16) -> str:
    """A short, human-comparable fingerprint: hex SHA-256 in groups of four."""
    digest = hashlib.sha256(data).hexdigest()[:length].upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
