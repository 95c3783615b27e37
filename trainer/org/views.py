"""Nations, units and personnel (list, search, create, edit, transfer), roster import."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pycountry
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from trainer.auth import scoping
from trainer.auth.forms import ConfirmForm
from trainer.enums import Category, PersonStatus, Screening
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.extensions import db
from trainer.org import services
from trainer.org.forms import LeaveForm, PersonForm, RosterConfirmForm, RosterUploadForm, TransferForm, UnitForm
from trainer.org.grades import grade_label
from trainer.org.imports import import_roster
from trainer.org.models import Nation, Person, Unit
from trainer.org.roster import RosterLimits

bp = Blueprint("org", __name__)

PER_PAGE = 50
CONFLICT_MESSAGE = ("Someone else changed this record while you were editing it. Your entries are kept below; "
                    "the current record is shown beside them. Check and save again.")


def _apply_errors(form, error: DomainError) -> None:
    placed = False
    for name, message in error.errors:
        if hasattr(form, name):
            getattr(form, name).errors.append(message)
            placed = True
    if not placed or error.message:
        flash(error.message or "The form could not be saved.", "danger")


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
    known = {n.code: n for n in db.session.scalars(select(Nation))}
    rows = []
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if q and q not in name.lower() and q != country.alpha_3.lower():
            continue
        nation = known.get(country.alpha_3)
        rows.append({"code": country.alpha_3, "name": name, "active": bool(nation and nation.active)})
    rows.sort(key=lambda r: (not r["active"], r["name"]))
    return render_template("org/nations.html", rows=rows, q=q)


@bp.route("/admin/nations/<code>/toggle", methods=["POST"])
def nation_toggle(code: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not re.fullmatch(r"[A-Za-z]{3}", code):
        raise NotFound()
    code = code.upper()
    nation = db.session.get(Nation, code)
    services.set_nation_active(current_user, code, not (nation and nation.active))
    db.session.commit()
    nation = db.session.get(Nation, code)
    flash(f"{nation.name} is now {'active' if nation.active else 'inactive'}.", "success")
    return redirect(url_for("org.nations", q=request.args.get("q") or None))


# --- units ----------------------------------------------------------------------------------

@bp.route("/units")
def units():
    rows = services.list_units(current_user)
    counts = dict(db.session.execute(
        select(Person.unit_id, db.func.count()).where(Person.status == PersonStatus.ACTIVE.value,
                                                      Person.unit_id.in_([u.id for u in rows]))
        .group_by(Person.unit_id)).all()) if rows else {}
    by_nation: dict[str, list[Unit]] = {}
    for unit in rows:
        by_nation.setdefault(unit.nation_code, []).append(unit)
    return render_template("org/units.html", by_nation=by_nation, counts=counts,
                           nation_names={n.code: n.name for n in db.session.scalars(select(Nation))})


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit) if unit is not None and request.method == "GET" else UnitForm()
    reachable = [n for n in db.session.scalars(select(Nation).where(Nation.active).order_by(Nation.name))
                 if services.reaches_whole_nation(current_user, n.code)]
    nation_codes = {u.nation_code for u in services.list_units(current_user, "org.write")} | {n.code for n in reachable}
    form.nation_code.choices = [(n.code, f"{n.code} {n.name}") for n in
                                db.session.scalars(select(Nation).where(Nation.code.in_(nation_codes)).order_by(Nation.name))]
    form.parent_id.choices = _unit_choices(nation=unit.nation_code if unit else None, empty="— none (top level) —")
    if unit is not None:
        del form.nation_code
        form.parent_id.choices = [c for c in form.parent_id.choices
                                  if not c[0] or not _is_in_subtree(int(c[0]), unit)]
    return form


def _is_in_subtree(unit_id: int, root: Unit) -> bool:
    other = db.session.get(Unit, unit_id)
    return other is not None and other.path.startswith(root.path)


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = _unit_form()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_id.data = request.args.get("parent")
        parent = db.session.get(Unit, _int_or_none(request.args.get("parent")) or 0)
        if parent is not None:
            form.nation_code.data = parent.nation_code
    if form.validate_on_submit():
        try:
            unit = services.create_unit(current_user, nation_code=_clean(form.nation_code.data), code=_clean(form.code.data),
                                        name=_clean(form.name.data), kind=form.kind.data,
                                        parent_id=_int_or_none(form.parent_id.data))
        except DomainError as exc:
            db.session.rollback()
            _apply_errors(form, exc)
            return render_template("org/unit_form.html", form=form, unit=None), exc.status
        db.session.commit()
        flash(f"Unit {unit.code} created.", "success")
        return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/units/<int:unit_id>")
def unit(unit_id: int):
    unit = services.get_unit(current_user, unit_id)
    children = services.tree_order(db.session.scalars(
        select(Unit).where(Unit.path.startswith(unit.path), Unit.id != unit.id)).unique().all())
    people_count = db.session.scalar(select(db.func.count()).select_from(Person).where(
        Person.unit_id.in_(services.unit_subtree_ids(unit)), Person.status == PersonStatus.ACTIVE.value))
    ancestors = [db.session.get(Unit, int(i)) for i in unit.path.strip("/").split("/")[:-1]]
    ancestors = [a for a in ancestors if a is not None and scoping.in_scope(current_user, "unit", a, "org.read")]
    return render_template("org/unit.html", unit=unit, children=children, people_count=people_count,
                           ancestors=ancestors)


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
                                 kind=form.kind.data,
                                 parent_id=_int_or_none(form.parent_id.data),
                                 expected_version=_int_or_none(form.version.data))
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            if not isinstance(exc, DomainError):
                exc = Conflict("Someone else changed this unit at the same time. Check and save again.")
            _apply_errors(form, exc)
            status = exc.status
        else:
            flash("Unit saved.", "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template("org/unit_form.html", form=form, unit=unit), status


# --- personnel ------------------------------------------------------------------------------

@bp.route("/personnel")
def people():
    args = request.args
    filters = {
        "q": _clean(args.get("q"))[:200] or None,
        "nation": (args.get("nation") or "").strip().upper() if re.fullmatch(r"[A-Za-z]{3}", (args.get("nation") or "").strip()) else None,
        "unit_id": _int_or_none(args.get("unit")),
        "category": args.get("category") if args.get("category") in {c.value for c in Category} else None,
        "screening": args.get("screening") if args.get("screening") in {s.value for s in Screening} else None,
        "status": {"all": None, PersonStatus.LEFT_SERVICE.value: PersonStatus.LEFT_SERVICE.value}.get(
            args.get("status") or "", PersonStatus.ACTIVE.value),
    }
    if filters["unit_id"] is not None:
        try:
            services.get_unit(current_user, filters["unit_id"])
        except NotFound:
            filters["unit_id"] = None
    query = services.search_people(current_user, **filters)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    units = services.list_units(current_user)
    nation_codes = sorted({u.nation_code for u in units})
    return render_template("org/people.html", page=page, filters=filters, units=units, nation_codes=nation_codes,
                           categories=list(Category), screenings=list(Screening), status_arg=args.get("status") or "",
                           unit_label=_unit_label)


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
    values = {name: getattr(form, name).data for name in services.PERSON_FIELDS}
    values = {k: (_clean(v) if isinstance(v, str) else v) for k, v in values.items()}
    return values


@bp.route("/personnel/new", methods=["GET", "POST"])
def person_new():
    form = _person_form()
    if request.method == "GET" and request.args.get("unit"):
        form.unit_id.data = request.args.get("unit")
    if form.validate_on_submit():
        unit = db.session.get(Unit, _int_or_none(form.unit_id.data) or 0)
        values = _form_values(form) | {"unit_id": unit.id if unit else None, "nation": unit.nation_code if unit else ""}
        try:
            if unit is None:
                raise Invalid("Choose a unit.", errors=[("unit_id", "Choose a unit.")])
            person = services.create_person(current_user, values, start_on=form.start_on.data)
        except DomainError as exc:
            db.session.rollback()
            _apply_errors(form, exc)
            return render_template("org/person_form.html", form=form, person=None), exc.status
        else:
            db.session.commit()
            flash(f"{person.display_name} added.", "success")
            return redirect(url_for("org.person", person_id=person.id))
    return render_template("org/person_form.html", form=form, person=None), 422 if form.errors else 200


@bp.route("/personnel/<int:person_id>")
def person(person_id: int):
    person = services.get_person(current_user, person_id)
    can_edit = scoping.in_scope(current_user, "person", person, "org.write")
    from trainer.auth.models import User

    account = db.session.scalar(select(User).where(User.person_id == person.id)) if can_edit else None
    return render_template("org/person.html", person=person, can_edit=can_edit, grade_label=grade_label,
                           account=account)


@bp.route("/personnel/<int:person_id>/edit", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = services.get_person(current_user, person_id, "org.write")
    form = _person_form(person)
    if request.method == "GET":
        form.version.data = str(person.version)
    current = None
    status = 200
    if form.validate_on_submit():
        try:
            services.update_person(current_user, person, _form_values(form),
                                   expected_version=_int_or_none(form.version.data))
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            if isinstance(exc, StaleDataError) or isinstance(exc, Conflict) and not exc.errors:
                flash(CONFLICT_MESSAGE, "warning")
                status = 409
                current = db.session.get(Person, person_id)
                form.version.data = str(current.version)  # a second save is a deliberate overwrite
            else:
                _apply_errors(form, exc)
                status = exc.status
        else:
            flash("Saved.", "success")
            return redirect(url_for("org.person", person_id=person.id))
    elif form.errors:
        status = 422
    return render_template("org/person_form.html", form=form, person=person, current=current), status


@bp.route("/personnel/<int:person_id>/transfer", methods=["GET", "POST"])
def person_transfer(person_id: int):
    person = services.get_person(current_user, person_id, "org.write")
    form = TransferForm()
    form.unit_id.choices = [c for c in _unit_choices(nation=person.nation_code, empty="— choose a unit —")
                            if c[0] != str(person.unit_id)]
    if form.validate_on_submit():
        target = db.session.get(Unit, _int_or_none(form.unit_id.data) or 0)
        try:
            if target is None:
                raise Invalid("Choose a unit.", errors=[("unit_id", "Choose a unit.")])
            services.transfer_person(current_user, person, target, form.on.data, _clean(form.note.data))
        except DomainError as exc:
            db.session.rollback()
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Transferred to {target.code} from {form.on.data.isoformat()}.", "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_transfer.html", form=form, person=person), 422 if form.errors else 200


@bp.route("/personnel/<int:person_id>/leave", methods=["GET", "POST"])
def person_leave(person_id: int):
    person = services.get_person(current_user, person_id, "org.write")
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            services.mark_left_service(current_user, person, form.on.data)
        except DomainError as exc:
            db.session.rollback()
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash("Marked as left service. The record stays, as inactive.", "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_leave.html", form=form, person=person), 422 if form.errors else 200


# --- roster import --------------------------------------------------------------------------

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UPLOAD_MAX_AGE_SECONDS = 24 * 3600


def _upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "roster-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(token: str) -> Path | None:
    # The file name comes from our own token and the user's id, never from the upload's name.
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return _upload_folder() / f"{current_user.id}-{token}"


def _store_upload(data: bytes, filename: str) -> str:
    folder = _upload_folder()
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    path = _upload_path(token)
    path.write_bytes(data)
    path.with_suffix(".name").write_text(filename[:200], encoding="utf-8")
    return token


@bp.route("/personnel/import", methods=["GET", "POST"])
def roster_import():
    limits = RosterLimits.from_config(current_app.config)
    upload = RosterUploadForm()
    confirm = RosterConfirmForm()
    report = None
    status = 200
    if request.method == "POST" and "token" in request.form:
        if confirm.validate_on_submit():
            path = _upload_path(confirm.token.data)
            if path is None or not path.exists():
                flash("That upload is no longer available. Upload the file again.", "warning")
                return redirect(url_for("org.roster_import"))
            name_file = path.with_suffix(".name")
            filename = name_file.read_text(encoding="utf-8") if name_file.exists() else ""
            report = import_roster(current_user, path.read_bytes(), filename, limits=limits)
            if report.ok:
                db.session.commit()
                path.unlink(missing_ok=True)
                name_file.unlink(missing_ok=True)
                flash(report.summary(), "success")
                return redirect(url_for("org.people"))
            db.session.rollback()
            status = 422
    elif upload.validate_on_submit():
        storage = upload.file.data
        data = storage.read(limits.max_bytes + 1)
        filename = Path(storage.filename or "").name
        report = import_roster(current_user, data, filename, limits=limits, dry_run=True)
        db.session.rollback()
        if report.ok:
            confirm.token.data = _store_upload(data, filename)
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("org/roster_import.html", upload=upload, confirm=confirm, report=report,
                           preview_limit=500), status
