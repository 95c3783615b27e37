"""Backup files encrypted with a passphrase, written and read as streams (a backup can be larger than memory).

    header   MAGIC, 16 bytes of salt, the scrypt cost (log2 N, r, p: one byte each), a 7-byte nonce prefix
    chunks   AES-256-GCM over 1 MiB of plain text each; nonce = prefix + chunk number (4 bytes) + 1 on the last
             chunk, else 0; the header is the associated data of every chunk

The key is scrypt(passphrase, salt). Numbering the chunks and marking the last one means that a chunk moved,
dropped or cut off at the end fails to decrypt, as does any changed byte or a wrong passphrase. Pure module:
imports neither Flask nor the database.
"""
from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"TRAINER-BACKUP\x00\x01"
CHUNK = 1024 * 1024
TAG = 16
COST = (15, 8, 1)  # scrypt: N = 2**15, r = 8, p = 1 (32 MiB, a fraction of a second)
HEADER = len(MAGIC) + 16 + 3 + 7


class SealError(Exception):
    """The file is not a backup, its passphrase is wrong, or it was changed or cut short. `reason` names which
    (one of REASONS), for the command line to say in the operator's language; the text is English."""

    def __init__(self, reason: str):
        super().__init__(REASONS[reason])
        self.reason = reason


REASONS = {"empty-passphrase": "the passphrase is empty",
           "too-large": "the backup is too large",
           "not-a-backup": "this is not a trainer backup file",
           "unreasonable-cost": "this backup file asks for an unreasonable key derivation",
           "does-not-open": "wrong passphrase, or the file was changed or cut short"}


def _key(passphrase: str, salt: bytes, cost: tuple[int, int, int]) -> bytes:
    if not passphrase:
        raise SealError("empty-passphrase")
    log_n, r, p = cost
    return Scrypt(salt=salt, length=32, n=2 ** log_n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A binary file-like object: what is written to it reaches `out` encrypted. close() writes the last chunk
    (and does not close `out`)."""

    def __init__(self, out, passphrase: str):
        salt, prefix = os.urandom(16), os.urandom(7)
        self.header = MAGIC + salt + bytes(COST) + prefix
        self._aead = AESGCM(_key(passphrase, salt, COST))
        self._prefix = prefix
        self._out = out
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        out.write(self.header)

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is written by close()
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        if self._number >= 2 ** 32 - 1:
            raise SealError("too-large")
        self._out.write(self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self.header))
        self._number += 1

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._out.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SealedReader:
    """A binary file-like object reading the plain text of a sealed stream `source`; raises SealError on a wrong
    passphrase, a changed byte or a file cut short."""

    def __init__(self, source, passphrase: str):
        header = source.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            raise SealError("not-a-backup")
        salt = header[len(MAGIC):len(MAGIC) + 16]
        cost = tuple(header[len(MAGIC) + 16:len(MAGIC) + 19])
        if not (10 <= cost[0] <= 22 and 1 <= cost[1] <= 32 and 1 <= cost[2] <= 16):
            raise SealError("unreasonable-cost")
        self.header = header
        self._prefix = header[-7:]
        self._aead = AESGCM(_key(passphrase, salt, cost))
        self._source = source
        self._number = 0
        self._next = source.read(CHUNK + TAG)
        self._plain = b""
        self._done = False

    def _advance(self) -> None:
        sealed, self._next = self._next, self._source.read(CHUNK + TAG)
        last = not self._next
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._number, last), sealed, self.header)
        except InvalidTag:
            raise SealError("does-not-open") from None
        self._number += 1
        self._done = last

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if not self._plain:
                if self._done:
                    break
                self._advance()
                continue
            take = self._plain if wanted is None else self._plain[:wanted]
            self._plain = self._plain[len(take):]
            parts.append(take)
            if wanted is not None:
                wanted -= len(take)
        return b"".join(parts)

    def readable(self) -> bool:
        return True
