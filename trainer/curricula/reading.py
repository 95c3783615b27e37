"""Curriculum content in the reader's language: a trainee whose interface is French reads the French of a
module; a part that has no French is shown in English, marked `lang="en"`, and the page says so. A module's
languages are shown before it is started (catalogue and module page)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from trainer.curricula.models import Module

CONTENT_LANGUAGES = ("en", "fr")
AUDIENCE = {"military": _l("military"), "police": _l("police"), "civilian": _l("civilian")}


def reader_language() -> str:
    """The language the page is shown in (pack texts fall back to English where they lack it)."""
    from trainer.i18n import language

    return language()


def shown_language(value, language: str | None = None) -> str:
    """The language a pack text field is actually shown in for this reader."""
    language = language or reader_language()
    if isinstance(value, dict) and value.get(language):
        return language
    return "en"


def text(value, language: str | None = None) -> str:
    """A pack text field in the reader's language, English when it has no translation (plain text, for
    attributes and titles)."""
    from trainer.curricula.models import pick

    return pick(value, language or reader_language())


@dataclass(frozen=True)
class Languages:
    """Which languages a module can be read in: English always; French when every text a trainee reads has it
    (`partial`: some of it has)."""
    french: bool
    partial: bool

    @property
    def codes(self) -> tuple[str, ...]:
        return ("en", "fr") if self.french else ("en",)

    def complete_in(self, language: str) -> bool:
        return language == "en" or (language == "fr" and self.french)


def _has(value, language: str) -> bool:
    return isinstance(value, dict) and bool(value.get(language))


def languages_of(module: Module, *, lessons=None, questions=None) -> Languages:
    """The module's languages from its content (lessons and questions may be passed in when loaded in bulk)."""
    lessons = module.lessons if lessons is None else lessons
    questions = module.questions if questions is None else questions
    parts = [_has(module.title, "fr"), _has(module.summary, "fr")]
    parts += [_has(o, "fr") for o in module.objectives or []]
    parts += [_has(lesson.title, "fr") and bool(lesson.body_fr) for lesson in lessons]
    parts += [_has(q.stem, "fr") and all(_has(o, "fr") for o in q.options) for q in questions]
    return Languages(french=all(parts), partial=any(parts) and not all(parts))
