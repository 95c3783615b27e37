"""Password hashing (argon2id) and the password policy: length and a common-passwords list, no composition rules."""
from __future__ import annotations

import functools
import gzip
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@functools.lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher_from_config(config) -> PasswordHasher:
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    if not COMMON_PASSWORDS_FILE.exists():
        return frozenset()
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8", errors="ignore") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, *, min_length: int = 12, max_length: int = 128,
                      username: str | None = None) -> list[str]:
    """What is wrong with a new password, in words; an empty list means it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append(_("Use at least %(num)d characters.", num=min_length))
    if len(password) > max_length:
        problems.append(_("Use at most %(num)d characters.", num=max_length))
    lowered = password.strip().lower()
    if lowered in common_passwords():
        problems.append(_("This password is on a list of commonly used passwords. Choose another."))
    elif username and lowered == username.lower():
        problems.append(_("The password must not be the account name."))
    return problems
