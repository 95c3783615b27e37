from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from trainer.forms import Form, options
from trainer.readiness.models import LEVEL_LABELS, Level


class WaiverForm(Form):
    requirement = SelectField(_l("Requirement waived"), validators=[DataRequired()])
    authority = StringField(_l("Authority"), validators=[DataRequired(), Length(max=300)],
                            description=_l("The order or regulation under which you waive it, e.g. "
                                           "'Contingent commander, order 12/2026'."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
    expires_on = DateField(_l("Expires on"), validators=[InputRequired()])
    submit = SubmitField(_l("Waive requirement"))


class RevokeWaiverForm(Form):
    reason = StringField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Revoke waiver"))


class AssessForm(Form):
    assessed_level = SelectField(_l("Assessed level"), choices=options((lv.value, LEVEL_LABELS[lv]) for lv in Level),
                                 validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)],
                           description=_l("Required: why your assessment differs from (or confirms) the computed level."))
    submit = SubmitField(_l("Record assessed level"))


class DeploymentForm(Form):
    mission = StringField(_l("Mission"), validators=[DataRequired(), Length(max=200)],
                          description=_l("E.g. 'MINUSCA rotation 14'."))
    profile_code = SelectField(_l("Readiness profile"), validators=[DataRequired()])
    departure_on = DateField(_l("Departure"), validators=[InputRequired()])
    return_on = DateField(_l("Return"), validators=[InputRequired()])
    unit_ids = SelectMultipleField(_l("Units going"), coerce=str, validators=[DataRequired()],
                                   description=_l("Everyone posted to these units (and their sub-units) goes; you can "
                                                  "remove people afterwards."))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Create deployment"))
