"""Account administration: accounts, their grants, disabling, one-time passwords and single sign-on links."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth import identities, services
from trainer.auth.forms import ConfirmForm, GrantForm, LinkIdentityForm, UserForm
from trainer.auth.models import User
from trainer.auth.views.common import auth_settings
from trainer.errors import DomainError
from trainer.forms import apply_errors


def _user_or_404(user_id: int) -> User:
    return services.get_user(current_user, user_id)


def admin_users():
    q = request.args.get("q", "")
    page = services.page_of_users(current_user, q, page=request.args.get("page", 1, type=int))
    return render_template("auth/admin_users.html", page=page, q=q)


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
                    auth_settings(), current_user, username=form.username.data,
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


def _link_form() -> LinkIdentityForm:
    form = LinkIdentityForm()
    claim = current_app.config["OIDC_MATCH_CLAIM"]
    form.value.label.text = f"…or their {claim}"
    if request.method == "GET":
        form.issuer.data = current_app.config["OIDC_ISSUER"]
    return form


def admin_user(user_id: int):
    user = _user_or_404(user_id)
    return render_template("auth/admin_user.html", user=user, grant_form=_grant_form(), confirm=ConfirmForm(),
                           links=identities.list_identity_links(current_user, user), link_form=_link_form(),
                           sso_configured=bool(current_app.config["OIDC_ISSUER"]))


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


def admin_user_grant_remove(user_id: int, grant_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.remove_grant(current_user, user, grant_id)
        flash("Grant removed.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_disable(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(current_user, user, True)
        flash("Account disabled; all of its sessions have ended.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_enable(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(current_user, user, False)
        flash("Account enabled.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_reset(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        one_time = services.reset_password(auth_settings(), current_user, user)
        flash(f"One-time password for {user.username}: {one_time} — they must change it at next sign-in.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_sso_link(user_id: int):
    user = _user_or_404(user_id)
    form = _link_form()
    if form.validate_on_submit():
        try:
            identities.link_identity(current_user, user, issuer=form.issuer.data,
                                     claim=current_app.config["OIDC_MATCH_CLAIM"],
                                     subject=form.subject.data, value=form.value.data)
        except DomainError as exc:
            apply_errors(None, exc)
        else:
            flash("Identity linked: this account can now sign in through single sign-on.", "success")
    else:
        flash("That link is not valid: give the issuer and the subject or the claim's value.", "danger")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_sso_unlink(user_id: int, link_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        identities.unlink_identity(current_user, user, link_id)
        flash("Link removed; the account's sessions have ended.", "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))
