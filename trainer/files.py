"""Files that several processes may create at once (signing keys, their certificates)."""
from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path


def create_whole(path: Path, data: bytes, mode: int) -> bool:
    """Create `path` with `data` whole or not at all: written to a temporary file, then hard-linked into place,
    which fails when the path exists, so a reader never sees half a file and of two workers creating the same
    one, one wins. False when another process created it first."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
