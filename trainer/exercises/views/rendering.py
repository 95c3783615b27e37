"""What the exercise pages share: the tabs' common context, how a button's change is carried out, and how a
refused change is shown."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from trainer.errors import DomainError
from trainer.exercises import access, services
from trainer.forms import apply_errors


def exercise_page(ex, template: str, **context):
    """One tab of an exercise, with what its header needs."""
    return render_template(template, ex=ex, msel_allowed=access.can_see_msel(current_user, ex),
                           planner=access.is_planner(current_user, ex), **context)


def show_refusal(form, error: DomainError, *, errors_listed: bool = False, forbidden_on_form: bool = False) -> None:
    """Show a refused change on its form (trainer.forms.apply_errors: rolled back, errors under their
    fields, the message flashed); with `errors_listed`, the page lists the errors itself and only the
    message is flashed. A refusal to reach the exercise or the object at all (403, 404) is answered
    with the error page instead, as if the form had never been shown, unless `forbidden_on_form`
    says that a 403 refuses only what was typed (e.g. a lead nation the actor does not plan for)."""
    if error.status == 404 or (error.status == 403 and not forbidden_on_form):
        raise error
    apply_errors(form, type(error)(error.message) if errors_listed else error)


def form_refused(form, error: DomainError, exercise_id: int, template: str, *, errors_listed: bool = False,
                 forbidden_on_form: bool = False, **context):
    """The exercise's form page shown again after a refused change, with the refusal on it and the
    exercise read afresh (the attempted change was rolled back)."""
    show_refusal(form, error, errors_listed=errors_listed, forbidden_on_form=forbidden_on_form)
    ex = services.get_exercise(current_user, exercise_id)
    return exercise_page(ex, template, form=form, **context), error.status


def carry_out(exercise_id: int, change, refused, done):
    """A change asked by a button (no form): `change(ex)` is carried out and `done(ex, its result)` answers
    (a flash and a redirect); a refusal is answered by `refused(exercise_id, error)`, on the page asked from."""
    ex = services.get_exercise(current_user, exercise_id)
    try:
        result = change(ex)
    except DomainError as exc:
        return refused(exercise_id, exc)
    return done(ex, result)
