"""Exercises (cursor pages), one exercise with its objectives and the participants the token may see, and
nominations with the lead nation's decision and withdrawal: the exercises domain's services, as the pages
use them. The MSEL is never given."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from trainer.api import reads
from trainer.api.http import actor, checks_if_match, etagged, finds, idempotent, page_response, require_match
from trainer.api.schemas import exercises as schemas
from trainer.exercises import participants, services

blp = Blueprint("api_exercises", __name__, url_prefix="/api/v1", description="Exercises and nominations.")

ETAG_HEADER = {"ETag": {"schema": {"type": "string"}}}


def _exercise(ex) -> dict:
    return {"id": ex.id, "code": ex.code, "title": ex.title, "type": ex.type, "military_name": ex.military_name,
            "status": ex.status, "lead_nation_code": ex.lead_nation_code,
            "nation_codes": ex.nation_codes or [ex.lead_nation_code], "location_name": ex.location_name,
            "timezone": ex.timezone, "start_at": ex.start_at, "end_at": ex.end_at,
            "prerequisite_modules": ex.prerequisite_codes}


def _participant(participant, with_record: bool) -> dict:
    person = participant.person
    return {"id": participant.id, "nation_code": participant.nation_code, "rank_code": person.rank_code,
            "name": person.full_name_latin, "person_id": person.id if with_record else None,
            "unit_id": participant.unit_id, "role": participant.role, "status": participant.status,
            "nominated_at": participant.nominated_at, "decided_at": participant.decided_at}


def _visible(who, ex) -> list[dict]:
    return [_participant(p, with_record) for p, with_record in participants.visible_participants(who, ex)]


@blp.route("/exercises")
@blp.arguments(schemas.ExercisesArgs, location="query")
@blp.response(200, schemas.ExercisePage, headers={"Link": {"schema": {"type": "string"}}})
def list_exercises(args):
    """The exercises in reach, by start: cursor pages"""
    rows, next_cursor = reads.exercises_after(actor(), {"nation": args.get("nation"), "type_": args.get("type"),
                                                        "status": args.get("status")},
                                              cursor=args.get("cursor"), limit=args["limit"])
    return page_response(schemas.ExerciseSchema(many=True).dump([_exercise(ex) for ex in rows]), next_cursor)


@blp.route("/exercises/<int:exercise_id>")
@blp.response(200, schemas.ExerciseDetailSchema)
def get_exercise(exercise_id: int):
    """An exercise with its objectives and the participants the token may see (never its MSEL)"""
    who = actor()
    ex = services.get_exercise(who, exercise_id)
    return {**_exercise(ex), "scenario_summary": ex.scenario_summary, "objectives": ex.objectives,
            "participants": _visible(who, ex)}


@blp.route("/exercises/<int:exercise_id>/participants")
@blp.response(200, schemas.ParticipantList)
def list_participants(exercise_id: int):
    """The participants of an exercise the token may see"""
    who = actor()
    return {"items": _visible(who, services.get_exercise(who, exercise_id))}


@blp.route("/exercises/<int:exercise_id>/nominations", methods=["POST"])
@finds(lambda who, exercise_id: services.get_exercise(who, exercise_id))
@idempotent
@blp.arguments(schemas.NominationSchema)
@blp.response(201, schemas.ParticipantSchema, headers={"Location": {"schema": {"type": "string"}}})
def nominate(data, exercise_id: int):
    """Nominate a person of one's own nation for a part in the exercise

    As on the nomination page: the nation must take part, the person be in the token's personnel scope and
    active, and nominations open.
    """
    who = actor()
    ex = services.get_exercise(who, exercise_id)
    participant = participants.nominate_participant(who, ex, person_id=data["person_id"], role=data["role"])
    location = url_for("api_exercises.get_participant", exercise_id=ex.id, participant_id=participant.id)
    return _participant(participant, True), 201, {"Location": location}


def _one(who, exercise_id: int, participant_id: int) -> dict:
    ex = services.get_exercise(who, exercise_id)
    rows = {p.id: _participant(p, with_record) for p, with_record in participants.visible_participants(who, ex)}
    return reads.visible(rows, participant_id)


@blp.route("/exercises/<int:exercise_id>/participants/<int:participant_id>")
@blp.response(200, schemas.ParticipantSchema, headers=ETAG_HEADER)
def get_participant(exercise_id: int, participant_id: int):
    """One participant (a nomination), with its ETag"""
    return etagged(schemas.ParticipantSchema().dump(_one(actor(), exercise_id, participant_id)))


@blp.route("/exercises/<int:exercise_id>/participants/<int:participant_id>/decision", methods=["POST"])
@finds(lambda who, exercise_id, participant_id: _one(who, exercise_id, participant_id))
@idempotent
@checks_if_match
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.ParticipantSchema, headers=ETAG_HEADER)
def decide_participant(data, exercise_id: int, participant_id: int):
    """The lead nation confirms or declines a nomination (a double booking blocks confirmation)"""
    who = actor()
    require_match(schemas.ParticipantSchema().dump(_one(who, exercise_id, participant_id)))
    participants.decide_participant(who, services.get_exercise(who, exercise_id), participant_id, data["decision"])
    return etagged(schemas.ParticipantSchema().dump(_one(who, exercise_id, participant_id)))


@blp.route("/exercises/<int:exercise_id>/participants/<int:participant_id>/withdrawal", methods=["POST"])
@finds(lambda who, exercise_id, participant_id: _one(who, exercise_id, participant_id))
@idempotent
@checks_if_match
@blp.response(200, schemas.ParticipantSchema, headers=ETAG_HEADER)
def withdraw_participant(exercise_id: int, participant_id: int):
    """Withdraw a participant: the lead nation anyone, a nation its own"""
    who = actor()
    require_match(schemas.ParticipantSchema().dump(_one(who, exercise_id, participant_id)))
    participants.withdraw_participant(who, services.get_exercise(who, exercise_id), participant_id)
    return etagged(schemas.ParticipantSchema().dump(_one(who, exercise_id, participant_id)))
