from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from trainer.org.forms import PersonField


class AssignForm(FlaskForm):
    code = SelectField("Readiness profile or module", choices=[], validate_choice=False, validators=[DataRequired()])
    unit_id = SelectField("To a unit (and its sub-units)", choices=[], validate_choice=False, validators=[Optional()])
    person_id = PersonField(lazy_gettext("…or to one person"), ability="training.record",
                            description=lazy_gettext("Leave the unit empty when you assign to one person."))
    due_on = DateField("Due date", validators=[Optional()])
    submit = SubmitField("Assign")


class SessionForm(FlaskForm):
    module_code = SelectField("Module", choices=[], validate_choice=False, validators=[DataRequired()])
    unit_id = SelectField("Unit whose personnel attended", choices=[], validate_choice=False, validators=[DataRequired()])
    held_on = DateField("Date held", validators=[DataRequired()])
    instructor = StringField("Instructor", validators=[DataRequired(), Length(max=200)])
    location = StringField("Location", validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=4000)])
    submit = SubmitField("Record the session")


class RecogniseForm(FlaskForm):
    module_code = SelectField("Module", choices=[], validate_choice=False, validators=[DataRequired()])
    completed_on = DateField("Date of the prior learning", validators=[DataRequired()])
    justification = TextAreaField("Justification and evidence seen", validators=[DataRequired(), Length(max=4000)],
                                  description="Which course or qualification, where and when, and what evidence you "
                                              "checked (at least 20 characters).")
    submit = SubmitField("Recognise prior learning")
