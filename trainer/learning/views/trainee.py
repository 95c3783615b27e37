"""A trainee's own training: My training, lessons and knowledge checks."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.policy import has_ability
from trainer.curricula.reading import reader_language, shown_language, text
from trainer.curricula.services import get_module
from trainer.db import utc_today
from trainer.errors import Conflict, Invalid
from trainer.forms import Form, apply_errors
from trainer.learning import attempts as checks
from trainer.learning import reports, services
from trainer.learning.standing import own_standing


def index():
    today = utc_today()
    person, required, others = reports.own_training(current_user, today)
    return render_template("learning/index.html", person=person, required=required, others=others,
                           done=sum(1 for r in required if r.done), today=today,
                           standing=own_standing(person, today, reader_language()),
                           staff_views=has_ability(current_user, "training.view"), title=_("My training"))


def lesson(module_code: str, slug: str):
    # A read only: reading progress is recorded by the "Mark as read" POST below.
    module = get_module(module_code)
    lesson = checks.get_lesson(module, slug)
    language = reader_language()
    position = module.lessons.index(lesson)
    body = lesson.body(language)
    return render_template("learning/lesson.html", module=module, lesson=lesson,
                           progress=checks.lesson_progress(current_user, lesson), body=body,
                           body_language="fr" if language == "fr" and lesson.body_fr else "en",
                           previous=module.lessons[position - 1] if position > 0 else None,
                           following=module.lessons[position + 1] if position + 1 < len(module.lessons) else None,
                           title=f"{module.code} · {text(lesson.title)}")


def lesson_read(module_code: str, slug: str):
    module = get_module(module_code)
    lesson = checks.get_lesson(module, slug)
    if not Form().validate_on_submit():
        flash(_("The form expired, so the lesson was not marked as read. Please press the button again."), "danger")
        return redirect(url_for("learning.lesson", module_code=module.code, slug=lesson.slug))
    checks.mark_lesson_read(current_user, lesson)
    position = module.lessons.index(lesson)
    if position + 1 < len(module.lessons):
        flash(_("Lesson marked as read."), "success")
        return redirect(url_for("learning.lesson", module_code=module.code, slug=module.lessons[position + 1].slug))
    flash(_("Lesson marked as read. That was the last lesson: take the knowledge check when you are ready."), "success")
    return redirect(url_for("curricula.module", module_code=module.code))


def attempt_start(module_code: str):
    if not Form().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
        return redirect(url_for("curricula.module", module_code=module_code))
    try:
        attempt = checks.start_attempt(current_user, module_code, per_day=current_app.config["ATTEMPTS_PER_DAY"])
    except (checks.TooManyAttempts, Invalid) as exc:
        apply_errors(None, exc)
        return redirect(url_for("curricula.module", module_code=module_code))
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


def attempt(attempt_id: int):
    attempt = checks.get_own_attempt(current_user, attempt_id)
    status = 200
    if request.method == "POST":
        if not Form().validate_on_submit():
            flash(_("The form expired. Nothing was recorded; please submit again."), "danger")
            return redirect(url_for("learning.attempt", attempt_id=attempt.id))
        try:
            attempt = checks.submit_attempt(current_user, attempt.id, request.form.to_dict())
        except Conflict as exc:
            apply_errors(None, exc)
            return redirect(url_for("learning.attempt", attempt_id=attempt_id), 303)
        except Invalid as exc:
            apply_errors(None, exc)
            attempt = checks.get_own_attempt(current_user, attempt_id)
            status = 422
        else:
            return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)
    language = reader_language()
    if attempt.finished:
        review = checks.attempt_review(attempt, language)
        return render_template("learning/attempt_result.html", attempt=attempt, completion=checks.completion_of(attempt),
                               review=review, in_english=any(item["lang"] != language for item in review),
                               title=_("Knowledge check result"))
    questions = checks.drawn_questions(attempt)
    return render_template("learning/attempt.html", attempt=attempt, questions=questions,
                           in_english=any(shown_language(q.stem, language) != language for q, _order in questions),
                           title=_("Knowledge check %(code)s", code=attempt.module_code)), status
