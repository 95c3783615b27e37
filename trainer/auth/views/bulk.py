"""Trainee accounts for everyone in a unit who has none, with a printed sheet of one-time passwords."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import trainee_accounts
from trainer.auth.views.common import auth_settings, credentials_download


def bulk_accounts(unit_id: int):
    from trainer.auth.forms import BulkAccountsForm
    from trainer.org.services import get_unit

    unit = get_unit(current_user, unit_id, "org.write")
    form = BulkAccountsForm()
    if request.method == "GET":
        form.include_subunits.data = True
    include = bool(form.include_subunits.data)
    if form.validate_on_submit():
        created = trainee_accounts.create_trainee_accounts(auth_settings(), current_user, unit,
                                                           include_subunits=include)
        if not created:
            flash(_("Everyone in this unit already has an account; nothing was created."), "info")
            return redirect(url_for("auth.bulk_accounts", unit_id=unit.id))
        return credentials_download(created, title=_("Sign-in credentials — %(nation)s %(unit)s",
                                                     nation=unit.nation_code, unit=unit.code),
                                    filename=f"credentials-{unit.id}.pdf")
    waiting = trainee_accounts.list_people_without_account(current_user, unit, include)
    return render_template("auth/bulk_accounts.html", unit=unit, form=form, waiting=waiting)
