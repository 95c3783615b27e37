"""What account roles are called on screen, in the reader's language (the stored values stay as they are)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "training_officer": _l("Training officer"),
    "evaluator": _l("Evaluator"),
    "commander": _l("Commander"),
    "trainee": _l("Trainee"),
}


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(value, str(value).replace("_", " ").capitalize()))
