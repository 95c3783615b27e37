"""The exercise record: creating, showing and changing one, moving it through its statuses, its conflicts."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.errors import Conflict, DomainError
from trainer.exercises import conflicts as conflict_service, pages, services, transitions
from trainer.exercises.forms import ExerciseForm
from trainer.exercises.timeutil import format_local_input
from trainer.exercises.views.rendering import exercise_page, show_refusal
from trainer.forms import apply_errors, edit_form
from trainer.i18n import language


def _exercise_form(obj=None) -> tuple[ExerciseForm, pages.FormOptions]:
    form = edit_form(ExerciseForm, obj) if obj is not None else ExerciseForm()
    options = pages.get_exercise_form_options(current_user, language=language())
    form.set_choices(options.nations, options.units, options.modules, options.zones)
    return form, options


def _exercise_values(form: ExerciseForm) -> dict:
    return {"code": form.code.data, "title": form.title.data, "type": form.type.data,
            "military_name": form.military_name.data, "scenario_summary": form.scenario_summary.data,
            "lead_nation_code": form.lead_nation_code.data, "nation_codes": form.nation_codes.data or [],
            "unit_ids": form.unit_ids.data or [], "location_name": form.location_name.data,
            "timezone": form.timezone.data, "start_local": form.start_local.data, "end_local": form.end_local.data,
            "fold": form.fold.data, "prerequisite_modules": form.prerequisite_modules.data}


def new():
    form, options = _exercise_form()
    if request.method == "GET":
        if len(options.own_nations) == 1:
            form.lead_nation_code.data = next(iter(options.own_nations))
            form.nation_codes.data = [form.lead_nation_code.data]
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            ex = services.create_exercise(current_user, _exercise_values(form))
        except DomainError as exc:
            apply_errors(form, exc)
            return render_template("exercises/edit.html", form=form, ex=None), exc.status
        flash(_("Exercise %(code)s created as a draft.", code=ex.code), "success")
        return redirect(url_for("exercises.show", exercise_id=ex.id))
    return render_template("exercises/edit.html", form=form, ex=None)


def _show_page(exercise_id: int, status: int = 200):
    ex = services.get_exercise(current_user, exercise_id)
    overview = pages.get_overview_page(current_user, ex)
    return exercise_page(ex, "exercises/show.html", transitions=overview.transitions, report=overview.report,
                         counts=overview.counts, mine=overview.mine), status


def show(exercise_id: int):
    return _show_page(exercise_id)


def _fill_from(form: ExerciseForm, ex) -> None:
    form.nation_codes.data = ex.nation_codes
    form.unit_ids.data = [str(u.unit_id) for u in ex.units]
    form.start_local.data = format_local_input(ex.start_at, ex.timezone)
    form.end_local.data = format_local_input(ex.end_at, ex.timezone)
    form.prerequisite_modules.data = list(ex.prerequisite_codes)
    form.military_name.data = ex.military_name or ""
    form.version.data = str(ex.version)


def edit(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    services.require_planner(current_user, ex, "exercise")
    if request.method == "GET" and not ex.editable:  # no form to offer: saving it would be refused
        flash(_("An exercise that is %(status)s can no longer be changed.", status=ex.status_enum.label), "info")
        return redirect(url_for("exercises.show", exercise_id=ex.id))
    form, _options = _exercise_form(ex)
    if request.method == "GET":
        _fill_from(form, ex)
    if form.validate_on_submit():
        try:
            services.update_exercise(current_user, ex, _exercise_values(form), expected_version=form.version.data)
        except DomainError as exc:
            show_refusal(form, exc, forbidden_on_form=True)  # rolled back: the exercise is read afresh
            ex = services.get_exercise(current_user, exercise_id)
            # someone saved meanwhile: the form keeps what was typed, beside the exercise as it is now, and
            # saving again replaces that version, knowingly
            current = ex if isinstance(exc, Conflict) and not exc.errors else None  # not a code taken: a save
            if current is not None:
                form.version.data = str(current.version)
            return exercise_page(ex, "exercises/edit.html", form=form, current=current), exc.status
        flash(_("Saved."), "success")
        return redirect(url_for("exercises.show", exercise_id=ex.id))
    return exercise_page(ex, "exercises/edit.html", form=form)


def _status_page(exercise_id: int, target: str, status: int = 200, flashed: str | None = None):
    """The move asked for, to confirm; `flashed`, a refusal already shown above the page (not shown twice)."""
    ex = services.get_exercise(current_user, exercise_id)
    change = transitions.get_status_change(current_user, ex, target)
    return exercise_page(ex, "exercises/status.html", change=change, target=target, flashed=flashed), status


def transition(exercise_id: int):
    """GET: the move asked for, with what it would meet, to confirm (an approval lists the open
    conflicts). POST: the move; a refusal is shown on the page it was asked from, read afresh."""
    if request.method == "GET":
        target = request.args.get("target", "")
        if not target:  # nothing asked: the exercise's page (once it is known to be within reach)
            ex = services.get_exercise(current_user, exercise_id)
            return redirect(url_for("exercises.show", exercise_id=ex.id))
        return _status_page(exercise_id, target)
    ex = services.get_exercise(current_user, exercise_id)
    target = request.form.get("target", "")
    try:
        transitions.transition_exercise(current_user, ex, target, expected_version=request.form.get("version"))
    except DomainError as exc:
        apply_errors(None, exc)
        if request.form.get("asked"):
            return _status_page(exercise_id, target, exc.status, flashed=str(exc.message))
        return _show_page(exercise_id, exc.status)
    flash(_("%(code)s is now %(status)s.", code=ex.code, status=ex.status_enum.label), "success")
    return redirect(url_for("exercises.show", exercise_id=ex.id))


def conflicts(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    return exercise_page(ex, "exercises/conflicts.html", report=conflict_service.exercise_conflicts(current_user, ex))
