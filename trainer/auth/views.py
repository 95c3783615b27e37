"""Sign-in, sign-out, password and profile; account administration."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from trainer.auth import services
from trainer.auth.forms import ChangePasswordForm, ConfirmForm, GrantForm, LoginForm, ProfileForm, UserForm, timezone_choices
from trainer.auth.models import User
from trainer.errors import DomainError, Invalid
from trainer.forms import apply_errors
from trainer.security import is_safe_next

bp = Blueprint("auth", __name__)


def _settings() -> services.AuthSettings:
    return services.AuthSettings.from_config(current_app.config)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if request.args.get("expired"):
            flash("Your session ended. Please sign in again.", "info")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("core.index"))
    if form.validate_on_submit():
        try:
            user = services.authenticate(_settings(), form.username.data, form.password.data,
                                         request.remote_addr or "unknown")
        except services.Throttled as exc:
            flash(str(exc), "danger")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash("The account name or password is not correct.", "danger")
            return render_template("auth/login.html", form=form), 200
        session.clear()  # a new session on every sign-in
        login_user(user)
        session["started_at"] = session["seen_at"] = int(time.time())
        if user.must_change_password:
            flash("Set your own password before you continue.", "info")
            return redirect(url_for("auth.change_password"))
        target = form.next.data
        return redirect(target if is_safe_next(target) else url_for("core.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    services.logout_user_everywhere(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(_settings(), current_user, form.current_password.data, form.password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            # Every session ended with the version bump; start a fresh one for this browser.
            user = current_user._get_current_object()
            session.clear()
            login_user(user)
            session["started_at"] = session["seen_at"] = int(time.time())
            flash("Your password is changed. Other sessions of yours have been signed out.", "success")
            return redirect(url_for("core.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    form.timezone.choices = timezone_choices()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, timezone=form.timezone.data, language=form.language.data,
                                    display_name=form.display_name.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Saved.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


# --- administration -------------------------------------------------------------------------


def _user_or_404(user_id: int) -> User:
    return services.get_user(current_user, user_id)


@bp.route("/admin/users")
def admin_users():
    q = request.args.get("q", "")
    page = services.page_of_users(current_user, q, page=request.args.get("page", 1, type=int))
    return render_template("auth/admin_users.html", page=page, q=q)


@bp.route("/admin/users/new", methods=["GET", "POST"])
def admin_user_new():
    form = UserForm()
    if form.validate_on_submit():
        person_id = None
        if form.person_id.data:
            try:
                person_id = int(form.person_id.data)
            except ValueError:
                form.person_id.errors.append("Enter the number of a personnel record.")
        if not form.errors:
            try:
                user, one_time = services.create_user(
                    _settings(), current_user, username=form.username.data,
                    display_name=form.display_name.data, email=form.email.data, person_id=person_id)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                flash(f"Account created. One-time password: {one_time} — give it to the user; "
                      "they must choose their own at first sign-in.", "success")
                return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_new.html", form=form), 422 if request.method == "POST" else 200


def _grant_form() -> GrantForm:
    form = GrantForm()
    nations, units = services.grant_targets(current_user)
    form.nation_code.choices = [("", "—")] + [(n.code, f"{n.code} {n.name}") for n in nations]
    form.unit_id.choices = [("", "—")] + [(str(u.id), f"{u.nation_code} {u.code} — {u.name}") for u in units]
    return form


@bp.route("/admin/users/<int:user_id>")
def admin_user(user_id: int):
    user = _user_or_404(user_id)
    return render_template("auth/admin_user.html", user=user, grant_form=_grant_form(), confirm=ConfirmForm())


@bp.route("/admin/users/<int:user_id>/grants", methods=["POST"])
def admin_user_grant_add(user_id: int):
    user = _user_or_404(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        try:
            services.add_grant(current_user, user, form.role.data, form.scope_kind.data,
                               form.nation_code.data or None, form.unit_id.data or None)
        except DomainError as exc:
            apply_errors(None, exc)
        else:
            flash("Grant added. The user's sessions were ended so the change takes effect at once.", "success")
    else:
        flash("That grant is not valid.", "danger")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/grants/<int:grant_id>/remove", methods=["POST"])
def admin_user_grant_remove(user_id: int, grant_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.remove_grant(current_user, user, grant_id)
        flash("Grant removed.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
def admin_user_disable(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(current_user, user, True)
        flash("Account disabled; all of its sessions have ended.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
def admin_user_enable(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(current_user, user, False)
        flash("Account enabled.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
def admin_user_reset(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        one_time = services.reset_password(_settings(), current_user, user)
        flash(f"One-time password for {user.username}: {one_time} — they must change it at next sign-in.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


# --- bulk trainee accounts ------------------------------------------------------------------


@bp.route("/units/<int:unit_id>/accounts", methods=["GET", "POST"])
def bulk_accounts(unit_id: int):
    from trainer.auth.credentials_pdf import CredentialLine, render_credentials
    from trainer.auth.forms import BulkAccountsForm
    from trainer.org.services import get_unit

    unit = get_unit(current_user, unit_id, "org.write")
    form = BulkAccountsForm()
    if request.method == "GET":
        form.include_subunits.data = True
    include = bool(form.include_subunits.data)
    if form.validate_on_submit():
        created = services.create_trainee_accounts(_settings(), current_user, unit, include_subunits=include)
        if not created:
            flash("Everyone in this unit already has an account; nothing was created.", "info")
            return redirect(url_for("auth.bulk_accounts", unit_id=unit.id))
        lines = [CredentialLine(name=a.person.full_name, name_latin=a.person.full_name_latin,
                                service_number=a.person.service_number, unit=f"{a.person.unit.code} — {a.person.unit.name}",
                                username=a.username, password=a.one_time_password) for a in created]
        from trainer.templating import format_datetime
        from trainer.db import utcnow

        pdf = render_credentials(lines, title=f"Sign-in credentials — {unit.nation_code} {unit.code}",
                                 issued=format_datetime(utcnow()),
                                 sign_in_url=current_app.config["PUBLIC_URL"] + url_for("auth.login"))
        response = current_app.response_class(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="credentials-{unit.id}.pdf"'
        response.headers["Cache-Control"] = "no-store"
        return response
    waiting = services.list_people_without_account(current_user, unit, include)
    return render_template("auth/bulk_accounts.html", unit=unit, form=form, waiting=waiting)
