"""Lessons read and knowledge checks taken by a trainee (the acting user's own person)."""
from __future__ import annotations

import datetime as dt
import random
import re

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from trainer.audit.services import record_event
from trainer.curricula.models import Lesson, Module, Question
from trainer.curricula.services import get_module
from trainer.db import utcnow
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.extensions import db
from trainer.learning import rules
from trainer.learning.models import Attempt, LessonProgress, Method
from trainer.learning.services import current_completion, record_completion
from trainer.org.models import Person

# The evidence a passed online check writes on its completion, stored in English like all recorded data and
# shown in the reader's language by `evidence_text`.
ONLINE_EVIDENCE = "Online knowledge check, attempt {}"
_ONLINE_EVIDENCE = re.compile(r"^Online knowledge check(?:, attempt (\d+))?$")


def evidence_text(evidence: str | None) -> str:
    """A completion's evidence for display: the words the system wrote for an online check in the reader's
    language; what a person typed, as typed."""
    found = _ONLINE_EVIDENCE.match(evidence or "")
    if found is None:
        return evidence or ""
    if found.group(1):
        return _("Online knowledge check, attempt %(number)s", number=found.group(1))
    return _("Online knowledge check")


_random = random.SystemRandom()


class TooManyAttempts(DomainError):
    status = 429


def _moment(value: dt.datetime) -> str:
    from trainer.templating import format_datetime

    return format_datetime(value, "UTC")


def own_person(actor) -> Person:
    if actor is None or not getattr(actor, "person_id", None):
        raise Invalid(_("Your account is not linked to a personnel record, so no training can be recorded for it. "
                        "Ask a training officer to link it."))
    return db.session.get(Person, actor.person_id)


# --- lessons --------------------------------------------------------------------------------

def get_lesson(module: Module, slug: str) -> Lesson:
    lesson = next((item for item in module.lessons if item.slug == slug), None)
    if lesson is None:
        raise NotFound(_("Module %(code)s has no lesson %(slug)s.", code=module.code, slug=repr(slug)))
    return lesson


def lesson_progress(actor, lesson: Lesson) -> LessonProgress | None:
    """The trainee's progress on this lesson, if any (a read: opening a lesson changes nothing)."""
    if not getattr(actor, "person_id", None):
        return None
    return db.session.scalar(select(LessonProgress).where(LessonProgress.person_id == actor.person_id,
                                                          LessonProgress.lesson_id == lesson.id))


def mark_lesson_read(actor, lesson: Lesson) -> LessonProgress:
    """Record that the trainee has read the lesson (once; marking it again changes nothing)."""
    person = own_person(actor)
    row = lesson_progress(actor, lesson)
    if row is None:
        row = LessonProgress(person_id=person.id, lesson_id=lesson.id, module_code=lesson.module.code)
        db.session.add(row)
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.flush()
        record_event(actor, "lesson.read", row, after={"module": lesson.module.code, "lesson": lesson.slug})
        db.session.flush()
    return row


def lessons_read(person_id: int | None, module: Module) -> set[int]:
    if not person_id:
        return set()
    return set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.person_id == person_id, LessonProgress.read_at.is_not(None),
        LessonProgress.lesson_id.in_([lesson.id for lesson in module.lessons]))))


# --- knowledge checks -----------------------------------------------------------------------

def attempts_in_window(person_id: int, module_code: str, now: dt.datetime) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(
        Attempt.person_id == person_id, Attempt.module_code == module_code,
        Attempt.started_at > now - dt.timedelta(hours=24)).order_by(Attempt.started_at)))


def missing_prerequisites(person_id: int, module: Module, today: dt.date) -> list[str]:
    missing = []
    for code in module.prerequisites:
        completion = current_completion(person_id, code)
        if completion is None or not rules.is_valid_on(completion.completed_on, completion.valid_until, today):
            missing.append(code)
    return missing


def start_attempt(actor, module_code: str, *, per_day: int, now: dt.datetime | None = None) -> Attempt:
    """Draw a knowledge check and fix it on the server; an unfinished one is resumed instead."""
    person = own_person(actor)
    now = now or utcnow()
    # Serialise attempts of one person (PostgreSQL row lock; SQLite writers are serialised already).
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    module = get_module(module_code)
    open_attempt = db.session.scalar(select(Attempt).where(
        Attempt.person_id == person.id, Attempt.module_id == module.id, Attempt.submitted_at.is_(None)))
    if open_attempt is not None:
        return open_attempt
    missing = missing_prerequisites(person.id, module, now.date())
    if missing:
        raise Invalid(ngettext("Pass %(missing)s first: %(code)s requires it.",
                               "Pass %(missing)s first: %(code)s requires them.", len(missing),
                               missing=", ".join(missing), code=module.code))
    recent = attempts_in_window(person.id, module.code, now)
    if len(recent) >= per_day:
        retry_at = recent[-per_day].started_at + dt.timedelta(hours=24)
        raise TooManyAttempts(ngettext(
            "You have used the %(num)d attempt at the %(code)s knowledge check allowed in 24 hours. You can try again "
            "from %(when)s. Use the time to review the lessons.",
            "You have used all %(num)d attempts at the %(code)s knowledge check allowed in 24 hours. You can try "
            "again from %(when)s. Use the time to review the lessons.", per_day, code=module.code,
            when=_moment(retry_at)))
    questions = list(module.questions)
    must = [q for q in questions if q.must_pass]
    others = [q for q in questions if not q.must_pass]
    chosen = must + _random.sample(others, max(0, min(len(others), module.questions_per_attempt - len(must))))
    _random.shuffle(chosen)
    drawn = []
    for question in chosen:
        order = [0, 1, 2, 3]
        _random.shuffle(order)
        drawn.append({"question_id": question.id, "order": order})
    attempt = Attempt(person_id=person.id, module_id=module.id, module_code=module.code, started_at=now, drawn=drawn)
    db.session.add(attempt)
    db.session.flush()
    record_event(actor, "attempt.start", attempt, after={"module": f"{module.code} {module.version}",
                                                         "questions": len(drawn)})
    return attempt


