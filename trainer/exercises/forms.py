"""The exercise domain's forms. Lists a planner chooses from (nations, units, modules, an inject's
recipients and objectives) are lists, not codes to type; the services still accept the codes, which the
MSEL's CSV import and other callers send."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from trainer.enums import ExerciseType
from trainer.exercises.models import MilestoneKind, ParticipantRole
from trainer.forms import Form, options
from trainer.org.labels import nation_name

FOLD_CHOICES = [("", _l("— only if asked —")), ("0", _l("The first (still summer time)")),
                ("1", _l("The second (after the clocks go back)"))]


class ExerciseForm(Form):
    code = StringField(_l("Code"), description=_l("Short and unique, e.g. SHIELD-27."))
    title = StringField(_l("Title"))
    type = SelectField(_l("Exercise type (HSEEP)"),
                       choices=options([("", _l("— choose —"))] + ExerciseType.choices()),
                       validate_choice=False)
    military_name = SelectField(_l("Military name"),
                                choices=options([("", _l("none")), ("CPX", "CPX"), ("FTX", "FTX"), ("LIVEX", "LIVEX")]),
                                description=_l("CPX is a functional exercise; FTX and LIVEX are full-scale."),
                                validate_choice=False)
    scenario_summary = TextAreaField(_l("Scenario summary"), render_kw={"rows": 4})
    lead_nation_code = SelectField(_l("Lead nation"), choices=[], validate_choice=False)
    nation_codes = SelectMultipleField(_l("Participating nations"), choices=[], validate_choice=False,
                                       description=_l("The lead nation always takes part."))
    unit_ids = SelectMultipleField(_l("Units committed"), choices=[], validate_choice=False)
    location_name = StringField(_l("Location"))
    timezone = SelectField(_l("Time zone of the location"), choices=[], validate_choice=False,
                           description=_l("The IANA zone of the location, e.g. Asia/Kathmandu or Europe/Oslo."))
    start_local = StringField(_l("Start (local time at the location)"), render_kw={"type": "datetime-local"})
    end_local = StringField(_l("End (local time at the location)"), render_kw={"type": "datetime-local"})
    fold = SelectField(_l("If a time happens twice (clocks going back)"), choices=options(FOLD_CHOICES),
                       validate_choice=False)
    prerequisite_modules = SelectMultipleField(_l("Prerequisite modules for players"), choices=[],
                                               validate_choice=False,
                                               description=_l("Players should hold these modules on the first day."))
    version = HiddenField()
    submit = SubmitField(_l("Save exercise"))

    def set_choices(self, nations, units, modules, zones) -> None:
        named = [(n.code, f"{n.code} — {nation_name(n.code, fallback=n.name)}") for n in nations]
        self.lead_nation_code.choices = [("", _l("— choose —"))] + named
        self.nation_codes.choices = list(named)
        self.unit_ids.choices = [(str(u.id), f"{u.nation_code} {u.code} — {u.name}") for u in units]
        self.timezone.choices = [("", _l("— choose —"))] + list(zones)
        self.prerequisite_modules.choices = list(modules)


class ObjectiveForm(Form):
    description = TextAreaField(_l("Objective"), render_kw={"rows": 2})
    capability = StringField(_l("Capability exercised"))
    module_code = SelectField(_l("Module exercised"), choices=[], validate_choice=False,
                              description=_l("Optional: the module whose skills this objective exercises."))
    submit = SubmitField(_l("Add objective"))

    def set_choices(self, modules) -> None:
        self.module_code.choices = [("", _l("— none —"))] + list(modules)


class NominateForm(Form):
    person_id = SelectField(_l("Person"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=options(ParticipantRole.choices()),
                       validate_choice=False)
    submit = SubmitField(_l("Nominate"))


class DecisionForm(Form):
    reason = TextAreaField(_l("Reason for confirming without the prerequisites"), render_kw={"rows": 3},
                           description=_l("Kept with the decision in the audit log."))


class AssignmentForm(Form):
    evaluator_id = SelectField(_l("Evaluator"), choices=[], validate_choice=False)
    objective_id = SelectField(_l("Objective"), choices=[], validate_choice=False)
    target_participant_id = SelectField(_l("Player evaluated"), choices=[], validate_choice=False)
    target_unit_id = SelectField(_l("or unit evaluated"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign evaluator"))


class MilestonesForm(Form):
    submit = SubmitField(_l("Save milestones"))


for _kind in MilestoneKind:
    setattr(MilestonesForm, _kind.value, DateField(_kind.lazy_label, validators=[Optional()]))
MilestonesForm.submit = SubmitField(_l("Save milestones"))  # keep the button last


class InjectForm(Form):
    number = IntegerField(_l("Number"), validators=[Optional()])
    scenario_time = StringField(_l("Scenario time"), description=_l("In-scenario clock, e.g. D+1 06:00."))
    planned_release = StringField(_l("Planned release (local time)"), render_kw={"type": "datetime-local"})
    fold = SelectField(_l("If that time happens twice"), choices=options(FOLD_CHOICES), validate_choice=False)
    from_ = StringField(_l("From"), description=_l("Who sends it (e.g. SIMCELL — UN OCHA)."))
    recipient = SelectField(_l("To"), choices=[], validate_choice=False,
                            description=_l("A nation taking part, one of its units, or a participant."))
    method = StringField(_l("Method"), description=_l("e.g. radio, phone, e-mail, in person, role player."))
    message = TextAreaField(_l("Message"), render_kw={"rows": 3})
    expected_action = TextAreaField(_l("Expected player action"), render_kw={"rows": 2})
    objectives = SelectMultipleField(_l("Objectives"), choices=[], validate_choice=False,
                                     description=_l("The objectives this inject tests."))
    contingency = BooleanField(_l("Contingency inject (used only if the objective is not reached otherwise)"))
    version = HiddenField()
    submit = SubmitField(_l("Save inject"))

    def set_choices(self, recipients: list[tuple[str, list[tuple[str, str]]]], objectives) -> None:
        """`recipients` are (group label, [(value, label)]) pairs: the nations, each nation's units, the
        participants; a value is "nation|NPL", "unit|NPL:CODE" or "person|NPL:SERVICE-NUMBER"."""
        self.recipient_groups = recipients
        self.recipient.choices = [("", _l("— choose —"))] + [choice for _, group in recipients for choice in group]
        self.objectives.choices = list(objectives)


class ImportForm(Form):
    file = FileField(_l("MSEL file (CSV)"))
    submit = SubmitField(_l("Import"))
