"""Actions on the people selected on the personnel list. The list posts the selection (`ids`) to one of
these pages, which shows who is selected and asks for what the action needs; the confirmed form posts
again with `confirm`. A refusal comes back on the same page with the selection and the entries kept."""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainer.auth.forms import ConfirmForm
from trainer.auth.views.common import auth_settings, credentials_download
from trainer.db import utc_today
from trainer.errors import DomainError, Invalid, NotFound
from trainer.forms import apply_errors
from trainer.i18n import language, marking
from trainer.org import bulk
from trainer.org.forms import BulkAccountsForm, BulkAssignForm, BulkTransferForm
from trainer.org.views.helpers import back_to, clean, int_or_none, unit_label

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _ids() -> list[str]:
    return request.form.getlist("ids")


def _back() -> str:
    return back_to(url_for("org.people"))


def _confirmed(form) -> bool:
    return "confirm" in request.form and form.validate_on_submit()


def _selection_refused(exc: DomainError):
    """A selection that is empty, too long or reaches someone out of scope: back to the list, which
    keeps its search, with the reason."""
    flash(exc.message or _("Nothing was changed."), "danger")
    return redirect(_back())


def _refusal(form, exc: DomainError) -> list[str]:
    """Show a refusal on the page: field errors under their fields, the message flashed, and the
    problems with single people returned to be listed beside them."""
    problems = [message for name, message in exc.errors if name == "people"]
    apply_errors(form, type(exc)(exc.message, errors=[(n, m) for n, m in exc.errors if n != "people"]))
    return problems


def _training_choices() -> list[tuple[str, str]]:
    from trainer.curricula.models import pick
    from trainer.curricula.services import list_current_modules, list_profiles

    code = language()
    return ([(p.code, _("Readiness profile %(code)s — %(title)s", code=p.code, title=pick(p.title, code)))
             for p in list_profiles()]
            + [(m.code, _("Module %(code)s — %(title)s", code=m.code, title=pick(m.title, code)))
               for m in list_current_modules()])


def bulk_assign():
    form = BulkAssignForm()
    form.code.choices = [("", _("— choose —"))] + _training_choices()
    try:
        people = bulk.get_selection(current_user, _ids(), "training.record")
    except (Invalid, NotFound) as exc:
        return _selection_refused(exc)
    problems, status = [], 200
    if _confirmed(form):
        try:
            count = bulk.assign_training(current_user, _ids(), code=form.code.data, due_on=form.due_on.data)
        except DomainError as exc:
            problems, status = _refusal(form, exc), exc.status
            people = bulk.get_selection(current_user, _ids(), "training.record")
        else:
            flash(ngettext("%(code)s assigned to %(num)d person.", "%(code)s assigned to %(num)d people.", count,
                           code=form.code.data), "success")
            return redirect(_back())
    elif "confirm" in request.form:
        status = 422
    return render_template("org/bulk_assign.html", form=form, people=people, problems=problems,
                           back=_back()), status


def bulk_accounts():
    form = BulkAccountsForm()
    try:
        plan = bulk.plan_accounts(current_user, _ids())
    except (Invalid, NotFound) as exc:
        return _selection_refused(exc)
    status = 200
    if _confirmed(form):
        try:
            plan, created = bulk.create_accounts(auth_settings(), current_user, _ids())
        except DomainError as exc:
            _refusal(form, exc)
            status = exc.status
            plan = bulk.plan_accounts(current_user, _ids())
        else:
            return _credentials(created)
    elif "confirm" in request.form:
        status = 422
    return render_template("org/bulk_accounts.html", form=form, plan=plan, back=_back()), status


def _credentials(created):
    """The sheet of one-time passwords, sent at once: the only copy there will ever be."""
    return credentials_download(created, title=ngettext("Sign-in credentials — %(num)d new account",
                                                        "Sign-in credentials — %(num)d new accounts", len(created)),
                                filename=f"credentials-{utc_today().isoformat()}.pdf")


def bulk_transfer():
    form = BulkTransferForm()
    try:
        people = bulk.get_selection(current_user, _ids(), "org.write")
    except (Invalid, NotFound) as exc:
        return _selection_refused(exc)
    units = bulk.transfer_options(current_user, people)
    form.unit_id.choices = [("", _("— choose a unit —"))] + [(str(u.id), unit_label(u)) for u in units]
    problems, status = [], 200
    if _confirmed(form):
        try:
            unit, moved, staying = bulk.transfer_people(current_user, _ids(), unit_id=int_or_none(form.unit_id.data),
                                                        on=form.on.data, note=clean(form.note.data))
        except DomainError as exc:
            problems, status = _refusal(form, exc), exc.status
            people = bulk.get_selection(current_user, _ids(), "org.write")
        else:
            message = ngettext("%(num)d person transferred to %(unit)s.", "%(num)d people transferred to %(unit)s.",
                               moved, unit=unit.code)
            if staying:
                message += " " + ngettext("%(num)d was already there.", "%(num)d were already there.", staying)
            flash(message, "success")
            return redirect(_back())
    elif "confirm" in request.form:
        status = 422
    return render_template("org/bulk_transfer.html", form=form, people=people, units=units, problems=problems,
                           back=_back()), status


def people_export():
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Select the people again and export."), "warning")
        return redirect(_back())
    try:
        data, extension = bulk.export_selection(current_user, _ids(), request.form.get("format", ""),
                                                classification=marking("CLASSIFICATION_MARKING"))
    except (Invalid, NotFound) as exc:
        return _selection_refused(exc)
    response = current_app.response_class(data, mimetype=MIMETYPES[extension])
    response.headers["Content-Disposition"] = (f'attachment; filename="personnel-{utc_today().isoformat()}'
                                               f'.{extension}"')
    return response
