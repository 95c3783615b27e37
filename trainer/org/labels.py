"""What the organisation's stored values are called on screen, in the reader's language (the values
themselves stay as stored: exports and imports use them)."""
from __future__ import annotations

import functools
import gettext

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


@functools.lru_cache(maxsize=8)
def _country_names(language: str):
    import pycountry

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        return lambda name: name


def nation_name(code: str, language: str | None = None, fallback: str | None = None) -> str:
    """A nation's name in the reader's language (from the ISO 3166 translations shipped with pycountry), or
    the stored name when the code is not an ISO country."""
    import pycountry

    if language is None:
        from trainer.i18n import language as current_language

        language = current_language()
    country = pycountry.countries.get(alpha_3=code) if code and len(code) == 3 else None
    if country is None:
        return fallback or code or ""
    english = getattr(country, "common_name", None) or country.name
    return english if language == "en" else _country_names(language)(english)
