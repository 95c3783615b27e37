"""Evaluator screens (one per objective), amendments with history, adjudication, the AAR/IP page and PDF,
and the improvement plan tracked across exercises."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from trainer.auth.policy import has_ability, parts_with
from trainer.assessments import aar as aar_services
from trainer.assessments import services
from trainer.assessments.access import (
    CONFIRMED, PUBLISHED_STATUSES, NotStaff, assigned_objectives,
    audiences_for, capacity_for, get_objective, require_evaluator,
)
from trainer.assessments.forms import error_map, form_values, local_value, new_submission_key, parse_local
from trainer.assessments.models import ImprovementStatus, Observation, ObservationKind, RatingRecord
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.enums import Rating
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.exercises.models import Exercise, Participant, ParticipantRole
from trainer.extensions import db

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

OBSERVATION_FIELDS = ("target", "observed_at", "kind", "narrative", "rating", "submission_key")


def _failed(error: DomainError):
    """Status and message for a refused form: the form is shown again with what was typed."""
    db.session.rollback()
    return error.status, error.message, error_map(error.errors)


@bp.errorhandler(NotStaff)
def not_staff(error: NotStaff):
    """Someone who reaches the exercise but evaluates nothing in it is sent to the exercise's page."""
    db.session.rollback()
    flash(error.message, "warning")
    return redirect(url_for("exercises.show", exercise_id=error.exercise_id))


# --- landing --------------------------------------------------------------------------------

@bp.route("/")
def index():
    mine = []
    if current_user.person_id:
        mine = db.session.execute(
            select(Participant, Exercise).join(Exercise, Exercise.id == Participant.exercise_id).where(
                Participant.person_id == current_user.person_id, Participant.status == CONFIRMED,
                Participant.role.in_(parts_with("exercise.evaluate") + parts_with("exercise.adjudicate")),
                Exercise.status.notin_(("draft", "cancelled")))
            .order_by(Exercise.start_at.desc())).all()
    results = []
    if current_user.person_id:
        results = db.session.execute(
            select(Exercise).join(Participant, Participant.exercise_id == Exercise.id).where(
                Participant.person_id == current_user.person_id, Participant.status == CONFIRMED,
                Participant.role == ParticipantRole.PLAYER.value, Exercise.status.in_(PUBLISHED_STATUSES))
            .order_by(Exercise.end_at.desc())).scalars().all()
    reports = []
    if has_ability(current_user, "assessment.manage"):
        reports = db.session.execute(
            select(Exercise).where(scoping.scope_condition(current_user, "exercise", "assessment.manage"),
                                   Exercise.status.in_(("in_conduct", "endex", "aar_draft") + PUBLISHED_STATUSES))
            .order_by(Exercise.end_at.desc()).limit(100)).scalars().all()
    return render_template("assessments/index.html", title="Assessments", mine=mine, results=results, reports=reports)


# --- the evaluator's exercise and objective screens ----------------------------------------

@bp.route("/exercises/<int:exercise_id>")
def exercise(exercise_id: int):
    cap = capacity_for(current_user, exercise_id)
    require_evaluator(cap)
    objectives = [(o, audiences_for(cap, o)) for o in assigned_objectives(cap)]
    return render_template("assessments/exercise.html", title=cap.exercise.code, cap=cap, objectives=objectives)


@bp.route("/exercises/<int:exercise_id>/objectives/<int:objective_id>", methods=["GET", "POST"])
def objective(exercise_id: int, objective_id: int):
    cap = capacity_for(current_user, exercise_id)
    require_evaluator(cap)
    obj = get_objective(cap.exercise, objective_id)
    if obj.id not in {o.id for o in assigned_objectives(cap)}:
        raise NotFound()
    status, message, errors = 200, None, {}
    values = {"observed_at": local_value(utcnow(), cap.exercise.timezone), "kind": "strength",
              "submission_key": new_submission_key(), "target": request.args.get("target", "")}
    if request.method == "POST":
        values = form_values(request.form, OBSERVATION_FIELDS)
        try:
            recorded = services.record_observation(
                current_user, exercise_id, objective_id, target=values["target"],
                observed_at=parse_local(values["observed_at"], cap.exercise.timezone), kind=values["kind"],
                narrative=values["narrative"], rating=values["rating"] or None, submission_key=values["submission_key"])
            db.session.commit()
            flash("Observation saved." if recorded.created else "Observation already saved (nothing was duplicated).",
                  "success")
            return redirect(url_for(".objective", exercise_id=exercise_id, objective_id=objective_id,
                                    target=values["target"], saved=values["submission_key"]))
        except (Invalid, Conflict) as error:
            status, message, errors = _failed(error)
            cap = capacity_for(current_user, exercise_id)
    records = services.list_my_records(cap, obj)
    return render_template("assessments/objective.html", title=f"Objective {obj.number}", cap=cap, objective=obj,
                           audiences=audiences_for(cap, obj), values=values, errors=errors, message=message,
                           records=records, kinds=list(ObservationKind), ratings=list(Rating),
                           confirmed_keys=services.recent_submission_keys(cap)), status


