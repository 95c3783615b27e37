"""Lists over a unit or the whole scope: the completion matrix and the overdue-and-expiring list, their
exports, and the reminder sent from the list."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.curricula.services import list_current_modules
from trainer.db import utc_today
from trainer.errors import NotFound
from trainer.forms import Form
from trainer.i18n import marking
from trainer.learning import attention as attention_lists
from trainer.learning import exports, reports, services
from trainer.learning.notices import Reminded, remind_person, reminded_today
from trainer.learning.rules import Status
from trainer.learning.views.common import unit_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selected_unit(whole_scope: bool = False):
    """The unit asked for; without one, the first unit in scope (or, for lists that can show it, None: the whole
    scope)."""
    unit_id = request.args.get("unit_id", type=int)
    if unit_id:
        return services.get_unit_for_reports(current_user, unit_id)
    if whole_scope:
        return None
    units = unit_choices("training.view")
    return services.get_unit_for_reports(current_user, int(units[0][0])) if units else None


def _download(table, name: str, sheet: str):
    if request.args.get("format") == "xlsx":
        body = exports.to_xlsx(table, sheet, marking("CLASSIFICATION_MARKING"))
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response(exports.to_csv(table), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


# --- the completion matrix ------------------------------------------------------------------

def _matrix_args():
    codes = [c for c in request.args.getlist("module") if c]
    status = request.args.get("status", "")
    if status and status != "overdue" and status not in Status._value2member_map_:
        status = ""
    return codes, status, request.args.get("q", "").strip()[:100], bool(request.args.get("required"))


def matrix():
    unit = _selected_unit()
    codes, status, search, required_only = _matrix_args()
    columns, rows, page = ([], [], None)
    if unit is not None:
        columns, rows, page = reports.completion_matrix(
            current_user, unit, utc_today(), codes=codes, status=status, search=search,
            required_only=required_only, page=request.args.get("page", 1, type=int) or 1)
    return render_template("learning/matrix.html", unit=unit, units=unit_choices("training.view"),
                           columns=columns, rows=rows, page=page, modules=list_current_modules(), codes=codes,
                           status=status, search=search, required_only=required_only, statuses=list(Status),
                           title=_("Completion matrix"))


def matrix_export():
    unit = _selected_unit()
    if unit is None:
        raise NotFound(_("There is no unit in your scope."))
    codes, status, search, required_only = _matrix_args()
    columns, rows, _page = reports.completion_matrix(current_user, unit, utc_today(), codes=codes,
                                                     status=status, search=search, required_only=required_only)
    name = f"completions-{unit.nation_code}-{unit.code}-{utc_today().isoformat()}"
    return _download(reports.matrix_table(columns, rows), name, _("Completions"))


# --- overdue and expiring ---------------------------------------------------------------------

def _attention_args() -> dict:
    sort = request.args.get("sort", "late")
    sort = sort if sort in attention_lists.SORTS else "late"
    direction = request.args.get("dir")
    show = request.args.get("show", "all")
    return {"days": min(max(request.args.get("days", 60, type=int) or 60, 1), 365),
            "show": show if show in attention_lists.SHOW else "all", "sort": sort,
            "descending": (direction == "desc") if direction in ("asc", "desc") else None}


LIST_ARGS = ("unit_id", "days", "show", "sort", "dir")


def _list_args() -> dict:
    """The list's own filters, as the links of the page (export, sorting, remind) carry them along."""
    return {name: request.args[name] for name in LIST_ARGS if request.args.get(name)}


def attention():
    unit = _selected_unit(whole_scope=True)
    args = _attention_args()
    today = utc_today()
    found = attention_lists.attention_list(current_user, today, unit=unit, page=request.args.get("page", 1, type=int),
                                           **args)
    descending = attention_lists.default_descending(args["sort"]) if args["descending"] is None else args["descending"]
    return render_template("learning/attention.html", unit=unit, found=found, args=args, descending=descending,
                           list_args=_list_args(),
                           units=unit_choices("training.view", empty=_("Your whole scope")),
                           reminded=reminded_today([r.person.id for r in found.rows], today), today=today,
                           title=_("Overdue and expiring"))


def attention_export():
    unit = _selected_unit(whole_scope=True)
    today = utc_today()
    found = attention_lists.attention_list(current_user, today, unit=unit, page=None, **_attention_args())
    where = f"{unit.nation_code}-{unit.code}" if unit is not None else "scope"
    return _download(attention_lists.attention_table(found), f"attention-{where}-{today.isoformat()}",
                     _("Overdue and expiring"))


def remind(person_id: int):
    back = url_for("learning.attention", **_list_args())
    if not Form().validate_on_submit():
        flash(_("The form expired. No reminder was sent; please try again."), "danger")
        return redirect(back)
    person, outcome = remind_person(current_user, person_id, utc_today(), _attention_args()["days"])
    name = person.full_name_latin
    messages = {
        Reminded.SENT: (_("%(name)s was reminded of their overdue and expiring modules.", name=name), "success"),
        Reminded.ALREADY: (_("%(name)s was already reminded today: one reminder a day is sent.", name=name), "info"),
        Reminded.NO_ACCOUNT: (_("%(name)s has no account that can receive a reminder; nothing was sent.", name=name),
                              "warning"),
        Reminded.NOTHING: (_("%(name)s has nothing overdue or expiring; no reminder was sent.", name=name), "info"),
    }
    flash(*messages[outcome])
    return redirect(back)
