"""What the organisation's stored values are called on screen, in the reader's language (the values
themselves stay as stored: exports and imports use them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.enums import Category, PersonStatus, Screening, UnitKind

CATEGORY_LABELS = {
    Category.MILITARY.value: _l("Military"),
    Category.POLICE.value: _l("Police"),
    Category.CIVILIAN.value: _l("Civilian"),
}

SCREENING_LABELS = {
    Screening.PENDING.value: _l("Pending"),
    Screening.CLEARED.value: _l("Cleared"),
    Screening.HOLD.value: _l("Hold"),
}

STATUS_LABELS = {
    PersonStatus.ACTIVE.value: _l("In service"),
    PersonStatus.LEFT_SERVICE.value: _l("Left service"),
}

UNIT_KIND_LABELS = {
    UnitKind.CONTINGENT.value: _l("Contingent"),
    UnitKind.BATTALION.value: _l("Battalion"),
    UnitKind.COMPANY.value: _l("Company"),
    UnitKind.PLATOON.value: _l("Platoon"),
    UnitKind.FORMED_POLICE_UNIT.value: _l("Formed police unit"),
    UnitKind.STAFF.value: _l("Staff"),
    UnitKind.TRAINING_CENTRE.value: _l("Training centre"),
}


def label(table: dict, value) -> str:
    """The label of a stored value, or the value itself when the table does not know it."""
    return str(table.get(value, value or ""))


LABELS = {"category": CATEGORY_LABELS, "screening": SCREENING_LABELS, "status": STATUS_LABELS,
          "unit_kind": UNIT_KIND_LABELS}