# --- records: history and amendments ------------------------------------------------------

def _record_view(model, record_id, template, amend):
    cap, row = services.get_record(current_user, model, record_id)
    chain = services.history(model, row)
    head = chain[-1]
    can_amend = cap.recording_open and (cap.adjudicator or (cap.me is not None and head.evaluator_id == cap.me.id))
    status, message, errors = 200, None, {}
    values = None
    if request.method == "POST":
        if not can_amend:
            flash("This record cannot be amended by you: only its evaluator or an adjudicator may, and only "
                  "while the exercise's record is open.", "warning")
            return redirect(url_for(request.endpoint, **request.view_args))
        values = request.form.to_dict()
        try:
            new = amend(cap, row, values)
            db.session.commit()
            flash("Amendment saved. The earlier version stays in the history.", "success")
            return redirect(url_for(request.endpoint, **{f"{model.__tablename__[:-1]}_id": new.id},
                                    saved=values.get("submission_key")))
        except (Invalid, Conflict) as error:
            status, message, errors = _failed(error)
            cap, row = services.get_record(current_user, model, record_id)
            chain = services.history(model, row)
            head = chain[-1]
    if values is None:
        values = _initial(model, head, cap)
    return render_template(template, title="Record history", cap=cap, row=row, chain=chain, head=head,
                           can_amend=can_amend, values=values,
                           errors=errors, message=message, ratings=list(Rating), kinds=list(ObservationKind),
                           confirmed_keys=services.recent_submission_keys(cap)), status


def _initial(model, head, cap) -> dict:
    if model is Observation:
        return {"observed_at": local_value(head.observed_at, cap.exercise.timezone), "kind": head.kind,
                "narrative": head.narrative, "reason": "", "submission_key": new_submission_key()}
    return {"rating": head.rating, "narrative": head.narrative, "reason": "", "submission_key": new_submission_key()}


@bp.route("/observations/<int:observation_id>", methods=["GET", "POST"])
def observation(observation_id: int):
    def amend(cap, row, values):
        return services.amend_observation(
            current_user, row.id, observed_at=parse_local(values.get("observed_at"), cap.exercise.timezone),
            kind=values.get("kind"), narrative=values.get("narrative"), reason=values.get("reason"),
            submission_key=values.get("submission_key"))
    return _record_view(Observation, observation_id, "assessments/observation.html", amend)


@bp.route("/ratings/<int:rating_id>", methods=["GET", "POST"])
def rating(rating_id: int):
    def amend(cap, row, values):
        return services.amend_rating(current_user, row.id, rating=values.get("rating"),
                                     narrative=values.get("narrative"), reason=values.get("reason"),
                                     submission_key=values.get("submission_key"))
    return _record_view(RatingRecord, rating_id, "assessments/rating.html", amend)


# --- adjudication ---------------------------------------------------------------------------

@bp.route("/exercises/<int:exercise_id>/objectives/<int:objective_id>/adjudication", methods=["GET", "POST"])
def adjudicate(exercise_id: int, objective_id: int):
    status, message, errors, typed = 200, None, {}, {}
    if request.method == "POST":
        typed = request.form.to_dict()
        try:
            services.adjudicate(current_user, exercise_id, objective_id, target=typed.get("target"),
                                rating=typed.get("rating"), rationale=typed.get("rationale"),
                                supersedes_id=typed.get("supersedes_id"), reason=typed.get("reason"),
                                submission_key=typed.get("submission_key"))
            db.session.commit()
            flash("Adjudication saved.", "success")
            return redirect(url_for(".adjudicate", exercise_id=exercise_id, objective_id=objective_id,
                                    saved=typed.get("submission_key")) + f"#adj-{typed.get('target')}")
        except (Invalid, Conflict) as error:
            status, message, errors = _failed(error)
    cap, obj, rows = services.adjudication_sheet(current_user, exercise_id, objective_id)
    return render_template("assessments/adjudicate.html", title=f"Adjudicate objective {obj.number}", cap=cap,
                           objective=obj, rows=rows, ratings=list(Rating), typed=typed, errors=errors,
                           message=message, new_key=new_submission_key), status


# --- after-action report --------------------------------------------------------------------

@bp.route("/exercises/<int:exercise_id>/aar", methods=["GET"])
def aar(exercise_id: int):
    cap, report = aar_services.get_report(current_user, exercise_id)
    return render_template("assessments/aar.html", title=f"After-action report {cap.exercise.code}", cap=cap,
                           report=report, summary_value=report.aar.executive_summary,
                           summary_version=report.aar.version, message=None, errors={},
                           today=utcnow().date())


