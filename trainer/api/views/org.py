"""Nations, the unit tree, personnel (search, filters, cursor pages; reading and changing a record) and
roster import, through the organisation services the pages use."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint

from trainer.api.http import actor, checks_if_match, etagged, finds, idempotent, page_response, require_match
from trainer.api.problems import problem
from trainer.api.reads import people_after
from trainer.api.schemas import org as schemas
from trainer.org import imports, people, services
from trainer.org.roster import RosterLimits

blp = Blueprint("api_org", __name__, url_prefix="/api/v1", description="Nations, units and personnel.")


@blp.route("/nations")
@blp.response(200, schemas.NationList)
def list_nations():
    """The nations taking part in the mission"""
    return {"items": services.list_nations(actor())}


def _tree(units) -> list[dict]:
    """Units in tree order (services.tree_order) as nested nodes; a unit whose parent is out of reach
    starts a branch of its own."""
    nodes, roots = {}, []
    for unit in units:
        node = {"id": unit.id, "nation_code": unit.nation_code, "code": unit.code, "name": unit.name,
                "kind": unit.kind, "parent_id": unit.parent_id, "children": []}
        nodes[unit.id] = node
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent is not None else roots).append(node)
    return roots


@blp.route("/units")
@blp.arguments(schemas.UnitsArgs, location="query")
@blp.response(200, schemas.UnitTree)
def list_units(args):
    """The units in reach, as a tree

    Each unit carries its sub-units in `children`, by nation and code.
    """
    return {"items": _tree(services.list_units(actor(), "org.read", nation=(args.get("nation") or "").upper() or None))}


@blp.route("/units/<int:unit_id>")
@blp.response(200, schemas.UnitDetailSchema)
def get_unit(unit_id: int):
    """A unit, with the units above it, its sub-units and its active people counted"""
    page = services.get_unit_page(actor(), unit_id)
    unit = page.unit
    return {"id": unit.id, "nation_code": unit.nation_code, "code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent_id": unit.parent_id, "active_people": page.people_count, "ancestors": page.ancestors,
            "children": _tree(page.children)}


@blp.route("/people")
@blp.arguments(schemas.PeopleArgs, location="query")
@blp.response(200, schemas.PeoplePage)
def list_people(args):
    """Personnel in reach: search, filters and cursor pages

    Ordered by Latin family name, given names and id, like the personnel page.
    """
    filters = {name: args.get(name) for name in ("q", "nation", "unit_id", "category", "screening")}
    status = args.get("status")
    filters["status"] = None if status == "any" else status
    rows, next_cursor = people_after(actor(), filters, cursor=args.get("cursor"), limit=args["limit"])
    return page_response(schemas.PersonSchema(many=True).dump(rows), next_cursor)


@blp.route("/people/<int:person_id>")
@blp.response(200, schemas.PersonSchema, headers={"ETag": {"schema": {"type": "string"}}})
def get_person(person_id: int):
    """A personnel record, with its ETag"""
    return etagged(schemas.PersonSchema().dump(people.get_person(actor(), person_id)))


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@finds(lambda who, person_id: people.get_person(who, person_id, "org.write"))
@idempotent
@checks_if_match
@blp.arguments(schemas.PersonUpdateSchema)
@blp.response(200, schemas.PersonSchema, headers={"ETag": {"schema": {"type": "string"}}})
def update_person(values, person_id: int):
    """Change a personnel record

    Send If-Match with the ETag you read: a record changed meanwhile is not overwritten (412).
    """
    who = actor()
    person = people.get_person(who, person_id, "org.write")
    require_match(schemas.PersonSchema().dump(person))
    person = people.update_person(who, person, values, expected_version=person.version)
    return etagged(schemas.PersonSchema().dump(person))


@blp.route("/roster-imports", methods=["POST"])
@idempotent
@blp.arguments(schemas.RosterArgs, location="query")
@blp.arguments(schemas.RosterFileSchema, location="files")
@blp.response(201, schemas.ImportReportSchema, description="Imported (or, for a dry run, 200: would import)")
@blp.alt_response(200, schema=schemas.ImportReportSchema, description="The dry run's report: nothing was written")
def import_roster(args, files):
    """Import a roster file: all of it or nothing

    The same checks and report as the roster import page. Every error is reported with its row and column
    (422) and nothing is written; `dry_run=true` checks the file and reports what would change.
    """
    upload = files["file"]
    report = imports.import_roster(actor(), upload.read(), upload.filename or "",
                                   limits=RosterLimits.from_config(current_app.config), dry_run=args["dry_run"])
    if not report.ok:
        return problem(422, _("The file has errors: nothing was imported. Each error names its row and column."),
                       [{"field": e.column, "row": e.row, "detail": e.message} for e in report.errors],
                       kind="validation")
    body = schemas.ImportReportSchema().dump(_report(report))
    return body, 200 if report.dry_run else 201


def _report(report) -> dict:
    return {"filename": report.filename, "sha256": report.sha256, "dry_run": report.dry_run,
            "applied": report.applied, "summary": report.summary(), "counts": report.counts,
            "transfers": report.transfers,
            "rows": [{"row": r.row, "action": r.action, "nation": r.nation, "service_number": r.service_number,
                      "name": r.name, "person_id": r.person_id,
                      "changes": {f: {"before": b, "after": a} for f, (b, a) in r.changes.items()}}
                     for r in report.rows]}
