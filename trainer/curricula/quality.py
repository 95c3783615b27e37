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

from trainer.curricula.specs import N_, Joined, LessonSpec, Message, ModuleSpec, Problem, QuestionSpec

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
        yield from ((Message(N_("objective %(number)d"), number=i), lang, text) for lang, text in objective.items())
    for lesson in module.lessons:
        where = Message(N_("lesson %(slug)s title"), slug=lesson.slug)
        yield from ((where, lang, text) for lang, text in lesson.title.items())
        yield Message(N_("lesson %(slug)s"), slug=lesson.slug), "en", lesson.body_en
        if lesson.body_fr:
            yield Message(N_("lesson %(slug)s"), slug=lesson.slug), "fr", lesson.body_fr
    for q in module.questions:
        for where, value in _question_parts(q):
            yield from ((where, lang, text) for lang, text in value.items())


def _question_parts(q: QuestionSpec):
    yield Message(N_("question %(key)s stem"), key=q.key), q.stem
    for j, option in enumerate(q.options):
        yield Message(N_("question %(key)s option %(letter)s"), key=q.key, letter="ABCD"[j]), option
    yield Message(N_("question %(key)s explanation"), key=q.key), q.explanation


def _french_gaps(module: ModuleSpec) -> list[Message]:
    gaps = []
    fields = [("title", module.title), ("summary", module.summary),
              *((Message(N_("objective %(number)d"), number=i), o) for i, o in enumerate(module.objectives, 1))]
    for lesson in module.lessons:
        fields.append((Message(N_("lesson %(slug)s title"), slug=lesson.slug), lesson.title))
        if not lesson.body_fr:
            gaps.append(Message(N_("lesson %(slug)s has no French body (body_fr)"), slug=lesson.slug))
    for q in module.questions:
        parts = list(_question_parts(q))
        fields += [parts[0], parts[-1], *parts[1:-1]]
    gaps += [Message(N_("%(where)s has no French"), where=where) for where, value in fields if not value.get("fr")]
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
            problems.append(Problem(*here, N_("%(code)s %(where)s (%(lang)s): an author's note is left in text "
                                              "trainees read (%(note)s); resolve it from the source or remove it"),
                                    code=module.code, where=where, lang=lang, note=repr(match.group(0))))
    if not module.english_only:
        gaps = _french_gaps(module)
        if gaps:
            more = [Message(N_("and %(count)d more"), count=len(gaps) - 3)] if len(gaps) > 3 else []
            problems.append(Problem(*here, N_("%(code)s is only partly in French (%(gaps)s): translate the rest, "
                                              "or mark the module english_only: true"),
                                    code=module.code, gaps=Joined("; ", gaps[:3] + more)))
    _check_bank(module, warnings, here)
    for lesson in module.lessons:
        _check_lesson(module, lesson, warnings, here)


def _check_bank(module: ModuleSpec, warnings: list[Problem], here) -> None:
    bank = module.questions
    if not bank:
        return
    longest = sum(key_is_longest(q) for q in bank)
    if longest / len(bank) > MAX_LONGEST_SHARE:
        warnings.append(Problem(*here, N_("%(code)s: the correct option is the longest one in %(count)d of %(total)d "
                                          "questions (more than %(share)s): a trainee who picks the longest answer "
                                          "passes"),
                                code=module.code, count=longest, total=len(bank), share=f"{MAX_LONGEST_SHARE:.0%}"))
    recall = sum(is_recall(q) for q in bank)
    if recall / len(bank) > MAX_RECALL_SHARE:
        warnings.append(Problem(*here, N_("%(code)s: %(count)d of %(total)d questions ask for a date, number or "
                                          "document symbol (more than one in five): ask for decisions instead"),
                                code=module.code, count=recall, total=len(bank)))
    untagged = [q.key for q in bank if not q.objectives]
    covered = {n for q in bank for n in q.objectives}
    missing = [n for n in range(1, len(module.objectives) + 1) if n not in covered]
    if untagged:
        warnings.append(Problem(*here, N_("%(code)s: %(count)d questions name no learning objective (e.g. %(key)s): "
                                          "add objectives: [n]"),
                                code=module.code, count=len(untagged), key=untagged[0]))
    elif missing:
        warnings.append(Problem(*here, N_("%(code)s: no question tests objective(s) %(numbers)s"),
                                code=module.code, numbers=", ".join(map(str, missing))))


SHORT = {"en": N_("%(where)s: the English text has %(words)d words; a lesson needs at least %(minimum)d to carry its "
                  "key messages and an exercise"),
         "fr": N_("%(where)s: the French text has %(words)d words; a lesson needs at least %(minimum)d to carry its "
                  "key messages and an exercise")}
DROPPED_CONTENT = {"en": N_("%(where)s (English): raw HTML, a javascript: link or an image from another host will be "
                            "dropped when the lesson is shown"),
                   "fr": N_("%(where)s (French): raw HTML, a javascript: link or an image from another host will be "
                            "dropped when the lesson is shown")}


def _check_lesson(module: ModuleSpec, lesson: LessonSpec, warnings: list[Problem], here) -> None:
    where = Message(N_("%(code)s lesson %(slug)s"), code=module.code, slug=lesson.slug)
    words = lesson_words(lesson.body_en)
    for lang, body in (("en", lesson.body_en), ("fr", lesson.body_fr)):
        if body and lesson_words(body) < MIN_LESSON_WORDS:
            warnings.append(Problem(*here, SHORT[lang], where=where, words=lesson_words(body),
                                    minimum=MIN_LESSON_WORDS))
        if body and DROPPED.search(body):
            warnings.append(Problem(*here, DROPPED_CONTENT[lang], where=where))
    slow, fast = READING_WORDS_PER_MINUTE
    if lesson.minutes < words / fast or lesson.minutes > words / slow + EXERCISE_MINUTES:
        warnings.append(Problem(*here, N_("%(where)s: %(minutes)d minutes does not match %(words)d words of reading "
                                          "(about %(about)d minutes) plus its exercise"),
                                where=where, minutes=lesson.minutes, words=words, about=round(words / 180)))
