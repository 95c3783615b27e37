"""Training officers: assignments, classroom sessions, a person's training record, recognised prior learning."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainer.curricula.reading import text
from trainer.curricula.services import list_profiles
from trainer.db import utc_today
from trainer.errors import Conflict, DomainError, Invalid
from trainer.forms import Form, apply_errors
from trainer.learning import reports, services
from trainer.learning.forms import AssignForm, RecogniseForm, SessionForm
from trainer.learning.models import Method
from trainer.learning.wording import RESULT_LABELS
from trainer.learning.views.common import carried_out, module_choices, refused_status, unit_choices
from trainer.templating import format_date


def assign():
    form = AssignForm()
    profiles = list_profiles()
    profile_codes = {p.code for p in profiles}
    form.code.choices = ([(p.code, _("Readiness profile %(code)s — %(title)s", code=p.code, title=text(p.title)))
                          for p in profiles]
                         + [(code, _("Module %(label)s", label=label)) for code, label in module_choices()])
    form.unit_id.choices = unit_choices(empty=_("— one person instead —"))
    if request.method == "GET":
        # Prefilled from the links of a person's record and of the overdue-and-expiring list.
        if request.args.get("person_id"):
            form.person_id.data = request.args.get("person_id", type=int)
        if request.args.get("code"):
            form.code.data = request.args.get("code")
        try:
            form.due_on.data = dt.date.fromisoformat(request.args.get("due_on", ""))
        except ValueError:
            pass
    done, _assigned = carried_out(form, lambda: services.assign(
        current_user, kind="profile" if form.code.data in profile_codes else "module", code=form.code.data,
        person_id=form.person_id.data, unit_id=form.unit_id.data or None, due_on=form.due_on.data))
    if done:
        flash(_("Assigned. The people it applies to are told in their notifications."), "success")
        return redirect(url_for("learning.assignments"))
    # a POST that reaches here was refused (success redirects)
    return render_template("learning/assign.html", form=form, title=_("Assign training")), refused_status()


def assignments():
    return render_template("learning/assignments.html", rows=services.list_assignments(current_user),
                           title=_("Assignments"))


def withdraw_module_assignment(module_assignment_id: int):
    return _withdraw("module", module_assignment_id)


def withdraw_profile_assignment(profile_assignment_id: int):
    return _withdraw("profile", profile_assignment_id)


def _withdraw(kind: str, assignment_id: int):
    if not Form().validate_on_submit():
        flash(_("The form expired. Nothing was withdrawn; please try again."), "danger")
        return redirect(url_for("learning.assignments"))
    try:
        row = services.withdraw_assignment(current_user, kind, assignment_id, request.form.get("reason", ""))
    except (Invalid, Conflict) as exc:
        apply_errors(None, exc)
        return redirect(url_for("learning.assignments"))
    message = (_("Assignment of module %(code)s withdrawn. It stays on record and no longer applies.", code=row.code)
               if row.kind == "module" else
               _("Assignment of profile %(code)s withdrawn. It stays on record and no longer applies.", code=row.code))
    flash(message, "success")
    return redirect(url_for("learning.assignments"))


def sessions():
    return render_template("learning/sessions.html", sessions=services.list_sessions(current_user),
                           title=_("Classroom sessions"))


def session_new():
    form = SessionForm()
    form.module_code.choices = module_choices()
    form.unit_id.choices = unit_choices()
    done, session = carried_out(form, lambda: services.create_session(
        current_user, module_code=form.module_code.data, unit_id=form.unit_id.data, held_on=form.held_on.data,
        instructor=form.instructor.data, location=form.location.data, notes=form.notes.data))
    if done:
        flash(_("Session recorded. Now mark attendance and results."), "success")
        return redirect(url_for("learning.session", session_id=session.id))
    return render_template("learning/session_new.html", form=form,
                           title=_("Record a classroom session")), refused_status()


def session(session_id: int):
    session = services.get_session(current_user, session_id)
    errors, status, typed = [], 200, {}
    if request.method == "POST":
        rows = []
        for person_id in request.form.getlist("person"):
            rows.append({"person_id": person_id, "result": request.form.get(f"result-{person_id}"),
                         "score": request.form.get(f"score-{person_id}"),
                         "evidence": request.form.get(f"evidence-{person_id}")})
        typed = {str(row["person_id"]): row for row in rows}
        if not Form().validate_on_submit():
            flash(_("The form expired. Nothing was recorded; please submit again."), "danger")
        else:
            try:
                recorded = services.record_attendance(current_user, session.id, rows,
                                                      request.form.get("common_evidence", ""))
            except DomainError as exc:
                apply_errors(None, DomainError(exc.message))
                errors = [message for _field, message in exc.errors]
                status = 422
                session = services.get_session(current_user, session_id)
            else:
                flash(ngettext("Recorded %(num)d attendance record.", "Recorded %(num)d attendance records.",
                               len(recorded)), "success")
                return redirect(url_for("learning.session", session_id=session.id))
    candidates = services.session_candidates(current_user, session, limit=services.SESSION_ROWS + 1)
    more = len(candidates) > services.SESSION_ROWS
    return render_template("learning/session.html", session=session, candidates=candidates[:services.SESSION_ROWS],
                           more=more, errors=errors, typed=typed, results=RESULT_LABELS,
                           common_evidence=request.form.get("common_evidence", ""),
                           title=_("Session %(code)s %(day)s", code=session.module.code,
                                   day=format_date(session.held_on))), status


def person(person_id: int):
    person, completions = services.person_history(current_user, person_id)
    required, others = reports.my_training(person, utc_today())
    return render_template("learning/person.html", person=person, completions=completions, required=required,
                           others=others, methods=Method.LABELS,
                           title=_("Training record: %(name)s", name=person.full_name_latin))


def recognise(person_id: int):
    person = services.get_person_or_404(current_user, person_id)
    form = RecogniseForm()
    form.module_code.choices = module_choices()
    done, _completion = carried_out(form, lambda: services.recognise_prior_learning(
        current_user, person_id=person.id, module_code=form.module_code.data, completed_on=form.completed_on.data,
        justification=form.justification.data))
    if done:
        flash(_("Prior learning recognised and recorded."), "success")
        return redirect(url_for("learning.person", person_id=person.id))
    return render_template("learning/recognise.html", form=form, person=person,
                           title=_("Recognise prior learning")), refused_status()
