"""Planning: the exercise's objectives and its planning meetings (milestones)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.errors import DomainError, Invalid
from trainer.exercises import pages, planning, services
from trainer.exercises.forms import MilestonesForm, ObjectiveForm
from trainer.exercises.models import MilestoneKind
from trainer.exercises.views.rendering import exercise_page, form_refused, show_refusal
from trainer.i18n import language


def _objective_form() -> ObjectiveForm:
    form = ObjectiveForm()
    form.set_choices(pages.list_module_choices(language()))
    return form


def objectives(exercise_id: int, status: int = 200):
    ex = services.get_exercise(current_user, exercise_id)
    return exercise_page(ex, "exercises/objectives.html", form=_objective_form()), status


def objective_add(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = _objective_form()
    try:
        planning.add_objective(current_user, ex, description=form.description.data or "",
                               capability=form.capability.data or "", module_code=form.module_code.data)
    except DomainError as exc:
        return form_refused(form, exc, exercise_id, "exercises/objectives.html")
    flash(_("Objective added."), "success")
    return redirect(url_for("exercises.objectives", exercise_id=ex.id))


def objective_remove(exercise_id: int, objective_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    try:
        planning.remove_objective(current_user, ex, objective_id)
    except DomainError as exc:
        show_refusal(None, exc)
        return objectives(exercise_id, exc.status)
    flash(_("Objective removed."), "success")
    return redirect(url_for("exercises.objectives", exercise_id=ex.id))


def milestones(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = MilestonesForm()
    for kind, due_on in planning.milestone_dates(ex).items():
        getattr(form, kind).data = due_on
    return exercise_page(ex, "exercises/milestones.html", form=form, kinds=list(MilestoneKind))


def milestones_save(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = MilestonesForm()
    form.validate()
    dates = {kind.value: getattr(form, kind.value).data for kind in MilestoneKind}
    refused = [kind.label for kind in MilestoneKind if getattr(form, kind.value).errors]
    try:
        if refused:  # each field says why (not a date, or outside the years a date may fall in)
            raise Invalid(_("Check the dates of: %(meetings)s.", meetings=", ".join(map(str, refused))))
        planning.set_milestones(current_user, ex, dates)
    except DomainError as exc:
        return form_refused(form, exc, exercise_id, "exercises/milestones.html", kinds=list(MilestoneKind))
    flash(_("Planning milestones saved."), "success")
    return redirect(url_for("exercises.milestones", exercise_id=ex.id))


def milestone_held(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    try:
        row = planning.mark_milestone(current_user, ex, request.form.get("kind", ""), request.form.get("done", ""))
    except DomainError as exc:
        show_refusal(None, exc)
        return redirect(url_for("exercises.milestones", exercise_id=exercise_id))
    flash(_("%(meeting)s: marked as held.", meeting=row.kind_enum.label) if row.done
          else _("%(meeting)s: marked as not held.", meeting=row.kind_enum.label), "success")
    return redirect(url_for("exercises.milestones", exercise_id=exercise_id))

