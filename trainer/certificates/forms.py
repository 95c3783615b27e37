from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, Length

from trainer.forms import Form


class IssueForm(Form):
    profile = SelectField(_l("Readiness profile"), validators=[DataRequired(message=_l("Choose a readiness profile."))],
                          choices=[])
    # The profile the warnings shown were about: ticking "issue anyway" confirms those warnings only.
    warned_profile = HiddenField()
    confirm = BooleanField(_l("I have read these warnings and issue the certificate anyway"))
    submit = SubmitField(_l("Issue certificate"))


class RecertifyForm(Form):
    confirm = BooleanField(_l("I have read these warnings and re-certify anyway"))


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason for revoking.")),
                                                     Length(min=5, max=2000)],
                           description=_l("Recorded in the certificate's history and the audit log. "
                                          "The public verification page says only that the certificate is revoked."))
    confirm = BooleanField(_l("I understand that revocation cannot be undone"),
                           validators=[DataRequired(message=_l("Tick this box to confirm the revocation."))])
    submit = SubmitField(_l("Revoke certificate"))


class BulkForm(Form):
    unit = SelectField(_l("Unit (with its sub-units)"), coerce=int,
                       validators=[DataRequired(message=_l("Choose a unit."))], choices=[])
    profile = SelectField(_l("Readiness profile"), validators=[DataRequired(message=_l("Choose a readiness profile."))],
                          choices=[])
    # The unit and profile of the preview shown: the issue button confirms that preview only.
    previewed = HiddenField()
    # The people with a warning whom the issuer ticks "issue anyway" for, by person id.
    issue_anyway = SelectMultipleField(coerce=int, choices=[], validate_choice=False)
    preview = SubmitField(_l("Preview"))
    issue = SubmitField(_l("Issue the certificates"))


class VerifyForm(Form):
    class Meta:
        csrf = False

    # A serial reads left to right in every language (dir="ltr" also in a right-to-left page).
    serial = StringField(_l("Serial"), validators=[DataRequired(message=_l("Enter the serial printed on the certificate."))],
                         description=_l("For example ABCD-EFGH-JKMN-P. Letters may be typed in lower case; "
                                        "hyphens and spaces are optional."),
                         render_kw={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"})
