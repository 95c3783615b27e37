"""Roster files between the preview and the confirmed import: kept in the instance folder under a
random token, named by the token and the uploader's account (never by the upload's own name), and
removed after a day or once imported."""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass
class StoredUpload:
    path: Path
    filename: str

    def read(self) -> bytes:
        return self.path.read_bytes()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".name").unlink(missing_ok=True)


def _folder(instance_path: str) -> Path:
    folder = Path(instance_path) / "roster-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(instance_path: str, actor, token: str) -> Path | None:
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return _folder(instance_path) / f"{actor.id}-{token}"


def store_upload(instance_path: str, actor, data: bytes, filename: str) -> str:
    """Keep an uploaded roster for its confirmation; returns the token that names it. Uploads older
    than a day are removed on the way."""
    folder = _folder(instance_path)
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    path = _path(instance_path, actor, token)
    path.write_bytes(data)
    path.with_suffix(".name").write_text(filename[:200], encoding="utf-8")
    return token


def find_upload(instance_path: str, actor, token: str) -> StoredUpload | None:
    """The actor's own stored upload for this token, or None (unknown, expired or someone else's)."""
    path = _path(instance_path, actor, token)
    if path is None or not path.exists():
        return None
    name_file = path.with_suffix(".name")
    return StoredUpload(path, name_file.read_text(encoding="utf-8") if name_file.exists() else "")
