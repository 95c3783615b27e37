"""Personnel: the list (search, filters, sorting, selection), one person's record, creating, editing,
transferring, leaving service, and the person picker's search."""
from __future__ import annotations

import re

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainer.enums import Category, PersonStatus, Screening
from trainer.errors import Conflict, DomainError
from trainer.forms import apply_errors, edit_form
from trainer.org import listing, lookup, people
from trainer.org.forms import LeaveForm, PersonForm, TransferForm
from trainer.org.models import Person
from trainer.org.views.helpers import clean, create_from, int_or_none, unit_choices, unit_label
from trainer.templating import format_date


def _conflict_message() -> str:
    return _("Someone else changed this record while you were editing it. Your entries are kept below; "
             "the current record is shown beside them. Check and save again.")


def _people_filters(args) -> dict:
    nation = (args.get("nation") or "").strip()
    return {
        "q": clean(args.get("q"))[:200] or None,
        "nation": nation.upper() if re.fullmatch(r"[A-Za-z]{3}", nation) else None,
        "unit_id": int_or_none(args.get("unit")),
        "category": args.get("category") if args.get("category") in {c.value for c in Category} else None,
        "screening": args.get("screening") if args.get("screening") in {s.value for s in Screening} else None,
        "status": {"all": None, PersonStatus.LEFT_SERVICE.value: PersonStatus.LEFT_SERVICE.value}.get(
            args.get("status") or "", PersonStatus.ACTIVE.value),
        "account": args.get("account") if args.get("account") in people.ACCOUNT_FILTERS else None,
    }


def people_list():
    order = listing.Order.from_args(request.args.get("sort"), request.args.get("dir"))
    result = listing.get_people_list(current_user, _people_filters(request.args), order=order,
                                     page=request.args.get("page", 1, type=int))
    return render_template("org/people.html", page=result.page, filters=result.filters, units=result.units,
                           nation_codes=result.nation_codes, categories=list(Category), screenings=list(Screening),
                           status_arg=request.args.get("status") or "", unit_label=unit_label, order=order,
                           actions=result.actions)


def person_lookup():
    """The person picker's search, as JSON: a small page of the people in reach matching the text."""
    found = lookup.lookup_people(current_user, clean(request.args.get("q")),
                                 ability=request.args.get("ability") or lookup.DEFAULT_ABILITY,
                                 page=request.args.get("page", 1, type=int) or 1)
    if found.too_short:
        status = _("Type at least two letters or digits of the name or service number.")
    elif not found.people:
        status = _("No one in your scope matches.")
    elif found.more:
        status = ngettext("%(num)d person shown; more match: type more of the name to narrow the search.",
                          "%(num)d people shown; more match: type more of the name to narrow the search.",
                          len(found.people))
    else:
        status = ngettext("%(num)d person found.", "%(num)d people found.", len(found.people))
    return jsonify(query=found.query, page=found.page, more=found.more, status=status,
                   results=[lookup.as_json(p) for p in found.people])


def _person_form(person: Person | None = None) -> PersonForm:
    form = edit_form(PersonForm, person) if person is not None else PersonForm()
    if person is None:
        form.unit_id.choices = unit_choices(empty=_("— choose a unit —"))
        del form.version
    else:
        del form.unit_id
        del form.start_on
    return form


def _form_values(form: PersonForm) -> dict:
    values = {name: getattr(form, name).data for name in people.PERSON_FIELDS}
    return {k: (clean(v) if isinstance(v, str) else v) for k, v in values.items()}


def person_new():
    form = _person_form()
    if request.method == "GET" and request.args.get("unit"):
        form.unit_id.data = request.args.get("unit")
    person, status = create_from(form, lambda: people.create_person_in_unit(
        current_user, _form_values(form), int_or_none(form.unit_id.data), start_on=form.start_on.data))
    if person is not None:
        flash(_("%(name)s added.", name=person.display_name), "success")
        return redirect(url_for("org.person", person_id=person.id))
    return render_template("org/person_form.html", form=form, person=None), status


def person(person_id: int):
    page = people.get_person_page(current_user, person_id)
    return render_template("org/person.html", person=page.person, can_edit=page.can_edit, account=page.account,
                           actions=page.actions)


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
                                 expected_version=int_or_none(form.version.data))
        except DomainError as exc:
            if isinstance(exc, Conflict) and not exc.errors:
                apply_errors(None, Conflict(_conflict_message()))
                current = person = people.get_person(current_user, person_id, "org.write")
                form.version.data = str(current.version)  # a second save is a deliberate overwrite
            else:
                apply_errors(form, exc)
                person = people.get_person(current_user, person_id, "org.write")
            status = exc.status
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("org.person", person_id=person.id))
    elif form.errors:
        status = 422
    return render_template("org/person_form.html", form=form, person=person, current=current), status


def person_transfer(person_id: int):
    person = people.get_person(current_user, person_id, "org.write")
    form = TransferForm()
    form.unit_id.choices = [c for c in unit_choices(nation=person.nation_code, empty=_("— choose a unit —"))
                            if c[0] != str(person.unit_id)]
    if form.validate_on_submit():
        try:
            assignment = people.transfer_person_to(current_user, person, int_or_none(form.unit_id.data),
                                                   form.on.data, clean(form.note.data))
        except DomainError as exc:
            apply_errors(form, exc)
            person = people.get_person(current_user, person_id, "org.write")
        else:
            flash(_("Transferred to %(unit)s from %(date)s.", unit=assignment.unit.code,
                    date=format_date(assignment.start_on)), "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_transfer.html", form=form, person=person), 422 if form.errors else 200


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
            flash(_("Marked as left service. The record stays, as inactive."), "success")
            return redirect(url_for("org.person", person_id=person_id))
    return render_template("org/person_leave.html", form=form, person=person), 422 if form.errors else 200
