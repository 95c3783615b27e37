"""Roster import: upload, check every row, then import all of it or nothing."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.org import imports
from trainer.org.forms import RosterConfirmForm, RosterUploadForm
from trainer.org.roster import RosterLimits


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
                flash(_("That upload is no longer available. Upload the file again."), "warning")
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
