from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from trainer.auth.labels import role_label
from trainer.auth.zones import zone_named
from trainer.enums import Role, ScopeKind
from trainer.forms import Form
from trainer.org.forms import PersonField


class LoginForm(Form):
    username = StringField(_l("Account name"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autofocus": True, "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             description=_l("12 to 128 characters. A long phrase is easier to remember and harder to "
                                            "guess."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.password.data != self.confirm.data:
            self.confirm.errors.append(_("The two new passwords differ."))
            return False
        return ok


class ProfileForm(Form):
    display_name = StringField(_l("Name shown"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=[], description=_l(
        "The language of these pages, of your e-mails and notifications, and of training material where it exists "
        "in that language."))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)], description=_l(
        "Type a city or a region and choose from the list, e.g. Asia/Kathmandu or Africa/Bangui. Times of exercises "
        "are shown in this zone, with the exercise's local time beside them."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "list": "timezones"})
    submit = SubmitField(_l("Save"))

    def validate_timezone(self, field) -> None:
        zone = zone_named(field.data)
        if zone is None:
            from wtforms.validators import ValidationError

            raise ValidationError(_("No time zone is called that: choose one from the list, e.g. Africa/Kinshasa."))
        field.data = zone


class UserForm(Form):
    username = StringField(_l("Account name"), validators=[DataRequired(), Length(max=80)],
                           description=_l("Lower case, without spaces, e.g. npl-officer or a.karki."),
                           render_kw={"autocapitalize": "none", "spellcheck": "false"})
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    person_id = PersonField(_l("Linked person"), ability="org.read", description=_l(
        "For trainees and evaluators: the personnel record this account belongs to."))
    submit = SubmitField(_l("Create account"))


SCOPE_LABELS = {
    ScopeKind.MISSION.value: _l("Whole mission"),
    ScopeKind.NATION.value: _l("A nation"),
    ScopeKind.UNIT.value: _l("A unit and its sub-units"),
    ScopeKind.SELF.value: _l("Own record (trainees)"),
    ScopeKind.EXERCISES.value: _l("Assigned exercises (evaluators)"),
}


class GrantForm(Form):
    role = SelectField(_l("Role"), choices=[])
    scope_kind = SelectField(_l("Scope"), choices=[])
    nation_code = SelectField(_l("Nation"), choices=[], validate_choice=False,
                              description=_l("For a nation scope."))
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False, description=_l("For a unit scope."))
    submit = SubmitField(_l("Add grant"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, role_label(r)) for r in Role]
        self.scope_kind.choices = [(value, str(label)) for value, label in SCOPE_LABELS.items()]


class LinkIdentityForm(Form):
    issuer = StringField(_l("Issuer"), validators=[DataRequired(), Length(max=500)],
                         description=_l("The provider's issuer URL (TRAINER_OIDC_ISSUER)."))
    subject = StringField(_l("Subject (sub)"), validators=[Optional(), Length(max=255)],
                          description=_l("The provider's stable identifier for the person, if you know it."))
    value = StringField(_l("…or the claim's value"), validators=[Optional(), Length(max=320)],
                        description=_l("Until their first sign-in through the provider; that sign-in records the "
                                       "subject."))
    submit = SubmitField(_l("Link identity"))


class ConfirmForm(Form):
    """An empty form: a POST button that carries only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class BulkAccountsForm(Form):
    include_subunits = BooleanField(_l("Include the people of its sub-units"), default=True)
    submit = SubmitField(_l("Create the accounts and download the sheet"))
