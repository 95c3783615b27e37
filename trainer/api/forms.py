"""The form a user makes a personal access token with."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from trainer.forms import Form, options

NEVER = "never"


class TokenForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the token a name.")), Length(max=100)],
                       description=_l("What uses the token, e.g. \u201cnational training database sync\u201d."))
    expires = SelectField(_l("Expires"), default="90",
                          choices=options([("30", _l("in 30 days")), ("90", _l("in 90 days")), ("365", _l("in a year")),
                                           (NEVER, _l("never (revoke it when it is no longer needed)"))]))
    read_only = BooleanField(_l("Read-only"), description=_l("The token can read but never change anything."))
    submit = SubmitField(_l("Make the token"))

    def expires_days(self) -> int | None:
        return None if self.expires.data == NEVER else int(self.expires.data)
