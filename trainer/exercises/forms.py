from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from trainer.enums import EXERCISE_TYPE_LABELS, PARTICIPANT_ROLE_LABELS, ExerciseType
from trainer.exercises.models import MILESTONE_LABELS, MilestoneKind, ParticipantRole
from trainer.exercises.timeutil import zone_names

FOLD_CHOICES = [("", "— only if asked —"), ("0", "The first (still summer time)"), ("1", "The second (after the clocks go back)")]


class ExerciseForm(FlaskForm):
    code = StringField("Code", description="Short and unique, e.g. SHIELD-27.")
    title = StringField("Title")
    type = SelectField("Exercise type (HSEEP)", choices=[("", "— choose —")] + [(t.value, EXERCISE_TYPE_LABELS[t]) for t in ExerciseType],
                       validate_choice=False)
    military_name = SelectField("Military name", choices=[("", "none"), ("CPX", "CPX"), ("FTX", "FTX"), ("LIVEX", "LIVEX")],
                                description="CPX is a functional exercise; FTX and LIVEX are full-scale.", validate_choice=False)
    scenario_summary = TextAreaField("Scenario summary", render_kw={"rows": 4})
    lead_nation_code = SelectField("Lead nation", choices=[], validate_choice=False)
    nation_codes = SelectMultipleField("Participating nations", choices=[], validate_choice=False,
                                       description="The lead nation always takes part.", render_kw={"size": 6})
    unit_ids = SelectMultipleField("Units committed", choices=[], validate_choice=False, render_kw={"size": 6})
    location_name = StringField("Location")
    timezone = SelectField("Time zone of the location", choices=[], validate_choice=False)
    start_local = StringField("Start (local time at the location)", render_kw={"type": "datetime-local"})
    end_local = StringField("End (local time at the location)", render_kw={"type": "datetime-local"})
    fold = SelectField("If a time happens twice (clocks going back)", choices=FOLD_CHOICES, validate_choice=False)
    prerequisite_modules = StringField("Prerequisite modules for players", description="Module codes, comma-separated, e.g. HR-01, PKI-02.")
    version = HiddenField()
    submit = SubmitField("Save exercise")

    def set_choices(self, nations, units) -> None:
        self.lead_nation_code.choices = [("", "— choose —")] + [(n.code, f"{n.code} — {n.name}") for n in nations]
        self.nation_codes.choices = [(n.code, f"{n.code} — {n.name}") for n in nations]
        self.unit_ids.choices = [(str(u.id), f"{u.nation_code} {u.code} — {u.name}") for u in units]
        self.timezone.choices = [("", "— choose —")] + [(z, z.replace("_", " ")) for z in zone_names()]


class ObjectiveForm(FlaskForm):
    description = TextAreaField("Objective", render_kw={"rows": 2})
    capability = StringField("Capability exercised")
    module_code = StringField("Module exercised (code)", description="Optional, e.g. HR-03.")
    submit = SubmitField("Add objective")


class NominateForm(FlaskForm):
    person_id = SelectField("Person", choices=[], validate_choice=False)
    role = SelectField("Role", choices=[(r.value, PARTICIPANT_ROLE_LABELS[r]) for r in ParticipantRole], validate_choice=False)
    submit = SubmitField("Nominate")


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason for confirming without the prerequisites", render_kw={"rows": 3},
                           description="Kept with the decision in the audit log.")


class AssignmentForm(FlaskForm):
    evaluator_id = SelectField("Evaluator", choices=[], validate_choice=False)
    objective_id = SelectField("Objective", choices=[], validate_choice=False)
    target_participant_id = SelectField("Player evaluated", choices=[], validate_choice=False)
    target_unit_id = SelectField("or unit evaluated", choices=[], validate_choice=False)
    submit = SubmitField("Assign evaluator")


class MilestonesForm(FlaskForm):
    submit = SubmitField("Save milestones")


for _kind in MilestoneKind:
    setattr(MilestonesForm, _kind.value, DateField(MILESTONE_LABELS[_kind], validators=[Optional()]))
MilestonesForm.submit = SubmitField("Save milestones")  # keep the button last


class InjectForm(FlaskForm):
    number = IntegerField("Number", validators=[Optional()])
    scenario_time = StringField("Scenario time", description="In-scenario clock, e.g. D+1 06:00.")
    planned_release = StringField("Planned release (local time)", render_kw={"type": "datetime-local"})
    fold = SelectField("If that time happens twice", choices=FOLD_CHOICES, validate_choice=False)
    from_ = StringField("From", description="Who sends it (e.g. SIMCELL — UN OCHA).")
    to_type = SelectField("To (kind)", choices=[("nation", "Nation"), ("unit", "Unit"), ("person", "Person")], validate_choice=False)
    to = StringField("To", description="NPL, or NPL:UNIT-CODE, or NPL:service number of a participant.")
    method = StringField("Method", description="e.g. radio, phone, e-mail, in person, role player.")
    message = TextAreaField("Message", render_kw={"rows": 3})
    expected_action = TextAreaField("Expected player action", render_kw={"rows": 2})
    objectives = StringField("Objectives (numbers)", description="e.g. 1;3")
    contingency = BooleanField("Contingency inject (used only if the objective is not reached otherwise)")
    submit = SubmitField("Save inject")


class ImportForm(FlaskForm):
    file = FileField("MSEL file (CSV)")
    submit = SubmitField("Import")
