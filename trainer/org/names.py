"""Pure helpers for names: search keys that ignore case and accents, in any script."""
from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, accents removed, compatibility forms unified: 'Ngoné Éclair' -> 'ngone eclair'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", stripped).casefold().split())


def search_key(*names: str | None) -> str:
    return " | ".join(fold(n) for n in names if n)
