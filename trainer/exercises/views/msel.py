"""The MSEL pages: the list and the timeline, writing and releasing injects, the CSV import and export."""
from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from trainer.db import utcnow
from trainer.errors import Conflict, DomainError
from trainer.exercises import access, msel, msel_csv, services
from trainer.exercises.forms import ImportForm, InjectForm
from trainer.exercises.timeutil import format_local_input
from trainer.exercises.views.rendering import carry_out, exercise_page, form_refused, show_refusal
from trainer.forms import edit_form
from trainer.i18n import marking


def _headings() -> list[str]:
    """The import's columns as an export in the reader's language heads them."""
    return [str(msel_csv.CSV_HEADINGS[column]) for column in msel_csv.CSV_COLUMNS]


def _markings() -> tuple[str, str]:
    return marking("CLASSIFICATION_MARKING"), marking("RELEASABILITY_MARKING")


def _msel_page(exercise_id: int, status: int = 200):
    ex = services.get_exercise(current_user, exercise_id)
    injects = msel.list_injects(current_user, ex)
    return exercise_page(ex, "exercises/msel.html", injects=injects, marking=msel_csv.marking_line(*_markings()),
                         can_edit=access.can_edit_msel(current_user, ex)), status


def _timeline_page(exercise_id: int, status: int = 200):
    ex = services.get_exercise(current_user, exercise_id)
    days = msel.injects_by_local_day(current_user, ex)
    return exercise_page(ex, "exercises/msel_timeline.html", days=days, marking=msel_csv.marking_line(*_markings()),
                         can_edit=access.can_edit_msel(current_user, ex), now=utcnow()), status


def msel_list(exercise_id: int):
    return _msel_page(exercise_id)


def msel_timeline(exercise_id: int):
    return _timeline_page(exercise_id)


def _refused_on_msel(exercise_id: int, error: DomainError):
    """A refused release or skip, shown on the list (or the timeline) it was asked from."""
    show_refusal(None, error)
    if request.form.get("back") == "timeline":
        return _timeline_page(exercise_id, error.status)
    return _msel_page(exercise_id, error.status)


def _inject_values(form: InjectForm) -> dict:
    """The inject as typed: its recipient chosen from the list, or given as a kind and a reference (NPL,
    NPL:UNIT-CODE, NPL:SERVICE-NUMBER) by callers that send the CSV format's codes."""
    chosen = msel.split_recipient(form.recipient.data)
    to_type, to = chosen if chosen else (request.form.get("to_type", ""), request.form.get("to", ""))
    return {"number": form.number.data, "scenario_time": form.scenario_time.data,
            "planned_release": form.planned_release.data, "fold": form.fold.data, "from": form.from_.data,
            "to_type": to_type, "to": to, "method": form.method.data, "message": form.message.data,
            "expected_action": form.expected_action.data, "objectives": form.objectives.data or [],
            "contingency": bool(form.contingency.data)}


def _inject_form(ex, inject=None) -> InjectForm:
    form = edit_form(InjectForm, inject) if inject is not None else InjectForm()
    form.set_choices(msel.recipient_choices(current_user, ex),
                     [(str(o.number), f"{o.number}. {o.description}") for o in ex.objectives])
    return form


def _inject_page(exercise_id: int, ex, form: InjectForm, inject, save, saved: str):
    """The inject form, or (on POST) the inject saved by `save(values)` and the MSEL shown again. When someone
    else saved the inject meanwhile, the form keeps what was typed and shows the inject as it is now; saving
    again replaces that version, knowingly."""
    if request.method == "POST":
        try:
            inject = save(_inject_values(form))
        except DomainError as exc:
            # the recipient is one field of the form, a kind and a reference for the service; "from" is a Python word
            fields = {"to": "recipient", "to_type": "recipient", "from": "from_"}
            exc.errors = [(fields.get(name, name), message) for name, message in exc.errors]
            current = None
            if isinstance(exc, Conflict) and inject is not None:
                current = msel.get_inject(current_user, services.get_exercise(current_user, exercise_id), inject.id)
                form.version.data = str(current.version)
            return form_refused(form, exc, exercise_id, "exercises/inject_edit.html", inject=current or inject,
                                current=current, local_release=current and format_local_input(
                                    current.planned_at, ex.timezone).replace("T", " "))
        flash(saved % {"number": inject.number}, "success")
        return redirect(url_for("exercises.msel_list", exercise_id=ex.id))
    return exercise_page(ex, "exercises/inject_edit.html", form=form, inject=inject)


