"""Nations (administrators) and units: the tree, one unit's page, creating and editing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.forms import ConfirmForm
from trainer.errors import DomainError
from trainer.forms import apply_errors, edit_form
from trainer.i18n import language
from trainer.org import services
from trainer.org.forms import UnitForm
from trainer.org.labels import nation_name
from trainer.org.models import Unit
from trainer.org.views.helpers import clean, create_from, int_or_none, unit_label


def nations():
    q = clean(request.args.get("q"))[:100]
    return render_template("org/nations.html", rows=services.list_nation_rows(current_user, q, language()), q=q)


def nation_toggle(code: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    nation = services.toggle_nation(current_user, code)
    if nation.active:
        flash(_("%(nation)s is now active.", nation=nation_name(nation.code, fallback=nation.name)), "success")
    else:
        flash(_("%(nation)s is now inactive.", nation=nation_name(nation.code, fallback=nation.name)), "success")
    return redirect(url_for("org.nations", q=request.args.get("q") or None))


def units():
    overview = services.units_overview(current_user)
    return render_template("org/units.html", by_nation=overview.by_nation, counts=overview.counts,
                           nation_names=overview.nation_names)


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = edit_form(UnitForm, unit) if unit is not None else UnitForm()
    nations, parents = services.unit_form_options(current_user, unit)
    form.nation_code.choices = [(n.code, f"{n.code} {nation_name(n.code, fallback=n.name)}") for n in nations]
    form.parent_id.choices = [("", _("— none (top level) —"))] + [(str(u.id), unit_label(u)) for u in parents]
    if unit is not None:
        del form.nation_code
    return form


def unit_new():
    form = _unit_form()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_id.data = request.args.get("parent")
        parent = services.find_unit_in_scope(current_user, request.args.get("parent"))
        if parent is not None:
            form.nation_code.data = parent.nation_code
    unit, status = create_from(form, lambda: services.create_unit(
        current_user, nation_code=clean(form.nation_code.data), code=clean(form.code.data), name=clean(form.name.data),
        kind=form.kind.data, parent_id=int_or_none(form.parent_id.data)))
    if unit is not None:
        flash(_("Unit %(code)s created.", code=unit.code), "success")
        return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=None), status


def unit(unit_id: int):
    page = services.get_unit_page(current_user, unit_id)
    return render_template("org/unit.html", unit=page.unit, children=page.children, people_count=page.people_count,
                           ancestors=page.ancestors)


def unit_edit(unit_id: int):
    unit = services.get_unit(current_user, unit_id, "org.write")
    form = _unit_form(unit)
    if request.method == "GET":
        form.parent_id.data = str(unit.parent_id or "")
        form.version.data = str(unit.version)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_unit(current_user, unit, code=clean(form.code.data), name=clean(form.name.data),
                                 kind=form.kind.data, parent_id=int_or_none(form.parent_id.data),
                                 expected_version=int_or_none(form.version.data))
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
            unit = services.get_unit(current_user, unit_id, "org.write")
        else:
            flash(_("Unit saved."), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template("org/unit_form.html", form=form, unit=unit), status
