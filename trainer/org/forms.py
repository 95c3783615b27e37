from __future__ import annotations

import datetime as dt
from functools import cached_property

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.core import Field
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from trainer.forms import Form, options
from trainer.org.grades import grade_choices
from trainer.org.labels import CATEGORY_LABELS, SCREENING_LABELS, UNIT_KIND_LABELS


class UnitForm(Form):
    nation_code = SelectField(_l("Nation"), choices=[], validate_choice=False)
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Unique within the nation, e.g. NPBATT-A. Stored in capitals."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=options(UNIT_KIND_LABELS.items()))
    parent_id = SelectField(_l("Parent unit"), choices=[], validate_choice=False,
                            description=_l("Leave empty for a top-level unit of the nation."))
    version = HiddenField()
    submit = SubmitField(_l("Save unit"))


class PersonForm(Form):
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    service_number = StringField(_l("Service number"), validators=[DataRequired(), Length(max=40)],
                                 description=_l("Unique within the nation."))
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)],
                              description=_l("As written in the person's own script."))
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=200)])
    family_name_latin = StringField(_l("Family name in Latin letters"), validators=[Optional(), Length(max=120)],
                                    description=_l("As in the passport or UN ID. Leave empty when the same as above."))
    given_names_latin = StringField(_l("Given names in Latin letters"), validators=[Optional(), Length(max=200)])
    name_order = SelectField(_l("Name order"), choices=options([
                                 ("", _l("As usual for the script (family name first for Chinese, "
                                         "Japanese and Korean)")),
                                 ("given_first", _l("Given names first")),
                                 ("family_first", _l("Family name first"))]),
                             validators=[Optional()],
                             description=_l("How the full name is printed on lists and certificates."))
    rank_code = SelectField(_l("Grade code"), choices=[], validate_choice=False,
                            description=_l("NATO grade (STANAG 2116) or the police or civilian category code."))
    national_rank = StringField(_l("National rank title"), validators=[Optional(), Length(max=80)])
    category = SelectField(_l("Category"), choices=options(CATEGORY_LABELS.items()))
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    screening = SelectField(_l("Screening"), choices=options(SCREENING_LABELS.items()))
    start_on = DateField(_l("In this unit since"), validators=[Optional()], default=dt.date.today)
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rank_code.choices = [("", "—")] + grade_choices()


class TransferForm(Form):
    unit_id = SelectField(_l("New unit"), choices=[], validate_choice=False, validators=[DataRequired()])
    on = DateField(_l("Effective date"), validators=[InputRequired()], default=dt.date.today,
                   description=_l("The first day in the new unit."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Transfer"))


class LeaveForm(Form):
    on = DateField(_l("Left service on"), validators=[InputRequired()], default=dt.date.today)
    submit = SubmitField(_l("Mark as left service"))


class RosterUploadForm(Form):
    file = FileField(_l("Roster file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("Columns: nation, service_number, family_name, given_names, rank_code, "
                                    "national_rank, category, unit, email; optional family_name_latin, "
                                    "given_names_latin, screening."))
    submit = SubmitField(_l("Check the file"))


class RosterConfirmForm(Form):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))



class BulkAssignForm(Form):
    code = SelectField(_l("Readiness profile or module"), choices=[], validate_choice=False, validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[Optional()],
                       description=_l("Optional. Past it, the requirement shows as overdue."))
    submit = SubmitField(_l("Assign"))


class BulkTransferForm(TransferForm):
    """A transfer of everyone selected: the same fields as one person's."""


class BulkAccountsForm(Form):
    submit = SubmitField(_l("Create the accounts"))

class PersonField(Field):
    """A person chosen by name or service number among those the user reaches through `ability`.

    Rendered by the `person_picker` macro: a search box (a keyboard-usable combobox with JavaScript) and
    the chosen person's id in a hidden input under the field's name. Without JavaScript the typed text
    is submitted, and the form comes back with the people it matches to choose from (`results`).
    `data` is the chosen person's id, or None. A request that posts only the id (`name=42`) works too.
    """

    widget = HiddenInput()

    def __init__(self, label=None, validators=None, ability: str = "org.read", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.ability = ability
        self.query = ""
        self.results = None
        self.more = False

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.query, self.results, self.more = "", None, False
        if formdata is None and data is unset_value and has_request_context():
            data = request.args.get(self.name) or None  # a link that preselects the person
        super().process(formdata, data, extra_filters)
        if formdata is None:
            return
        picked = (formdata.get(self.name + "-pick") or "").strip()
        hidden = (formdata.get(self.name) or "").strip()
        typed = " ".join((formdata.get(self.name + "-q") or "").split())[:200]
        if self.name + "-q" in formdata and not picked:
            # The box still shows the chosen person unless the user typed something else (without
            # JavaScript the hidden id cannot follow the text).
            shown = " ".join((formdata.get(self.name + "-shown") or "").split())
            if not typed or typed != shown:
                hidden = ""
            self.query = typed if not hidden else ""
        self.raw_data = [picked or hidden or self.query] if (picked or hidden or self.query) else []
        self.data = None
        try:
            self.data = self._parse(picked or hidden)
        except ValueError as exc:
            self.process_errors.append(exc.args[0])

    def process_data(self, value):
        try:
            self.data = self._parse(value)
        except ValueError:
            self.data = None

    def process_formdata(self, valuelist):
        pass  # done in process(), which sees the search text beside the id

    def _parse(self, value) -> int | None:
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(self.gettext("Not a valid integer value."))
        if not 0 < number < 2**31:
            raise ValueError(self.gettext("Not a valid integer value."))
        return number

    def pre_validate(self, form):
        if self.process_errors or self.data is not None or not self.query:
            return
        from trainer.org.lookup import lookup_people

        found = lookup_people(current_user, self.query, ability=self.ability)
        self.results, self.more = found.people, found.more
        if found.too_short:
            raise ValidationError(_("Type at least two letters or digits of the name or service number."))
        if not found.people:
            raise ValidationError(_("No one in your scope matches “%(query)s”. Check the spelling, or type the "
                                    "service number.", query=self.query))
        raise ValidationError(_("Choose the person below, then submit again."))

    @cached_property
    def chosen(self):
        """The chosen person, when the user reaches them (for showing their name in the box)."""
        from trainer.org.lookup import person_choice

        return person_choice(current_user, self.data, self.ability) if self.data else None

    @property
    def chosen_label(self) -> str:
        from trainer.org.lookup import person_label

        return person_label(self.chosen) if self.chosen is not None else ""
