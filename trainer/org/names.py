"""Pure helpers for names: search keys that ignore case and accents, in any script."""
from __future__ import annotations

import re
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


# The order a person's names are written in. Chinese, Japanese and Korean names (and Hungarian, among
# others) put the family name first; the default follows the script of the native name, and a person's
# record may say otherwise.
GIVEN_FIRST = "given_first"
FAMILY_FIRST = "family_first"
NAME_ORDERS = (GIVEN_FIRST, FAMILY_FIRST)

# Han (with radicals, kana and CJK symbols), Hangul syllables and jamo, compatibility ideographs, the
# supplementary ideographs: one character class, searched by the regular expression engine.
_CJK = re.compile("[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\U00020000-\U0002FA1F\u3040-\u30FF\u1100-\u11FF]")


def is_cjk(text: str | None) -> bool:
    """Whether the text is written in Chinese, Japanese or Korean characters."""
    return bool(text) and _CJK.search(text) is not None


def default_name_order(family_name: str | None, given_names: str | None = None) -> str:
    return FAMILY_FIRST if is_cjk(family_name) or is_cjk(given_names) else GIVEN_FIRST


def name_order(chosen: str | None, family_name: str | None, given_names: str | None = None) -> str:
    """The order a person's names are written in: the one their record gives, or the default of their script."""
    return chosen if chosen in NAME_ORDERS else default_name_order(family_name, given_names)


def format_name(given: str | None, family: str | None, order: str | None = None) -> str:
    """A full name in the person's order: 'Aung San Suu', 'Ouyang Minghua', '欧阳明华' (CJK without a space)."""
    given, family = (given or "").strip(), (family or "").strip()
    if name_order(order, family, given) == FAMILY_FIRST:
        separator = "" if is_cjk(family) and is_cjk(given) else " "
        return f"{family}{separator}{given}".strip()
    return f"{given} {family}".strip()


def display_name(given: str | None, family: str | None, given_latin: str | None, family_latin: str | None,
                 order: str | None = None) -> str:
    """The native name with the Latin form beside it when they differ, both in the person's order (theirs, or the
    default of their script)."""
    order = name_order(order, family, given)
    native, latin = format_name(given, family, order), format_name(given_latin, family_latin, order)
    return native if native == latin else f"{native} ({latin})"
