from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from trainer.enums import Category, Screening, UnitKind
from trainer.org.grades import grade_choices


class UnitForm(FlaskForm):
    nation_code = SelectField("Nation", choices=[], validate_choice=False)
    code = StringField("Code", validators=[DataRequired(), Length(max=40)],
                       description="Unique within the nation, e.g. NPBATT-A. Stored in capitals.")
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[(k.value, k.value.replace("_", " ").capitalize()) for k in UnitKind])
    parent_id = SelectField("Parent unit", choices=[], validate_choice=False,
                            description="Leave empty for a top-level unit of the nation.")
    version = HiddenField()
    submit = SubmitField("Save unit")


class PersonForm(FlaskForm):
    unit_id = SelectField("Unit", choices=[], validate_choice=False)
    service_number = StringField("Service number", validators=[DataRequired(), Length(max=40)],
                                 description="Unique within the nation.")
    family_name = StringField("Family name", validators=[DataRequired(), Length(max=120)],
                              description="As written in the person's own script.")
    given_names = StringField("Given names", validators=[DataRequired(), Length(max=200)])
    family_name_latin = StringField("Family name in Latin letters", validators=[Optional(), Length(max=120)],
                                    description="As in the passport or UN ID. Leave empty when the same as above.")
    given_names_latin = StringField("Given names in Latin letters", validators=[Optional(), Length(max=200)])
    rank_code = SelectField("Grade code", choices=[], validate_choice=False,
                            description="NATO grade (STANAG 2116) or the police or civilian category code.")
    national_rank = StringField("National rank title", validators=[Optional(), Length(max=80)])
    category = SelectField("Category", choices=[(c.value, c.value.capitalize()) for c in Category])
    email = EmailField("E-mail", validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    screening = SelectField("Screening", choices=[(s.value, s.value.capitalize()) for s in Screening])
    start_on = DateField("In this unit since", validators=[Optional()], default=dt.date.today)
    version = HiddenField()
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rank_code.choices = [("", "—")] + grade_choices()


class TransferForm(FlaskForm):
    unit_id = SelectField("New unit", choices=[], validate_choice=False, validators=[DataRequired()])
    on = DateField("Effective date", validators=[DataRequired()], default=dt.date.today,
                   description="The first day in the new unit.")
    note = StringField("Note", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Transfer")


class LeaveForm(FlaskForm):
    on = DateField("Left service on", validators=[DataRequired()], default=dt.date.today)
    submit = SubmitField("Mark as left service")


class RosterUploadForm(FlaskForm):
    file = FileField("Roster file (CSV or XLSX)", validators=[FileRequired("Choose a file to upload.")],
                     description="Columns: nation, service_number, family_name, given_names, rank_code, national_rank, "
                                 "category, unit, email; optional family_name_latin, given_names_latin, screening.")
    submit = SubmitField("Check the file")


class RosterConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Import")
