"""A person's completions; recognised prior learning and classroom sessions (one or a batch, all or
nothing); module and profile assignments, through the learning services the pages use."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint

from trainer.api import reads
from trainer.api.http import actor, checks_if_match, etagged, finds, idempotent, require_match
from trainer.api.schemas import learning as schemas
from trainer.curricula.services import get_module
from trainer.errors import DomainError, Invalid, NotFound
from trainer.learning import services

blp = Blueprint("api_learning", __name__, url_prefix="/api/v1", description="Completions and assignments.")

ETAG_HEADER = {"ETag": {"schema": {"type": "string"}}}
LOCATION_HEADER = {"Location": {"schema": {"type": "string"}}}


@blp.route("/people/<int:person_id>/completions")
@blp.response(200, schemas.CompletionList)
def list_completions(person_id: int):
    """A person's completions, superseded ones included"""
    _person, rows = services.person_history(actor(), person_id)
    replaced = {row.supersedes_id for row in rows if row.supersedes_id}
    return {"items": [_completion(row, row.id in replaced) for row in rows]}


def _completion(row, superseded: bool) -> dict:
    return {"id": row.id, "person_id": row.person_id, "module_code": row.module_code,
            "module_version": row.module_version, "method": row.method, "score": row.score,
            "completed_on": row.completed_on, "valid_until": row.valid_until, "evidence": row.evidence,
            "session_id": row.session_id, "supersedes_id": row.supersedes_id, "superseded": superseded,
            "created_at": row.created_at}


def _item_errors(index: int, error: DomainError, default_field: str) -> list[tuple[str, str]]:
    prefix = f"items.{index}."
    if error.errors:
        return [(prefix + field if field else prefix.rstrip("."), message) for field, message in error.errors]
    return [(prefix + default_field, error.message or _("Not found."))]


@blp.route("/completions/recognised", methods=["POST"])
@idempotent
@blp.arguments(schemas.RecognisedBatchSchema)
@blp.response(201, schemas.CompletionList)
def record_recognised(batch):
    """Record recognised prior learning: one or a batch, all or nothing

    Each item is checked as on the page; when any item is refused, nothing is recorded and every item's
    problems are listed (422).
    """
    who = actor()
    recorded, errors = [], []
    for index, item in enumerate(batch["items"]):
        try:
            services.get_person_or_404(who, item["person_id"])
        except NotFound as exc:
            errors += _item_errors(index, exc, "person_id")
            continue
        try:
            get_module(item["module_code"])
        except NotFound as exc:
            errors += _item_errors(index, exc, "module_code")
            continue
        try:
            recorded.append(services.recognise_prior_learning(
                who, person_id=item["person_id"], module_code=item["module_code"],
                completed_on=item["completed_on"], justification=item["justification"]))
        except Invalid as exc:
            errors += _item_errors(index, exc, "")
    if errors:
        raise Invalid(_("Nothing was recorded: correct the items listed and send the batch again."), errors=errors)
    return {"items": [_completion(row, False) for row in recorded]}


def _session(session) -> dict:
    return {"id": session.id, "module_code": session.module.code, "module_version": session.module.version,
            "unit_id": session.unit_id, "held_on": session.held_on, "instructor": session.instructor,
            "location": session.location, "notes": session.notes,
            "attendance": [{"person_id": a.person_id, "result": a.result, "score": a.score, "evidence": a.evidence,
                            "completion_id": a.completion_id} for a in session.attendance]}


@blp.route("/classroom-sessions", methods=["POST"])
@idempotent
@blp.arguments(schemas.SessionCreateSchema)
@blp.response(201, schemas.SessionSchema, headers=LOCATION_HEADER)
def record_session(data):
    """Record a classroom session and its attendance: all or nothing

    A pass becomes a classroom completion, as on the session page; when any row is refused nothing is
    recorded, the session included.
    """
    who = actor()
    session = services.create_session(who, module_code=data["module_code"], unit_id=data["unit_id"],
                                      held_on=data["held_on"], instructor=data["instructor"],
                                      location=data["location"], notes=data["notes"])
    services.record_attendance(who, session.id, data["rows"], data["common_evidence"])
    session = services.get_session(who, session.id)
    return _session(session), 201, {"Location": url_for("api_learning.get_session", session_id=session.id)}