def msel_new(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    msel.require_msel_editor(current_user, ex)
    form = _inject_form(ex)
    if request.method == "GET":
        form.number.data = msel.next_inject_number(current_user, ex)
        form.planned_release.data = format_local_input(ex.start_at, ex.timezone)
        form.recipient.data = f"nation|{ex.lead_nation_code}"
    return _inject_page(exercise_id, ex, form, None, lambda values: msel.create_inject(current_user, ex, values),
                        _("Inject %(number)s added."))


def msel_edit(exercise_id: int, inject_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    inject = msel.get_inject(current_user, ex, inject_id)
    msel.require_msel_editor(current_user, ex)
    form = _inject_form(ex, inject)
    if request.method == "GET":
        form.version.data = str(inject.version)
        form.planned_release.data = format_local_input(inject.planned_at, ex.timezone)
        form.from_.data = inject.from_text
        form.recipient.data = f"{inject.to_type}|{inject.to_ref}"
        form.objectives.data = [str(o.number) for o in inject.objectives]
    return _inject_page(exercise_id, ex, form, inject,
                        lambda values: msel.update_inject(current_user, ex, inject, values,
                                                          expected_version=form.version.data),
                        _("Inject %(number)s saved."))


def _back_to_msel(ex, message: str, category: str):
    """After a release or skip: the message, and the list (or the timeline) it was asked from."""
    flash(message, category)
    return redirect(request.form.get("back") == "timeline" and url_for("exercises.msel_timeline", exercise_id=ex.id)
                    or url_for("exercises.msel_list", exercise_id=ex.id))


def msel_release(exercise_id: int, inject_id: int):
    return carry_out(exercise_id, lambda ex: msel.release_inject(current_user, ex, inject_id), _refused_on_msel,
                     lambda ex, inject: _back_to_msel(ex, _("Inject %(number)s released.", number=inject.number),
                                                      "success"))


def msel_skip(exercise_id: int, inject_id: int):
    return carry_out(exercise_id, lambda ex: msel.skip_inject(current_user, ex, inject_id), _refused_on_msel,
                     lambda ex, inject: _back_to_msel(ex, _("Inject %(number)s skipped.", number=inject.number),
                                                      "info"))


def msel_import(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    msel.require_msel_editor(current_user, ex)
    form = ImportForm()
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(msel_csv.MAX_BYTES + 1) if upload is not None and upload.filename else None
        try:
            report = msel_csv.import_csv(current_user, ex, data)
        except DomainError as exc:
            # the recipient is one field of the form, a kind and a reference for the service; "from" is a Python word
            fields = {"to": "recipient", "to_type": "recipient", "from": "from_"}
            exc.errors = [(fields.get(name, name), message) for name, message in exc.errors]
            return form_refused(form, exc, exercise_id, "exercises/msel_import.html", errors_listed=True,
                                problems=exc.errors, columns=msel_csv.CSV_COLUMNS, headings=_headings())
        notes = " ".join(_("%(where)s: %(message)s", where=where, message=what) for where, what in report.notes)
        done = ngettext("%(num)d inject imported.", "%(num)d injects imported.", len(report.injects))
        flash(f"{done} {notes}" if notes else done, "success")
        return redirect(url_for("exercises.msel_list", exercise_id=ex.id))
    return exercise_page(ex, "exercises/msel_import.html", form=form, problems=[], columns=msel_csv.CSV_COLUMNS,
                         headings=_headings())


def msel_export(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    classification, releasability = _markings()
    export = msel_csv.export_csv(current_user, ex, classification=classification, releasability=releasability,
                                 client_address=request.remote_addr)
    return Response("\ufeff" + export.body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"',
                             "Cache-Control": "no-store"})
