"""The content rules a module must meet before trainees see it, beyond its format.

Refused (a problem): an author's note left in text a trainee reads ("check the official text",
"TODO", an unresolved confidence tag), and French that stops half way in a module not marked
`english_only`. Warned (the pack still imports, but `curricula validate` reports it): a bank whose
correct option is the longest one too often, or with too many bare-fact (recall) items, objectives no
question tests, lessons too short to carry their key messages, minutes that do not match the text, and
lesson content the renderer will drop (raw HTML, javascript: links, images from elsewhere).
Pure: no Flask, no database.
"""
from __future__ import annotations

import re

from trainer.curricula.specs import LessonSpec, ModuleSpec, Problem, QuestionSpec

# Notes to authors that must never reach a trainee, in either language.
AUTHOR_NOTE = re.compile(
    r"check the (official|original|primary|exact) (text|wording|document)|exact wording|to be (confirmed|verified)"
    r"|verify (this|the wording|against)|\bTODO\b|\bFIXME\b|\bTBC\b|\[(K|U|\?)\]|note to (authors|editors)"
    r"|à vérifier|vérifier le texte|texte officiel exact|à confirmer",
    re.IGNORECASE)
# An option that is a bare date, year, number or document symbol: the item then asks for a fact, not a decision.
BARE_FACT = re.compile(r"^\s*(\d{1,4}([-/.]\d{1,4}){0,2}|[A-Z]{1,5}/[A-Z0-9/.()-]+|(19|20)\d\d\b.*|\d+(\.\d+)?\s*(%|per ?cent)?)\s*$")
DROPPED = re.compile(r"<[a-zA-Z/!][^>]*>|\]\(\s*javascript:|!\[[^\]]*\]\(\s*(https?:)?//", re.IGNORECASE)

MAX_LONGEST_SHARE = 0.40
MAX_RECALL_SHARE = 0.20
MIN_LESSON_WORDS = 1000
READING_WORDS_PER_MINUTE = (120, 250)   # slow and fast readers
EXERCISE_MINUTES = 20                  # the most a lesson's exercise may add to its reading time


def lesson_words(body: str) -> int:
    """Words of substance: the text before the closing "Sources" section."""
    body = re.split(r"^#+\s*(Sources|Références)\b.*$", body or "", maxsplit=1, flags=re.MULTILINE | re.IGNORECASE)[0]
    return len(re.findall(r"\w[\w'’-]*", body))


def _texts(module: ModuleSpec):
    """(where, language, text) of everything a trainee reads in the module."""
    for where, value in (("title", module.title), ("summary", module.summary)):
        yield from ((where, lang, text) for lang, text in value.items())
    for i, objective in enumerate(module.objectives, 1):
        yield from ((f"objective {i}", lang, text) for lang, text in objective.items())
    for lesson in module.lessons:
        yield from ((f"lesson {lesson.slug} title", lang, text) for lang, text in lesson.title.items())
        yield f"lesson {lesson.slug}", "en", lesson.body_en
        if lesson.body_fr:
            yield f"lesson {lesson.slug}", "fr", lesson.body_fr
    for q in module.questions:
        for part, value in [("stem", q.stem), *((f"option {'ABCD'[j]}", o) for j, o in enumerate(q.options)),
                            ("explanation", q.explanation)]:
            yield from ((f"question {q.key} {part}", lang, text) for lang, text in value.items())


def _french_gaps(module: ModuleSpec) -> list[str]:
    gaps = []
    fields = [("title", module.title), ("summary", module.summary),
              *((f"objective {i}", o) for i, o in enumerate(module.objectives, 1))]
    for lesson in module.lessons:
        fields.append((f"lesson {lesson.slug} title", lesson.title))
        if not lesson.body_fr:
            gaps.append(f"lesson {lesson.slug} has no French body (body_fr)")
    for q in module.questions:
        fields += [(f"question {q.key} stem", q.stem), (f"question {q.key} explanation", q.explanation),
                   *((f"question {q.key} option {'ABCD'[j]}", o) for j, o in enumerate(q.options))]
    gaps += [f"{where} has no French" for where, value in fields if not value.get("fr")]
    return gaps


