"""Nations, units and personnel (list, search, create, edit, transfer), roster import."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.forms import ConfirmForm
from trainer.enums import Category, PersonStatus, Screening
from trainer.errors import Conflict, DomainError
from trainer.forms import apply_errors
from trainer.org import imports, people, services
from trainer.org.forms import LeaveForm, PersonForm, RosterConfirmForm, RosterUploadForm, TransferForm, UnitForm
from trainer.org.grades import grade_label
from trainer.org.models import Person, Unit
from trainer.org.roster import RosterLimits

bp = Blueprint("org", __name__)

CONFLICT_MESSAGE = ("Someone else changed this record while you were editing it. Your entries are kept below; "
                    "the current record is shown beside them. Check and save again.")


def _unit_label(unit: Unit) -> str:
    return f"{'  ' * unit.depth}{unit.nation_code} · {unit.code} — {unit.name}"


def _unit_choices(roles="org.write", nation: str | None = None, empty: str | None = None):
    units = services.list_units(current_user, roles, nation=nation)
    choices = [(str(u.id), _unit_label(u)) for u in units]
    return ([("", empty)] if empty is not None else []) + choices


def _clean(value) -> str:
    """Text from the browser without NUL and other control characters (PostgreSQL refuses NUL)."""
    return "".join(c for c in (value or "") if c >= " " or c in "\t").strip()


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- nations --------------------------------------------------------------------------------

@bp.route("/admin/nations")
def nations():
    q = _clean(request.args.get("q")).lower()
    return render_template("org/nations.html", rows=services.list_nation_rows(current_user, q), q=q)


@bp.route("/admin/nations/<code>/toggle", methods=["POST"])
def nation_toggle(code: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    nation = services.toggle_nation(current_user, code)
    flash(f"{nation.name} is now {'active' if nation.active else 'inactive'}.", "success")
    return redirect(url_for("org.nations", q=request.args.get("q") or None))


# --- units ----------------------------------------------------------------------------------

@bp.route("/units")
def units():
    overview = services.units_overview(current_user)
    return render_template("org/units.html", by_nation=overview.by_nation, counts=overview.counts,
                           nation_names=overview.nation_names)


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit) if unit is not None and request.method == "GET" else UnitForm()
    nations, parents = services.unit_form_options(current_user, unit)
    form.nation_code.choices = [(n.code, f"{n.code} {n.name}") for n in nations]
    form.parent_id.choices = [("", "— none (top level) —")] + [(str(u.id), _unit_label(u)) for u in parents]
    if unit is not None:
        del form.nation_code
    return form


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = _unit_form()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_id.data = request.args.get("parent")
        parent = services.find_unit_in_scope(current_user, request.args.get("parent"))
        if parent is not None:
            form.nation_code.data = parent.nation_code
    if form.validate_on_submit():
        try:
            unit = services.create_unit(current_user, nation_code=_clean(form.nation_code.data), code=_clean(form.code.data),
                                        name=_clean(form.name.data), kind=form.kind.data,
                                        parent_id=_int_or_none(form.parent_id.data))
        except DomainError as exc:
            apply_errors(form, exc)
            return render_template("org/unit_form.html", form=form, unit=None), exc.status
        flash(f"Unit {unit.code} created.", "success")
        return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/units/<int:unit_id>")
def unit(unit_id: int):
    page = services.get_unit_page(current_user, unit_id)
    return render_template("org/unit.html", unit=page.unit, children=page.children, people_count=page.people_count,
                           ancestors=page.ancestors)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = services.get_unit(current_user, unit_id, "org.write")
    form = _unit_form(unit)
    if request.method == "GET":
        form.parent_id.data = str(unit.parent_id or "")
        form.version.data = str(unit.version)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_unit(current_user, unit, code=_clean(form.code.data), name=_clean(form.name.data),
                                 kind=form.kind.data, parent_id=_int_or_none(form.parent_id.data),
                                 expected_version=_int_or_none(form.version.data))
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
            unit = services.get_unit(current_user, unit_id, "org.write")
        else:
            flash("Unit saved.", "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template("org/unit_form.html", form=form, unit=unit), status


# --- personnel ------------------------------------------------------------------------------

def _people_filters(args) -> dict:
    nation = (args.get("nation") or "").strip()
    return {
        "q": _clean(args.get("q"))[:200] or None,
        "nation": nation.upper() if re.fullmatch(r"[A-Za-z]{3}", nation) else None,
        "unit_id": _int_or_none(args.get("unit")),
        "category": args.get("category") if args.get("category") in {c.value for c in Category} else None,
        "screening": args.get("screening") if args.get("screening") in {s.value for s in Screening} else None,
        "status": {"all": None, PersonStatus.LEFT_SERVICE.value: PersonStatus.LEFT_SERVICE.value}.get(
            args.get("status") or "", PersonStatus.ACTIVE.value),
    }


@bp.route("/personnel", endpoint="people")
def people_list():
    page, filters = people.page_of_people(current_user, _people_filters(request.args),
                                          page=request.args.get("page", 1, type=int))
    units = services.list_units(current_user)
    nation_codes = sorted({u.nation_code for u in units})
    return render_template("org/people.html", page=page, filters=filters, units=units, nation_codes=nation_codes,
                           categories=list(Category), screenings=list(Screening),
                           status_arg=request.args.get("status") or "", unit_label=_unit_label)


def _person_form(person: Person | None = None) -> PersonForm:
    form = PersonForm(obj=person) if person is not None and request.method == "GET" else PersonForm()
    if person is None:
        form.unit_id.choices = _unit_choices(empty="— choose a unit —")
        del form.version
    else:
        del form.unit_id
        del form.start_on
    return form


def _form_values(form: PersonForm) -> dict:
    values = {name: getattr(form, name).data for name in people.PERSON_FIELDS}
    return {k: (_clean(v) if isinstance(v, str) else v) for k, v in values.items()}


@bp.route("/personnel/new", methods=["GET", "POST"])
def person_new():
    form = _person_form()
    if request.method == "GET" and request.args.get("unit"):
        form.unit_id.data = request.args.get("unit")
    if form.validate_on_submit():
        try:
            person = people.create_person_in_unit(current_user, _form_values(form), _int_or_none(form.unit_id.data),
                                                  start_on=form.start_on.data)
        except DomainError as exc:
            apply_errors(form, exc)
            return render_template("org/person_form.html", form=form, person=None), exc.status
        flash(f"{person.display_name} added.", "success")
        return redirect(url_for("org.person", person_id=person.id))
    return render_template("org/person_form.html", form=form, person=None), 422 if form.errors else 200


@bp.route("/personnel/<int:person_id>")
def person(person_id: int):
    page = people.get_person_page(current_user, person_id)
    return render_template("org/person.html", person=page.person, can_edit=page.can_edit, grade_label=grade_label,
                           account=page.account)


@bp.route("/personnel/<int:person_id>/edit", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = people.get_person(current_user, person_id, "org.write")
    form = _person_form(person)
    if request.method == "GET":
        form.version.data = str(person.version)
    current = None
    status = 200
    if form.validate_on_submit():
        try:
            people.update_person(current_user, person, _form_values(form),
                                 expected_version=_int_or_none(form.version.data))
        except DomainError as exc:
            if isinstance(exc, Conflict) and not exc.errors:
                apply_errors(None, Conflict(CONFLICT_MESSAGE))
                current = person = people.get_person(current_user, person_id, "org.write")
                form.version.data = str(current.version)  # a second save is a deliberate overwrite
            else:
                apply_errors(form, exc)
                person = people.get_person(current_user, person_id, "org.write")
            status = exc.status
        else:
            flash("Saved.", "success")
            return redirect(url_for("org.person", person_id=person.id))
    elif form.errors:
        status = 422
    return render_template("org/person_form.html", form=form, person=person, current=current), status


@bp.route("/personnel/<int:person_id>/transfer", methods=["GET", "POST"])
def person_transfer(person_id: int):
    person = people.get_person(current_user, person_id, "org.write")
    form = TransferForm()
    form.unit_id.choices = [c for c in _unit_choices(nation=person.nation_code, empty="— choose a unit —")
                            if c[0] != str(person.unit_id)]
    if form.validate_on_submit():
        try:
            assignment = people.transfer_person_to(current_user, person, _int_or_none(form.unit_id.data),
                                                   form.on.data, _clean(form.note.data))
        except DomainError as exc:
            apply_errors(form, exc)
            person = people.get_person(current_user, person_id, "org.write")
        else:
            flash(f"Transferred to {assignment.unit.code} from {form.on.data.isoformat()}.", "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_transfer.html", form=form, person=person), 422 if form.errors else 200


@bp.route("/personnel/<int:person_id>/leave", methods=["GET", "POST"])
def person_leave(person_id: int):
    person = people.get_person(current_user, person_id, "org.write")
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            people.mark_left_service(current_user, person, form.on.data)
        except DomainError as exc:
            apply_errors(form, exc)
            person = people.get_person(current_user, person_id, "org.write")
        else:
            flash("Marked as left service. The record stays, as inactive.", "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_leave.html", form=form, person=person), 422 if form.errors else 200


# --- roster import --------------------------------------------------------------------------

@bp.route("/personnel/import", methods=["GET", "POST"])
def roster_import():
    limits = RosterLimits.from_config(current_app.config)
    upload = RosterUploadForm()
    confirm = RosterConfirmForm()
    report = None
    status = 200
    if request.method == "POST" and "token" in request.form:
        if confirm.validate_on_submit():
            report = imports.import_upload(current_user, current_app.instance_path, confirm.token.data, limits=limits)
            if report is None:
                flash("That upload is no longer available. Upload the file again.", "warning")
                return redirect(url_for("org.roster_import"))
            if report.ok:
                flash(report.summary(), "success")
                return redirect(url_for("org.people"))
            status = 422
    elif upload.validate_on_submit():
        storage = upload.file.data
        report, token = imports.preview_upload(current_user, current_app.instance_path,
                                               storage.read(limits.max_bytes + 1), Path(storage.filename or "").name,
                                               limits=limits)
        if token:
            confirm.token.data = token
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("org/roster_import.html", upload=upload, confirm=confirm, report=report,
                           preview_limit=500), status
