"""Account administration: accounts, their grants, disabling, one-time passwords and single sign-on links.

What cannot be undone from the account page without consequences (disabling, removing a grant or a
single sign-on link, replacing the password) asks first: its link opens a page that says what will happen
and posts the change only when confirmed (no JavaScript needed)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import identities, services
from trainer.auth.forms import ConfirmForm, GrantForm, LinkIdentityForm, UserForm
from trainer.auth.views.common import auth_settings
from trainer.errors import DomainError
from trainer.forms import apply_errors


def admin_users():
    q = request.args.get("q", "").strip()[:100]
    page = services.page_of_users(current_user, q, page=request.args.get("page", 1, type=int))
    return render_template("auth/admin_users.html", page=page, q=q)


def admin_user_new():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user, one_time = services.create_user(
                auth_settings(), current_user, username=form.username.data, display_name=form.display_name.data,
                email=form.email.data, person_id=form.person_id.data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Account created. One-time password: %(password)s — give it to the user; they must choose their "
                    "own at first sign-in.", password=one_time), "success")
            return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_new.html", form=form), 422 if request.method == "POST" else 200


def _grant_form() -> GrantForm:
    from trainer.org.labels import nation_name

    form = GrantForm()
    nations, units = services.grant_targets(current_user)
    form.nation_code.choices = [("", "—")] + [(n.code, f"{n.code} — {nation_name(n.code, fallback=n.name)}")
                                              for n in nations]
    form.unit_id.choices = [("", "—")] + [(str(u.id), f"{u.nation_code} {u.code} — {u.name}") for u in units]
    return form


def _link_form() -> LinkIdentityForm:
    form = LinkIdentityForm()
    claim = current_app.config["OIDC_MATCH_CLAIM"]
    form.value.label.text = _("…or their %(claim)s", claim=claim)
    if request.method == "GET":
        form.issuer.data = current_app.config["OIDC_ISSUER"]
    return form


def _user_page(user_id: int, *, grant_form=None, link_form=None, status: int = 200):
    user = services.get_user(current_user, user_id)
    return render_template("auth/admin_user.html", user=user, grant_form=grant_form or _grant_form(),
                           confirm=ConfirmForm(), links=identities.list_identity_links(current_user, user),
                           link_form=link_form or _link_form(), sso_configured=bool(current_app.config["OIDC_ISSUER"]),
                           is_self=user.id == current_user.id), status


def admin_user(user_id: int):
    return _user_page(user_id)


def _add_from(user_id: int, form, form_name: str, add, added: str):
    """What a form on the account page adds (a grant, a link): `add()` once the form is valid, then back to the
    account saying `added`; an invalid form or a refusal shows the page again with the form and its errors (422)."""
    if form.validate_on_submit():
        try:
            add()
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(added, "success")
            return redirect(url_for("auth.admin_user", user_id=user_id))
    return _user_page(user_id, status=422, **{form_name: form})


def admin_user_grant_add(user_id: int):
    user = services.get_user(current_user, user_id)
    form = _grant_form()
    return _add_from(user_id, form, "grant_form",
                     lambda: services.add_grant(current_user, user, form.role.data, form.scope_kind.data,
                                                form.nation_code.data or None, form.unit_id.data or None),
                     _("Grant added. The user's sessions were ended so the change takes effect at once."))


def _ask_first(user, *, title: str, lead: str, consequences: list[str], action: str, button: str):
    """The step before a change that asks first: on GET, the page that says what will happen and posts to
    `action`; on a post whose confirmation is not valid (expired), back to the account with a warning; None once
    confirmed, when the view makes the change."""
    if request.method == "GET":
        return render_template("auth/confirm.html", user=user, title=title, lead=lead, consequences=consequences,
                               action=action, button=button, danger=True, form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "warning")
        return redirect(url_for("auth.admin_user", user_id=user.id))
    return None


def admin_user_grant_remove(user_id: int, grant_id: int):
    user = services.get_user(current_user, user_id)
    grant = services.get_grant(current_user, user, grant_id)
    asking = _ask_first(
        user, title=_("Remove a grant"),
        lead=_("Remove the grant “%(grant)s” from %(name)s?", grant=grant.describe(), name=user.display_name),
        consequences=[_("They lose what this grant let them see and do at once: their sessions end, and they "
                        "sign in again with their remaining grants."),
                      _("The removal is recorded in the audit log. To undo it, add the grant again.")],
        action=url_for("auth.admin_user_grant_remove", user_id=user.id, grant_id=grant.id),
        button=_("Remove the grant"))
    if asking is not None:
        return asking
    services.remove_grant(current_user, user, grant_id)
    flash(_("Grant removed."), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_disable(user_id: int):
    user = services.get_user(current_user, user_id)
    if request.method == "GET" and user.id == current_user.id:
        flash(_("You cannot disable your own account: ask another administrator."), "danger")
        return redirect(url_for("auth.admin_user", user_id=user.id))
    asking = _ask_first(
        user, title=_("Disable an account"),
        lead=_("Disable the account %(username)s of %(name)s?", username=user.username, name=user.display_name),
        consequences=[_("Every session of the account ends now, on every device."),
                      _("Nobody can sign in with it, with its password or through single sign-on, until an "
                        "administrator enables it again."),
                      _("Its grants, its records and its history are kept.")],
        action=url_for("auth.admin_user_disable", user_id=user.id), button=_("Disable the account"))
    if asking is not None:
        return asking
    try:
        services.set_disabled(current_user, user, True)
    except DomainError as exc:
        apply_errors(None, exc)
    else:
        flash(_("Account disabled; all of its sessions have ended."), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_enable(user_id: int):
    user = services.get_user(current_user, user_id)
    if ConfirmForm().validate_on_submit():
        services.set_disabled(current_user, user, False)
        flash(_("Account enabled."), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_reset(user_id: int):
    user = services.get_user(current_user, user_id)
    asking = _ask_first(
        user, title=_("Reset a password"),
        lead=_("Replace the password of %(name)s (%(username)s) with a one-time password?", name=user.display_name,
               username=user.username),
        consequences=[_("Their current password stops working now, and every session of theirs ends."),
                      _("The one-time password is shown to you once, on the next page: give it to them in "
                        "person. They must choose their own password when they first sign in with it.")],
        action=url_for("auth.admin_user_reset", user_id=user.id), button=_("Reset the password"))
    if asking is not None:
        return asking
    one_time = services.reset_password(auth_settings(), current_user, user)
    flash(_("One-time password for %(username)s: %(password)s — they must change it at next sign-in.",
            username=user.username, password=one_time), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


def admin_user_sso_link(user_id: int):
    user = services.get_user(current_user, user_id)
    form = _link_form()
    return _add_from(user_id, form, "link_form",
                     lambda: identities.link_identity(current_user, user, issuer=form.issuer.data,
                                                      claim=current_app.config["OIDC_MATCH_CLAIM"],
                                                      subject=form.subject.data, value=form.value.data),
                     _("Identity linked: this account can now sign in through single sign-on."))


def admin_user_sso_unlink(user_id: int, link_id: int):
    user = services.get_user(current_user, user_id)
    link = identities.get_identity_link(current_user, user, link_id)
    asking = _ask_first(
        user, title=_("Remove a single sign-on link"),
        lead=_("Remove the link of %(name)s to the identity %(identity)s?", name=user.display_name,
               identity=link.describe()),
        consequences=[_("They can no longer sign in through single sign-on with this identity, and every "
                        "session of theirs ends now."),
                      _("To undo it, link the identity again.")],
        action=url_for("auth.admin_user_sso_unlink", user_id=user.id, link_id=link.id), button=_("Remove the link"))
    if asking is not None:
        return asking
    identities.unlink_identity(current_user, user, link_id)
    flash(_("Link removed; the account's sessions have ended."), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))
