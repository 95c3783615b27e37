"""Certificate serials: random, Crockford base32, in groups, with a check character.

A serial is 12 random symbols (60 bits from the operating system's CSPRNG) in three groups of four,
followed by Crockford's check symbol: the body's value modulo 37, written with the 32 base32
symbols plus the five check-only symbols * ~ $ = U. Because 37 is prime and divides neither 32 nor
31, it catches every single mistyped symbol and every swap of two adjacent symbols (a Luhn mod 32
check misses swaps such as 0Z/Z0). Typed serials are forgiving: lower case, spaces and missing hyphens are
accepted, and O/I/L are read as 0/1/1 as Crockford's encoding prescribes.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
BODY_LENGTH = 12
GROUP = 4


class InvalidSerial(ValueError):
    """`kind` says which mistake ("empty", "length", "characters", "check") so that a page can word it in the
    reader's language; `found` holds the characters refused."""

    def __init__(self, message: str, kind: str, found: str = ""):
        super().__init__(message)
        self.kind = kind
        self.found = found


def check_symbol(body: str) -> str:
    """Crockford's mod 37 check symbol for a string of base32 symbols."""
    value = 0
    for char in body:
        value = value * 32 + _VALUE[char]
    return CHECK_ALPHABET[value % 37]


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
        raise InvalidSerial("Enter the serial printed on the certificate.", "empty")
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\u00a0")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned[:BODY_LENGTH]) + cleaned[BODY_LENGTH:]
    if len(cleaned) != BODY_LENGTH + 1:
        raise InvalidSerial(f"A serial has {BODY_LENGTH} letters and digits and a check character "
                            "(for example ABCD-EFGH-JKMN-P).", "length")
    bad = sorted({ch for ch in cleaned[:BODY_LENGTH] if ch not in _VALUE}
                 | ({cleaned[BODY_LENGTH]} - set(CHECK_ALPHABET) - set(_ALIASES)))
    if bad:
        raise InvalidSerial("A serial uses only the digits and the letters A-Z except I, L, O and U; its last "
                            f"character may also be * ~ $ = or U (found {' '.join(bad)}).", "characters", " ".join(bad))
    body, check = cleaned[:BODY_LENGTH], _ALIASES.get(cleaned[BODY_LENGTH], cleaned[BODY_LENGTH])
    cleaned = body + check
    if check_symbol(body) != check:
        raise InvalidSerial("This serial contains a typing mistake: its check character does not match. "
                            "Compare it with the certificate again.", "check")
    return format_serial(cleaned)


def is_valid(typed: str | None) -> bool:
    try:
        normalise(typed)
    except InvalidSerial:
        return False
    return True
