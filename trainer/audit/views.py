"""The audit log's pages: the events (described, filtered, paged), their CSV export, and the chain's check."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _
from flask_login import current_user

from trainer.audit import exports, log, services
from trainer.db import utc_today
from trainer.security import content_disposition

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
def events():
    filters = log.Filters.parse(request.args)
    page = log.page_of_events(current_user, filters, page=request.args.get("page", 1, type=int))
    return render_template("audit/events.html", page=page, filters=filters,
                           choices=log.filter_choices(current_user),
                           filtered_object=log.get_filtered_object(current_user, filters))


@bp.route("/export.csv")
def export():
    filters = log.Filters.parse(request.args)
    count = exports.count_events(current_user, filters)
    if count > exports.EXPORT_LIMIT:
        flash(_("These filters keep %(count)s events; an export holds at most %(limit)s. Narrow the date range, the "
                "account or the action, and download again.", count=format_decimal(count),
                limit=format_decimal(exports.EXPORT_LIMIT)), "warning")
        return redirect(url_for("audit.events", **filters.args()))
    name = exports.export_name(utc_today())
    body = exports.to_csv(current_user, filters)
    exports.log_export_read(current_user, document=name, filters=filters, events=count,
                            marking=current_app.config.get("CLASSIFICATION_MARKING", ""),
                            client_address=request.remote_addr)
    return current_app.response_class(body, content_type="text/csv; charset=utf-8",
                                      headers={"Content-Disposition": content_disposition(name),
                                               "Cache-Control": "no-store"})


@bp.route("/verify")
def verify():
    report = services.verify_chain()
    return render_template("audit/verify.html", report=report)