@bp.route("/exercises/<int:exercise_id>/aar/summary", methods=["POST"])
def aar_summary(exercise_id: int):
    try:
        aar_services.update_summary(current_user, exercise_id, summary=request.form.get("executive_summary"),
                                    version=request.form.get("version"))
        db.session.commit()
        flash("Executive summary saved.", "success")
        return redirect(url_for(".aar", exercise_id=exercise_id))
    except (Invalid, Conflict) as error:
        status, message, errors = _failed(error)
    cap, report = aar_services.get_report(current_user, exercise_id)
    return render_template("assessments/aar.html", title=f"After-action report {cap.exercise.code}", cap=cap,
                           report=report, summary_value=request.form.get("executive_summary", ""),
                           summary_version=report.aar.version, message=message, errors=errors,
                           today=utcnow().date()), status


@bp.route("/exercises/<int:exercise_id>/aar.pdf")
def aar_pdf(exercise_id: int):
    from trainer.assessments.pdf import render_aar

    cap, report = aar_services.get_report(current_user, exercise_id)
    document = aar_services.report_document(report, classification=current_app.config["CLASSIFICATION_MARKING"],
                                            releasability=current_app.config["RELEASABILITY_MARKING"])
    pdf = render_aar(document)
    filename = f"AAR-{cap.exercise.code}.pdf".replace('"', "")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- improvement plan -----------------------------------------------------------------------

ITEM_FIELDS = ("finding", "corrective_action", "objective_id", "owner", "point_of_contact", "due_on", "status",
               "validated_by_adjudication_id", "version")


def _item_page(cap, item, values, status=200, message=None, errors=None):
    objective_id = values.get("objective_id") or (item.objective_id if item else None)
    try:
        candidates = aar_services.validation_candidates(cap.exercise, int(objective_id)) if objective_id else []
    except (TypeError, ValueError):
        candidates = []
    return render_template("assessments/improvement_form.html", title="Improvement item", cap=cap, item=item,
                           values=values, errors=errors or {}, message=message,
                           owners=aar_services.owner_choices(cap.exercise), statuses=list(ImprovementStatus),
                           candidates=candidates, objectives=cap.exercise.objectives), status


@bp.route("/exercises/<int:exercise_id>/improvements/new", methods=["GET", "POST"])
def improvement_new(exercise_id: int):
    cap = capacity_for(current_user, exercise_id)
    if not cap.can_see_report or not cap.can_edit_report:
        raise NotFound()
    values = {"status": "open", "objective_id": request.args.get("objective_id", ""),
              "due_on": (utcnow().date() + dt.timedelta(days=90)).isoformat()}
    if request.method == "POST":
        values = form_values(request.form, ITEM_FIELDS)
        try:
            aar_services.create_improvement_item(current_user, exercise_id, values)
            db.session.commit()
            flash("Improvement item added.", "success")
            return redirect(url_for(".aar", exercise_id=exercise_id) + "#improvement-plan")
        except (Invalid, Conflict) as error:
            status, message, errors = _failed(error)
            return _item_page(capacity_for(current_user, exercise_id), None, values, status, message, errors)
    return _item_page(cap, None, values)


@bp.route("/improvements/<int:item_id>", methods=["GET", "POST"])
def improvement(item_id: int):
    cap, item = aar_services.get_improvement_item(current_user, item_id)
    if request.method == "POST":
        values = form_values(request.form, ITEM_FIELDS)
        try:
            aar_services.update_improvement_item(current_user, item_id, values, version=values.get("version"))
            db.session.commit()
            flash("Improvement item saved.", "success")
            return redirect(url_for(".improvement", item_id=item_id))
        except (Invalid, Conflict) as error:
            status, message, errors = _failed(error)
            cap, item = aar_services.get_improvement_item(current_user, item_id)
            return _item_page(cap, item, values, status, message, errors)
    values = {"finding": item.finding, "corrective_action": item.corrective_action,
              "objective_id": item.objective_id or "", "owner": f"u{item.owner_unit_id}" if item.owner_unit_id
              else f"n{item.owner_nation_code}", "point_of_contact": item.point_of_contact,
              "due_on": item.due_on.isoformat(), "status": item.status,
              "validated_by_adjudication_id": item.validated_by_adjudication_id or "", "version": item.version}
    return _item_page(cap, item, values)


@bp.route("/improvements")
def improvements():
    status = request.args.get("status") or None
    overdue = request.args.get("overdue") == "1"
    page = db.paginate(aar_services.list_improvement_items(current_user, status=status, overdue_only=overdue),
                       per_page=50, error_out=False)
    return render_template("assessments/improvements.html", title="Improvement plan", page=page,
                           statuses=list(ImprovementStatus), status=status, overdue=overdue, today=utcnow().date())
