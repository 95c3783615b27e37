"""NATO grade codes (STANAG 2116) and the police and civilian category codes, from data/grade_codes.yaml."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "grade_codes.yaml"


@functools.lru_cache(maxsize=1)
def grade_codes() -> dict[str, dict]:
    with DATA.open(encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)
    return {e["code"]: e for e in entries}


def is_valid_grade(code: str | None) -> bool:
    return bool(code) and code in grade_codes()


def _label(entry: dict, language: str | None) -> str:
    if language is None:
        from trainer.i18n import language as current_language

        language = current_language()
    return entry.get(f"label_{language}") or entry["label"]


def grade_label(code: str, language: str | None = None) -> str:
    """The grade's label in the interface language (English when the file has none in it)."""
    entry = grade_codes().get(code)
    return _label(entry, language) if entry else code


def grade_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(code, _label(e, language)) for code, e in grade_codes().items()]