@blp.route("/classroom-sessions/<int:session_id>")
@blp.response(200, schemas.SessionSchema)
def get_session(session_id: int):
    """A classroom session with its attendance"""
    return _session(services.get_session(actor(), session_id))


@blp.route("/classroom-sessions/<int:session_id>/attendance", methods=["POST"])
@finds(lambda who, session_id: services.get_session(who, session_id))
@idempotent
@blp.arguments(schemas.AttendanceSchema)
@blp.response(201, schemas.SessionSchema)
def record_attendance(data, session_id: int):
    """Record attendance and results of a session: all rows or none

    Records are never changed: a person already recorded for the session is refused.
    """
    who = actor()
    services.record_attendance(who, session_id, data["rows"], data["common_evidence"])
    return _session(services.get_session(who, session_id))


@blp.route("/assignments")
@blp.response(200, schemas.AssignmentList)
def list_assignments():
    """The module and profile assignments in reach, newest first (at most 200)"""
    return {"items": services.list_assignments(actor())}


@blp.route("/assignments", methods=["POST"])
@idempotent
@blp.arguments(schemas.AssignmentCreateSchema)
@blp.response(201, schemas.AssignmentSchema, headers=LOCATION_HEADER)
def create_assignment(data):
    """Assign a module or a readiness profile to a person or to a unit (and its sub-units)"""
    row = services.assign(actor(), kind=data["kind"], code=data["code"], person_id=data.get("person_id"),
                          unit_id=data.get("unit_id"), due_on=data.get("due_on"))
    endpoint = "api_learning.get_module_assignment" if data["kind"] == "module" else "api_learning.get_profile_assignment"
    return row, 201, {"Location": url_for(endpoint, **{f"{data['kind']}_assignment_id": row.id})}


@blp.route("/module-assignments/<int:module_assignment_id>")
@blp.response(200, schemas.AssignmentSchema, headers=ETAG_HEADER)
def get_module_assignment(module_assignment_id: int):
    """A module assignment, with its ETag"""
    return etagged(schemas.AssignmentSchema().dump(reads.assignment(actor(), "module", module_assignment_id)))


@blp.route("/profile-assignments/<int:profile_assignment_id>")
@blp.response(200, schemas.AssignmentSchema, headers=ETAG_HEADER)
def get_profile_assignment(profile_assignment_id: int):
    """A readiness profile assignment, with its ETag"""
    return etagged(schemas.AssignmentSchema().dump(reads.assignment(actor(), "profile", profile_assignment_id)))


def _withdraw(kind: str, assignment_id: int, reason: str):
    who = actor()
    require_match(schemas.AssignmentSchema().dump(reads.assignment(who, kind, assignment_id)))
    return etagged(schemas.AssignmentSchema().dump(services.withdraw_assignment(who, kind, assignment_id, reason)))


@blp.route("/module-assignments/<int:module_assignment_id>/withdrawal", methods=["POST"])
@finds(lambda who, module_assignment_id: reads.assignment(who, "module", module_assignment_id))
@idempotent
@checks_if_match
@blp.arguments(schemas.WithdrawalSchema)
@blp.response(200, schemas.AssignmentSchema, headers=ETAG_HEADER)
def withdraw_module_assignment(data, module_assignment_id: int):
    """Withdraw a module assignment: it stays on record and no longer applies"""
    return _withdraw("module", module_assignment_id, data["reason"])


@blp.route("/profile-assignments/<int:profile_assignment_id>/withdrawal", methods=["POST"])
@finds(lambda who, profile_assignment_id: reads.assignment(who, "profile", profile_assignment_id))
@idempotent
@checks_if_match
@blp.arguments(schemas.WithdrawalSchema)
@blp.response(200, schemas.AssignmentSchema, headers=ETAG_HEADER)
def withdraw_profile_assignment(data, profile_assignment_id: int):
    """Withdraw a readiness profile assignment: it stays on record and no longer applies"""
    return _withdraw("profile", profile_assignment_id, data["reason"])
