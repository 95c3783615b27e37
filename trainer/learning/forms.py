from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from trainer.forms import Form
from trainer.org.forms import PersonField


class AssignForm(Form):
    code = SelectField(_l("Readiness profile or module"), choices=[], validate_choice=False, validators=[DataRequired()])
    unit_id = SelectField(_l("To a unit (and its sub-units)"), choices=[], validate_choice=False, validators=[Optional()])
    person_id = PersonField(_l("…or to one person"), ability="training.record",
                            description=_l("Leave the unit empty when you assign to one person."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class SessionForm(Form):
    module_code = SelectField(_l("Module"), choices=[], validate_choice=False, validators=[DataRequired()])
    unit_id = SelectField(_l("Unit whose personnel attended"), choices=[], validate_choice=False,
                          validators=[DataRequired()])
    held_on = DateField(_l("Date held"), validators=[InputRequired()])
    instructor = StringField(_l("Instructor"), validators=[DataRequired(), Length(max=200)])
    location = StringField(_l("Location"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record the session"))


class RecogniseForm(Form):
    module_code = SelectField(_l("Module"), choices=[], validate_choice=False, validators=[DataRequired()])
    completed_on = DateField(_l("Date of the prior learning"), validators=[InputRequired()])
    justification = TextAreaField(_l("Justification and evidence seen"),
                                  validators=[DataRequired(), Length(max=4000)],
                                  description=_l("Which course or qualification, where and when, and what evidence "
                                                 "you checked (at least 20 characters)."))
    submit = SubmitField(_l("Recognise prior learning"))
