"""What every form shares: its base class, and showing a service's refusal on the form that asked for the change."""
from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app, flash, request
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import DateField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path

from trainer import typed_values
from trainer.errors import Conflict, DomainError
from trainer.extensions import db

DEFAULT_MESSAGE = _l("The form could not be saved.")


class Form(FlaskForm):
    """Every form's base: Flask-WTF's (CSRF, the request's data), with WTForms' own messages ("This field is
    required.") in the page's language. Flask-WTF reads their catalogue from disk again for each request; here it
    is read once per language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale() or "en"))

    def __init__(self, *args, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = stored  # the record an edit form changes (see edit_form)

    def validate(self, extra_validators=None) -> bool:
        """Each field's own checks, then the rules every typed value follows: a date falls in the years a typed
        date may (trainer.typed_values); a line of text holds no control character (a multi-line text may hold
        line breaks and tabs). A value the edited record already holds is left alone: one stored before the rule
        does not block a change to the record's other fields."""
        valid = super().validate(extra_validators)
        for field in self:
            if self._stored is not None and field.data == getattr(self._stored, field.name, _NOTHING):
                continue
            problem = _typed_value_problem(field)
            if problem is not None:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


_NOTHING = object()


def edit_form(form_class, record):
    """The form that edits `record`: filled from it to be shown (GET), or reading what was posted, knowing the
    record's stored values (see Form.validate)."""
    return form_class(obj=record) if request.method == "GET" else form_class(stored=record)


def _typed_value_problem(field) -> str | None:
    if field.errors:
        return None
    if isinstance(field, DateField) and not typed_values.date_in_range(field.data):
        return typed_values.out_of_range_message()
    multiline = isinstance(field, TextAreaField)
    # not typed (the page's own values: a token, the address to go back to), or a secret checked as it is
    if isinstance(field, (HiddenField, PasswordField)):
        return None
    if isinstance(field, StringField) and isinstance(field.data, str) and typed_values.has_control_character(
            field.data, multiline=multiline):
        return typed_values.control_character_message(multiline=multiline)
    return None


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select field declared with its choices (WTForms takes no tuples
    there from 3.4 on)."""
    return [SelectChoice(value, label) for value, label in pairs]


@lru_cache(maxsize=16)
def _wtforms_messages(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def apply_errors(form, error: DomainError) -> None:
    """Show a refused change on its form: the attempted change is rolled back, each field error goes
    under its field, and the message (with any error whose field the form does not have) is flashed,
    so that nothing the service said is lost."""
    db.session.rollback()
    unplaced = []
    for name, message in error.errors:
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            unplaced.append(message)  # a sentence of its own: the field's code name means nothing to the reader
    if error.message or unplaced or not error.errors:
        # A conflict is someone else's change, not a mistake of the user's: a warning, not an error.
        flash(" ".join([str(error.message or DEFAULT_MESSAGE), *map(str, unplaced)]),
              "warning" if isinstance(error, Conflict) else "danger")
