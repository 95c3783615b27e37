"""The organisation's URL map: nations, units, personnel (list, record, bulk actions, picker), roster import."""
from __future__ import annotations

from flask import Blueprint

from trainer.org.grades import grade_label
from trainer.org.labels import LABELS, label, nation_name
from trainer.org.views import bulk, personnel, roster, units

bp = Blueprint("org", __name__)

# nations and units
bp.add_url_rule("/admin/nations", "nations", units.nations)
bp.add_url_rule("/admin/nations/<code>/toggle", "nation_toggle", units.nation_toggle, methods=["POST"])
bp.add_url_rule("/units", "units", units.units)
bp.add_url_rule("/units/new", "unit_new", units.unit_new, methods=["GET", "POST"])
bp.add_url_rule("/units/<int:unit_id>", "unit", units.unit)
bp.add_url_rule("/units/<int:unit_id>/edit", "unit_edit", units.unit_edit, methods=["GET", "POST"])

# personnel
bp.add_url_rule("/personnel", "people", personnel.people_list)
bp.add_url_rule("/personnel/lookup", "person_lookup", personnel.person_lookup)
bp.add_url_rule("/personnel/new", "person_new", personnel.person_new, methods=["GET", "POST"])
bp.add_url_rule("/personnel/<int:person_id>", "person", personnel.person)
bp.add_url_rule("/personnel/<int:person_id>/edit", "person_edit", personnel.person_edit, methods=["GET", "POST"])
bp.add_url_rule("/personnel/<int:person_id>/transfer", "person_transfer", personnel.person_transfer,
                methods=["GET", "POST"])
bp.add_url_rule("/personnel/<int:person_id>/leave", "person_leave", personnel.person_leave, methods=["GET", "POST"])

# the people selected on the list
bp.add_url_rule("/personnel/export", "people_export", bulk.people_export, methods=["POST"])
bp.add_url_rule("/personnel/bulk/assign", "bulk_assign", bulk.bulk_assign, methods=["POST"])
bp.add_url_rule("/personnel/bulk/accounts", "bulk_accounts", bulk.bulk_accounts, methods=["POST"])
bp.add_url_rule("/personnel/bulk/transfer", "bulk_transfer", bulk.bulk_transfer, methods=["POST"])

# roster import
bp.add_url_rule("/personnel/import", "roster_import", roster.roster_import, methods=["GET", "POST"])


# A country's name in the reader's language, for every domain's pages (exercises and readiness name nations too).
bp.add_app_template_global(nation_name, "nation_name")


@bp.context_processor
def _labels():
    return {"org_label": lambda kind, value: label(LABELS[kind], value), "grade_label": grade_label}
