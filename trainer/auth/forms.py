from __future__ import annotations

import zoneinfo

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from trainer.enums import Role, ScopeKind
from trainer.org.forms import PersonField


class LoginForm(FlaskForm):
    username = StringField("Account name", validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", validators=[DataRequired()],
                             description="12 to 128 characters. A long phrase is easier to remember and harder to guess.",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password", validators=[DataRequired()],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.password.data != self.confirm.data:
            self.confirm.errors.append("The two new passwords differ.")
            return False
        return ok


def timezone_choices() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones()) if "/" in z or z == "UTC"]


class ProfileForm(FlaskForm):
    display_name = StringField("Name shown", validators=[DataRequired(), Length(max=200)])
    timezone = SelectField("Time zone", validators=[DataRequired()],
                           description="Times of exercises are shown in this zone, with the exercise's local time beside them.")
    language = SelectField("Language for training material", choices=[("en", "English"), ("fr", "Français")])
    submit = SubmitField("Save")


class UserForm(FlaskForm):
    username = StringField("Account name", validators=[DataRequired(), Length(max=80)])
    display_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    person_id = PersonField(lazy_gettext("Linked person"), ability="org.read", description=lazy_gettext(
        "For trainees and evaluators: the personnel record this account belongs to."))
    submit = SubmitField("Create account")


class GrantForm(FlaskForm):
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role])
    scope_kind = SelectField("Scope", choices=[(s.value, s.value.capitalize()) for s in ScopeKind])
    nation_code = SelectField("Nation", choices=[], validate_choice=False)
    unit_id = SelectField("Unit", choices=[], validate_choice=False)
    submit = SubmitField("Add grant")


class LinkIdentityForm(FlaskForm):
    issuer = StringField("Issuer", validators=[DataRequired(), Length(max=500)],
                         description="The provider's issuer URL (TRAINER_OIDC_ISSUER).")
    subject = StringField("Subject (sub)", validators=[Optional(), Length(max=255)],
                          description="The provider's stable identifier for the person, if you know it.")
    value = StringField("…or the claim's value", validators=[Optional(), Length(max=320)],
                        description="Until their first sign-in through the provider; that sign-in records the subject.")
    submit = SubmitField("Link identity")


class ConfirmForm(FlaskForm):
    """An empty form: a POST button that carries only the CSRF token."""

    submit = SubmitField("Confirm")


class DisableForm(FlaskForm):
    confirm = BooleanField("I understand this ends all of the user's sessions", validators=[DataRequired()])
    submit = SubmitField("Disable account")


class BulkAccountsForm(FlaskForm):
    include_subunits = BooleanField("Include the people of its sub-units", default=True)
    submit = SubmitField("Create the accounts and download the sheet")