def is_recall(question: QuestionSpec) -> bool:
    return question.recall or sum(bool(BARE_FACT.match(o.get("en", ""))) for o in question.options) >= 2


def key_is_longest(question: QuestionSpec) -> bool:
    lengths = [len(o.get("en", "")) for o in question.options]
    return all(lengths[question.correct] > n for j, n in enumerate(lengths) if j != question.correct)


def check_module(module: ModuleSpec, problems: list[Problem], warnings: list[Problem]) -> None:
    here = (module.file, module.code_line)
    for where, lang, text in _texts(module):
        match = AUTHOR_NOTE.search(text or "")
        if match:
            problems.append(Problem(*here, f"{module.code} {where} ({lang}): an author's note is left in text trainees "
                                           f"read ({match.group(0)!r}); resolve it from the source or remove it"))
    if not module.english_only:
        gaps = _french_gaps(module)
        if gaps:
            shown = "; ".join(gaps[:3]) + (f"; and {len(gaps) - 3} more" if len(gaps) > 3 else "")
            problems.append(Problem(*here, f"{module.code} is only partly in French ({shown}): translate the rest, "
                                           "or mark the module english_only: true"))
    _check_bank(module, warnings, here)
    for lesson in module.lessons:
        _check_lesson(module, lesson, warnings, here)


def _check_bank(module: ModuleSpec, warnings: list[Problem], here) -> None:
    bank = module.questions
    if not bank:
        return
    longest = sum(key_is_longest(q) for q in bank)
    if longest / len(bank) > MAX_LONGEST_SHARE:
        warnings.append(Problem(*here, f"{module.code}: the correct option is the longest one in {longest} of "
                                       f"{len(bank)} questions (more than {MAX_LONGEST_SHARE:.0%}): a trainee who "
                                       "picks the longest answer passes"))
    recall = sum(is_recall(q) for q in bank)
    if recall / len(bank) > MAX_RECALL_SHARE:
        warnings.append(Problem(*here, f"{module.code}: {recall} of {len(bank)} questions ask for a date, number or "
                                       f"document symbol (more than one in five): ask for decisions instead"))
    untagged = [q.key for q in bank if not q.objectives]
    covered = {n for q in bank for n in q.objectives}
    missing = [n for n in range(1, len(module.objectives) + 1) if n not in covered]
    if untagged:
        warnings.append(Problem(*here, f"{module.code}: {len(untagged)} questions name no learning objective "
                                       f"(e.g. {untagged[0]}): add objectives: [n]"))
    elif missing:
        warnings.append(Problem(*here, f"{module.code}: no question tests objective(s) "
                                       f"{', '.join(map(str, missing))}"))


def _check_lesson(module: ModuleSpec, lesson: LessonSpec, warnings: list[Problem], here) -> None:
    where = f"{module.code} lesson {lesson.slug}"
    words = lesson_words(lesson.body_en)
    for lang, body in (("English", lesson.body_en), ("French", lesson.body_fr)):
        if body and lesson_words(body) < MIN_LESSON_WORDS:
            warnings.append(Problem(*here, f"{where}: the {lang} text has {lesson_words(body)} words; a lesson needs "
                                           f"at least {MIN_LESSON_WORDS} to carry its key messages and an exercise"))
        if body and DROPPED.search(body):
            warnings.append(Problem(*here, f"{where} ({lang}): raw HTML, a javascript: link or an image from another "
                                           "host will be dropped when the lesson is shown"))
    slow, fast = READING_WORDS_PER_MINUTE
    if lesson.minutes < words / fast or lesson.minutes > words / slow + EXERCISE_MINUTES:
        warnings.append(Problem(*here, f"{where}: {lesson.minutes} minutes does not match {words} words of reading "
                                       f"(about {round(words / 180)} minutes) plus its exercise"))
