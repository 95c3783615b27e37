"""The checkpoint file: signed statements of the audit chain's head, kept outside the database.

One JSON object a line (default <instance>/audit-checkpoints/checkpoints.jsonl):

    {"at": "2027-01-31T02:00:00Z", "by": "audit checkpoint", "chain_key": "<id of the HMAC key>",
     "format": "trainer-audit-checkpoint/1", "hash": "<hash of event seq>", "keyed_from": 1,
     "kid": "<id of the Ed25519 key>", "n": 12, "prev": "<SHA-256 of line 11>", "seq": 4711,
     "sig": "<Ed25519 signature, base64url, of the line without sig>"}

`n` numbers the lines from 1 and `prev` is the SHA-256 of the line before (64 zeros for the first),
so a removed, inserted or reordered line breaks the file's own chain; the signature breaks with any
edit. `keyed_from` is the first event hashed with the HMAC key: fixed once the first checkpoint is
written, so the boundary cannot be moved in the database unnoticed. No database here; the problems found
are worded in the reader's language (gettext answers in English outside an application).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from flask_babel import gettext as _
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trainer.audit.chain import GENESIS, canonical_json
from trainer.audit.keys import b64u, public_key_id, unb64u

FORMAT = "trainer-audit-checkpoint/1"
FILE_NAME = "checkpoints.jsonl"
FIELDS = ("at", "by", "chain_key", "format", "hash", "keyed_from", "kid", "n", "prev", "seq")


@dataclass(frozen=True)
class Checkpoint:
    n: int
    seq: int
    hash: str
    keyed_from: int
    chain_key: str | None
    at: str
    by: str

    def describe(self) -> str:
        """For the server's log, in English."""
        return f"checkpoint {self.n} (event {self.seq}, signed {self.at})"

    @property
    def signed_at(self) -> dt.datetime | None:
        """When it was signed, as a moment (None when the file holds something unreadable there)."""
        try:
            moment = dt.datetime.fromisoformat(self.at.replace("Z", "+00:00"))
        except (AttributeError, ValueError):
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)

    def words(self) -> str:
        """For people, in the reader's language."""
        return _("checkpoint %(n)s (event %(seq)s, signed %(at)s)", n=self.n, seq=self.seq, at=self.at)


@dataclass
class CheckpointFile:
    """What reading the file found: the checkpoints whose signature holds, and every problem."""
    path: Path
    exists: bool
    lines: list[str] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: (c.seq, c.n), default=None)


def line_digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def _lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def make_line(private_key: Ed25519PrivateKey, *, n: int, prev: str, seq: int, hash: str, keyed_from: int,
              chain_key: str | None, by: str, at: dt.datetime) -> str:
    body = {"format": FORMAT, "n": n, "prev": prev, "seq": seq, "hash": hash, "keyed_from": keyed_from,
            "chain_key": chain_key, "by": by, "kid": public_key_id(private_key.public_key()),
            "at": at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    signature = private_key.sign(canonical_json(body).encode("utf-8"))
    return canonical_json({**body, "sig": b64u(signature)})


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def append(path: Path, private_key: Ed25519PrivateKey, *, seq: int, hash: str, keyed_from: int,
           chain_key: str | None, by: str, at: dt.datetime) -> Checkpoint:
    """Sign the head and append it as the next line, under an exclusive lock of the file (several
    workers and the cron job may append at once)."""
    with _locked(path) as fd:
        with open(path, "rb") as f:
            lines = _lines(f.read())
        n = len(lines) + 1
        prev = line_digest(lines[-1]) if lines else GENESIS
        line = make_line(private_key, n=n, prev=prev, seq=seq, hash=hash, keyed_from=keyed_from,
                         chain_key=chain_key, by=by, at=at)
        os.write(fd, line.encode("utf-8") + b"\n")
        os.fsync(fd)
    return _checkpoint(json.loads(line))


def _checkpoint(data: dict) -> Checkpoint:
    return Checkpoint(n=data["n"], seq=data["seq"], hash=data["hash"], keyed_from=data["keyed_from"],
                      chain_key=data["chain_key"], at=data["at"], by=data["by"])


def _well_formed(data) -> bool:
    if not isinstance(data, dict) or set(data) != set(FIELDS) | {"sig"} or data["format"] != FORMAT:
        return False
    ints = all(isinstance(data[k], int) and not isinstance(data[k], bool) for k in ("n", "seq", "keyed_from"))
    strings = all(isinstance(data[k], str) for k in ("hash", "prev", "kid", "sig", "at", "by"))
    return ints and strings and (data["chain_key"] is None or isinstance(data["chain_key"], str))


def _signature_holds(data: dict, public_keys: dict[str, Ed25519PublicKey]) -> bool:
    public = public_keys.get(data["kid"])
    if public is None:
        return False
    body = {k: data[k] for k in FIELDS}
    try:
        public.verify(unb64u(data["sig"]), canonical_json(body).encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


def read(path: Path, public_keys: dict[str, Ed25519PublicKey]) -> CheckpointFile:
    """Read and check every line: well formed, numbered in order, linked to the line before, signed."""
    path = Path(path)
    if not path.exists():
        return CheckpointFile(path=path, exists=False)
    result = CheckpointFile(path=path, exists=True, lines=_lines(path.read_bytes()))
    prev = GENESIS
    for number, line in enumerate(result.lines, start=1):
        expected_prev, prev = prev, line_digest(line)
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not _well_formed(data) or canonical_json(data) != line:
            result.problems.append(_("line %(number)s of the checkpoint file is not a checkpoint as written (the "
                                     "line was edited or cut)", number=number))
            continue
        if not _signature_holds(data, public_keys):
            result.problems.append(
                _("line %(number)s of the checkpoint file is signed by an unknown key", number=number)
                if data["kid"] not in public_keys else
                _("line %(number)s of the checkpoint file does not match its signature (the line was edited)",
                  number=number))
            continue
        if data["n"] != number or data["prev"] != expected_prev:
            result.problems.append(_(
                "line %(number)s of the checkpoint file holds checkpoint %(n)s, which does not follow the line before "
                "it (checkpoint lines were removed, inserted or reordered)", number=number, n=data["n"]))
        result.checkpoints.append(_checkpoint(data))
    return result


def compare_with_copy(local: CheckpointFile, copy_path: Path) -> list[str]:
    """A copy taken earlier (off the host) must be a beginning of the local file: the file only grows."""
    copy_path = Path(copy_path)
    if not copy_path.exists():
        return [_("the checkpoint copy %(path)s does not exist", path=copy_path)]
    copy = _lines(copy_path.read_bytes())
    for number, line in enumerate(copy, start=1):
        if number > len(local.lines):
            return [_("the checkpoint file ends at line %(end)s, but the copy %(path)s holds %(lines)s lines: "
                      "checkpoints %(number)s to %(lines)s were removed from the file", end=len(local.lines),
                      path=copy_path, lines=len(copy), number=number)]
        if local.lines[number - 1] != line:
            return [_("line %(number)s of the checkpoint file differs from line %(number)s of the copy %(path)s",
                      number=number, path=copy_path)]
    return []