def completion_of(attempt: Attempt):
    """The completion a passed attempt recorded, if any."""
    from trainer.learning.models import Completion

    return db.session.get(Completion, attempt.completion_id) if attempt.completion_id else None


def get_own_attempt(actor, attempt_id) -> Attempt:
    try:
        attempt_id = int(attempt_id)
    except (TypeError, ValueError):
        raise NotFound()
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or not actor.person_id or attempt.person_id != actor.person_id:
        raise NotFound()
    return attempt


def drawn_questions(attempt: Attempt) -> list[tuple[Question, list[int]]]:
    ids = [item["question_id"] for item in attempt.drawn]
    by_id = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    return [(by_id[item["question_id"]], item["order"]) for item in attempt.drawn]


def parse_answers(form: dict, attempt: Attempt) -> dict[int, int]:
    """Answers keyed by question id, as shown positions 0..3. Ids not drawn in this attempt are refused."""
    drawn_ids = {item["question_id"] for item in attempt.drawn}
    answers, foreign = {}, []
    for key, value in form.items():
        if not key.startswith("q-"):
            continue
        try:
            question_id = int(key[2:])
            position = int(value)
        except (TypeError, ValueError):
            raise Invalid(_("The answers could not be read. Nothing was recorded; please answer again."))
        if question_id not in drawn_ids:
            foreign.append(question_id)
            continue
        if not 0 <= position <= 3:
            raise Invalid(_("An answer is not one of the four options. Nothing was recorded; please answer again."))
        answers[question_id] = position
    if foreign:
        raise Invalid(_("These answers include questions that are not part of this knowledge check. Nothing was "
                        "recorded and the attempt is still open; reload it and answer the questions shown."))
    missing = drawn_ids - set(answers)
    if missing:
        raise Invalid(ngettext("Answer every question before you submit (%(num)d unanswered). Nothing was recorded.",
                               "Answer every question before you submit (%(num)d unanswered). Nothing was recorded.",
                               len(missing)))
    return answers


def submit_attempt(actor, attempt_id, form: dict, *, now: dt.datetime | None = None) -> Attempt:
    attempt = get_own_attempt(actor, attempt_id)
    if attempt.finished:
        raise Conflict(_("This knowledge check was already submitted on %(when)s. Your first submission stands; "
                         "nothing was changed.", when=_moment(attempt.submitted_at)))
    answers = parse_answers(form, attempt)
    now = now or utcnow()
    correct = must_ok = 0
    must_total = 0
    for question, order in drawn_questions(attempt):
        right = order[answers[question.id]] == question.correct
        correct += right
        if question.must_pass:
            must_total += 1
            must_ok += right
    score = rules.score_percent(correct, len(attempt.drawn))
    passed = rules.is_pass(score, attempt.module.pass_mark, must_ok == must_total)
    # Only the first submission may land, even when two arrive at the same moment.
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, answers={str(k): v for k, v in answers.items()}, score=score, passed=passed)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict(_("This knowledge check was already submitted. Your first submission stands; nothing was "
                         "changed."))
    db.session.refresh(attempt)
    if passed:
        completion = record_completion(actor, attempt.person, attempt.module, method=Method.ONLINE,
                                       completed_on=now.date(), score=score,
                                       evidence=ONLINE_EVIDENCE.format(attempt.id))
        attempt.completion_id = completion.id
    record_event(actor, "attempt.submit", attempt, after={"module": attempt.module_code, "score": score,
                                                          "passed": passed})
    db.session.flush()
    return attempt


def attempt_review(attempt: Attempt, language: str) -> list[dict]:
    """For a finished attempt: each question, the answer given, whether it was right, and why."""
    from trainer.curricula.models import pick
    from trainer.curricula.reading import shown_language

    review = []
    answers = {int(k): v for k, v in (attempt.answers or {}).items()}
    for question, order in drawn_questions(attempt):
        chosen = answers.get(question.id)
        right = chosen is not None and order[chosen] == question.correct
        review.append({
            "stem": pick(question.stem, language),
            "chosen": pick(question.options[order[chosen]], language) if chosen is not None else "",
            "right": right,
            "must_pass": question.must_pass,
            "explanation": None if right else pick(question.explanation, language),
            "source": question.source,
            "lang": shown_language(question.stem, language),
        })
    return review


def count_attempts_today(person_id: int, module_code: str, now: dt.datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.person_id == person_id, Attempt.module_code == module_code,
        Attempt.started_at > now - dt.timedelta(hours=24))) or 0
