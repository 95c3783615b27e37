from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from trainer.readiness.models import Level


class WaiverForm(FlaskForm):
    requirement = SelectField("Requirement waived", validators=[DataRequired()])
    authority = StringField("Authority", validators=[DataRequired(), Length(max=300)],
                            description="The order or regulation under which you waive it, e.g. 'Contingent commander, order 12/2026'.")
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=4000)])
    expires_on = DateField("Expires on", validators=[DataRequired()])
    submit = SubmitField("Waive requirement")


class RevokeWaiverForm(FlaskForm):
    reason = StringField("Reason for revoking", validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField("Revoke waiver")


class AssessForm(FlaskForm):
    assessed_level = SelectField("Assessed level", choices=[(lv.value, lv.label) for lv in Level],
                                 validators=[DataRequired()])
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=4000)],
                           description="Required: why your assessment differs from (or confirms) the computed level.")
    submit = SubmitField("Record assessed level")


class DeploymentForm(FlaskForm):
    mission = StringField("Mission", validators=[DataRequired(), Length(max=200)],
                          description="E.g. 'MINUSCA rotation 14'.")
    profile_code = SelectField("Readiness profile", validators=[DataRequired()])
    departure_on = DateField("Departure", validators=[DataRequired()])
    return_on = DateField("Return", validators=[DataRequired()])
    unit_ids = SelectMultipleField("Units going", coerce=str, validators=[DataRequired()],
                                   description="Everyone posted to these units (and their sub-units) goes; you can remove people afterwards.")
    notes = TextAreaField("Notes", validators=[Length(max=4000)])
    submit = SubmitField("Create deployment")
