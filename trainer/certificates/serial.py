"""Certificate serials: random, Crockford base32, in groups, with a check character.

A serial is 12 random symbols (60 bits from the operating system's CSPRNG) in three groups of four,
followed by one check symbol computed with the Luhn mod N algorithm over the base32 alphabet, so
the check symbol is itself a base32 symbol. It catches every single mistyped symbol and every swap
of two adjacent symbols. Typed serials are forgiving: lower case, spaces and missing hyphens are
accepted, and O/I/L are read as 0/1/1 as Crockford's encoding prescribes.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
BODY_LENGTH = 12
GROUP = 4


class InvalidSerial(ValueError):
    pass


def check_symbol(body: str) -> str:
    """Luhn mod 32 check symbol for a string of base32 symbols."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def format_serial(compact: str) -> str:
    body, check = compact[:BODY_LENGTH], compact[BODY_LENGTH:]
    groups = [body[i:i + GROUP] for i in range(0, BODY_LENGTH, GROUP)]
    return "-".join(groups + [check])


def new_serial() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_serial(body + check_symbol(body))


def normalise(typed: str | None) -> str:
    """The canonical form of a typed serial ('k7qd 3m9x-v2ht-8' -> 'K7QD-3M9X-V2HT-8').

    Raises InvalidSerial with a message a person can act on."""
    if not typed:
        raise InvalidSerial("Enter the serial printed on the certificate.")
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\u00a0")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    if len(cleaned) != BODY_LENGTH + 1:
        raise InvalidSerial(f"A serial has {BODY_LENGTH + 1} letters and digits (for example ABCD-EFGH-JKMN-P).")
    bad = sorted({ch for ch in cleaned if ch not in _VALUE})
    if bad:
        raise InvalidSerial("A serial uses only the digits and the letters A-Z except I, L, O and U "
                            f"(found {' '.join(bad)}).")
    body, check = cleaned[:BODY_LENGTH], cleaned[BODY_LENGTH:]
    if check_symbol(body) != check:
        raise InvalidSerial("This serial contains a typing mistake: its check character does not match. "
                            "Compare it with the certificate again.")
    return format_serial(cleaned)


def is_valid(typed: str | None) -> bool:
    try:
        normalise(typed)
    except InvalidSerial:
        return False
    return True
