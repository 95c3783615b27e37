from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class IssueForm(FlaskForm):
    profile = SelectField("Readiness profile", validators=[DataRequired(message="Choose a readiness profile.")],
                          choices=[])
    submit = SubmitField("Issue certificate")


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(message="Give the reason for revoking."),
                                                 Length(min=5, max=2000)],
                           description="Recorded in the certificate's history and the audit log. "
                                       "The public verification page says only that the certificate is revoked.")
    submit = SubmitField("Revoke certificate")


class BulkForm(FlaskForm):
    unit = SelectField("Unit (with its sub-units)", coerce=int, validators=[DataRequired(message="Choose a unit.")],
                       choices=[])
    profile = SelectField("Readiness profile", validators=[DataRequired(message="Choose a readiness profile.")],
                          choices=[])
    submit = SubmitField("Issue to everyone ready")


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    # A serial reads left to right in every language (dir="ltr" also in a right-to-left page).
    serial = StringField(_l("Serial"), validators=[DataRequired(message=_l("Enter the serial printed on the certificate."))],
                         description=_l("For example ABCD-EFGH-JKMN-P. Letters may be typed in lower case; "
                                        "hyphens and spaces are optional."),
                         render_kw={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"})
