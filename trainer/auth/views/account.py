"""One's own account: password and profile (name shown, language and time zone)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user

from trainer.auth import services
from trainer.auth.forms import ChangePasswordForm, ProfileForm
from trainer.auth.views.common import auth_settings, start_session
from trainer.auth.zones import offset, zone_options
from trainer.errors import Invalid
from trainer.forms import apply_errors
from trainer.i18n import KNOWN, enabled_languages


def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(auth_settings(), current_user, form.current_password.data, form.password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            # Every session ended with the version bump; start a fresh one for this browser.
            start_session(current_user._get_current_object())
            flash(_("Your password is changed. Other sessions of yours have been signed out."), "success")
            return redirect(url_for("core.index"))
    # a refused change answers 422, as every other refused form does
    return render_template("auth/change_password.html", form=form), 422 if form.is_submitted() else 200


def profile():
    form = ProfileForm(obj=current_user)
    form.language.choices = [(code, KNOWN[code][0]) for code in enabled_languages()]
    if current_user.language not in dict(form.language.choices) and request.method == "GET":
        form.language.data = form.language.choices[0][0]
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, timezone=form.timezone.data, language=form.language.data,
                                    display_name=form.display_name.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            with force_locale(form.language.data):  # the next page is in the language just chosen
                flash(_("Saved."), "success")
            return redirect(url_for("auth.profile"))
    zone = current_user.timezone or "UTC"
    return render_template("auth/profile.html", form=form, zones=zone_options(), zone_offset=offset(zone))
