"""Evaluator screens (one per objective), amendments with history, adjudication, the AAR/IP page and PDF,
and the improvement plan tracked across exercises."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.assessments import aar as reports
from trainer.assessments import adjudication, adjudication_sheet, amendments, improvements, overview, recording
from trainer.assessments.access import NotStaff, ReportReadOnly
from trainer.assessments.forms import TypedForm, local_value, new_submission_key
from trainer.assessments.models import ImprovementStatus, ObservationKind
from trainer.db import utcnow
from trainer.enums import Rating
from trainer.errors import Conflict, Invalid
from trainer.forms import apply_errors
from trainer.i18n import marking

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

OBSERVATION_FIELDS = ("target", "observed_at", "kind", "narrative", "rating", "submission_key")
AMEND_FIELDS = {"observation": ("observed_at", "kind", "narrative", "reason", "submission_key"),
                "rating": ("rating", "narrative", "reason", "submission_key")}
ADJUDICATION_FIELDS = ("target", "rating", "rationale", "supersedes_id", "reason", "submission_key")
SUMMARY_FIELDS = ("executive_summary", "version")
ITEM_FIELDS = ("finding", "corrective_action", "objective_id", "owner", "point_of_contact", "due_on", "status",
               "validated_by_adjudication_id", "version")


@bp.errorhandler(NotStaff)
def not_staff(error: NotStaff):
    """Someone who reaches the exercise but evaluates nothing in it is sent to the exercise's page. The
    access checks raise this before a service writes anything, so the request has nothing to undo."""
    flash(error.message, "warning")
    return redirect(url_for("exercises.show", exercise_id=error.exercise_id))


@bp.errorhandler(ReportReadOnly)
def report_read_only(error: ReportReadOnly):
    """Someone who reads the report but does not write it is sent back to it, told who writes it."""
    flash(error.message, "warning")
    return redirect(url_for(".aar", exercise_id=error.exercise_id))


# --- landing --------------------------------------------------------------------------------

@bp.route("/")
def index():
    return render_template("assessments/index.html", mine=overview.list_my_evaluations(current_user),
                           results=overview.list_my_results(current_user),
                           reports=overview.list_reports(current_user))


# --- the evaluator's exercise and objective screens ----------------------------------------

@bp.route("/exercises/<int:exercise_id>")
def exercise(exercise_id: int):
    screen = recording.get_exercise_screen(current_user, exercise_id)
    return render_template("assessments/exercise.html", cap=screen.cap,
                           objectives=screen.objectives)


@bp.route("/exercises/<int:exercise_id>/objectives/<int:objective_id>", methods=["GET", "POST"])
def objective(exercise_id: int, objective_id: int):
    status = 200
    if request.method == "POST":
        form = TypedForm(OBSERVATION_FIELDS, request.form)
        values = form.values
        try:
            recorded = recording.record_observation(
                current_user, exercise_id, objective_id, target=values["target"], observed_at=values["observed_at"],
                kind=values["kind"], narrative=values["narrative"], rating=values["rating"] or None,
                submission_key=values["submission_key"])
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            status = error.status
        else:
            flash(_("Observation saved.") if recorded.created
                  else _("Observation already saved (nothing was duplicated)."), "success")
            return redirect(url_for(".objective", exercise_id=exercise_id, objective_id=objective_id,
                                    target=values["target"], saved=values["submission_key"]))
    screen = recording.get_objective_screen(current_user, exercise_id, objective_id)
    if request.method == "GET":
        form = TypedForm(OBSERVATION_FIELDS, observed_at=local_value(utcnow(), screen.cap.exercise.timezone),
                         kind="strength", submission_key=new_submission_key(), target=request.args.get("target", ""))
    return render_template("assessments/objective.html", cap=screen.cap, objective=screen.objective, audiences=screen.audiences,
                           values=form.values, errors=form.errors, records=screen.records,
                           kinds=list(ObservationKind), ratings=list(Rating),
                           confirmed_keys=screen.confirmed_keys), status


# --- records: history and amendments ------------------------------------------------------

def _initial(kind: str, head, exercise) -> TypedForm:
    if kind == "observation":
        return TypedForm(AMEND_FIELDS[kind], observed_at=local_value(head.observed_at, exercise.timezone),
                         kind=head.kind, narrative=head.narrative, submission_key=new_submission_key())
    return TypedForm(AMEND_FIELDS[kind], rating=head.rating, narrative=head.narrative,
                     submission_key=new_submission_key())


def _amend(kind: str, record_id: int, values: dict):
    if kind == "observation":
        return amendments.amend_observation(
            current_user, record_id, observed_at=values["observed_at"], kind=values["kind"],
            narrative=values["narrative"], reason=values["reason"], submission_key=values["submission_key"])
    return amendments.amend_rating(current_user, record_id, rating=values["rating"], narrative=values["narrative"],
                                   reason=values["reason"], submission_key=values["submission_key"])


def _record_view(kind: str, record_id: int):
    page = amendments.get_record_page(current_user, kind, record_id)
    status, form = 200, None
    if request.method == "POST":
        if not page.can_amend:
            flash(_("This record cannot be amended by you: only its evaluator or an adjudicator may, and only "
                    "while the exercise's record is open."), "warning")
            return redirect(url_for(request.endpoint, **request.view_args))
        form = TypedForm(AMEND_FIELDS[kind], request.form)
        try:
            new = _amend(kind, record_id, form.values)
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            status = error.status
            page = amendments.get_record_page(current_user, kind, record_id)
        else:
            flash(_("Amendment saved. The earlier version stays in the history."), "success")
            return redirect(url_for(request.endpoint, **{f"{kind}_id": new.id}, saved=form.values["submission_key"]))
    form = form or _initial(kind, page.head, page.cap.exercise)
    return render_template(f"assessments/{kind}.html", cap=page.cap, row=page.row,
                           chain=page.chain, head=page.head, can_amend=page.can_amend, values=form.values,
                           errors=form.errors, ratings=list(Rating), kinds=list(ObservationKind),
                           confirmed_keys=page.confirmed_keys), status


@bp.route("/observations/<int:observation_id>", methods=["GET", "POST"])
def observation(observation_id: int):
    return _record_view("observation", observation_id)


@bp.route("/ratings/<int:rating_id>", methods=["GET", "POST"])
def rating(rating_id: int):
    return _record_view("rating", rating_id)


# --- adjudication ---------------------------------------------------------------------------

@bp.route("/exercises/<int:exercise_id>/objectives/<int:objective_id>/adjudication", methods=["GET", "POST"])
def adjudicate(exercise_id: int, objective_id: int):
    status, typed, errors = 200, {}, {}
    shown = request.values.get("show")
    if request.method == "POST":
        form = TypedForm(ADJUDICATION_FIELDS, request.form)
        typed = form.values
        try:
            adjudication.adjudicate(current_user, exercise_id, objective_id, target=typed["target"],
                                    rating=typed["rating"], rationale=typed["rationale"],
                                    supersedes_id=typed["supersedes_id"], reason=typed["reason"],
                                    submission_key=typed["submission_key"])
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            status, errors = error.status, form.errors
        else:
            flash(_("Adjudication saved."), "success")
            return redirect(url_for(".adjudicate", exercise_id=exercise_id, objective_id=objective_id,
                                    show=shown or None, saved=typed["submission_key"]) + f"#adj-{typed['target']}")
    sheet = adjudication_sheet.adjudication_sheet(current_user, exercise_id, objective_id, shown=shown,
                                                  keep=typed.get("target"))
    return render_template("assessments/adjudicate.html", cap=sheet.cap, objective=sheet.objective, rows=sheet.rows,
                           unrated=sheet.unrated, counts=sheet.counts, shown=sheet.shown, ratings=list(Rating),
                           typed=typed, errors=errors, new_key=new_submission_key), status


# --- after-action report --------------------------------------------------------------------

def _aar_page(exercise_id: int, form: TypedForm | None = None, status: int = 200, conflict: bool = False):
    cap, report = reports.get_report(current_user, exercise_id)
    return render_template("assessments/aar.html", cap=cap,
                           report=report, summary_value=form.values["executive_summary"] if form else
                           report.aar.executive_summary, summary_version=report.aar.version,
                           errors=form.errors if form else {}, conflict=conflict, today=utcnow().date()), status


@bp.route("/exercises/<int:exercise_id>/aar", methods=["GET"])
def aar(exercise_id: int):
    return _aar_page(exercise_id)


@bp.route("/exercises/<int:exercise_id>/aar/summary", methods=["POST"])
def aar_summary(exercise_id: int):
    form = TypedForm(SUMMARY_FIELDS, request.form)
    try:
        reports.update_summary(current_user, exercise_id, summary=form.values["executive_summary"],
                               version=form.values["version"])
    except (Invalid, Conflict) as error:
        apply_errors(form, error)
        return _aar_page(exercise_id, form, error.status, conflict=isinstance(error, Conflict))
    flash(_("Executive summary saved."), "success")
    return redirect(url_for(".aar", exercise_id=exercise_id))


@bp.route("/exercises/<int:exercise_id>/aar.pdf")
def aar_pdf(exercise_id: int):
    from trainer.assessments.pdf import render_aar

    cap, report = reports.get_report(current_user, exercise_id)
    document = reports.report_document(report, classification=marking("CLASSIFICATION_MARKING"),
                                       releasability=marking("RELEASABILITY_MARKING"))
    pdf = render_aar(document)
    filename = f"AAR-{cap.exercise.code}.pdf".replace('"', "")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- improvement plan -----------------------------------------------------------------------

def _item_page(page: improvements.ItemForm, form: TypedForm, status: int = 200, conflict: bool = False):
    return render_template("assessments/improvement_form.html", cap=page.cap,
                           item=page.item, values=form.values, errors=form.errors, conflict=conflict,
                           owners=page.owners, statuses=page.statuses, candidates=page.candidates,
                           kept_validation=page.kept_validation,
                           objectives=page.objectives), status


def _item_values(item) -> TypedForm:
    return TypedForm(ITEM_FIELDS, finding=item.finding, corrective_action=item.corrective_action,
                     objective_id=item.objective_id or "",
                     owner=f"u{item.owner_unit_id}" if item.owner_unit_id else f"n{item.owner_nation_code}",
                     point_of_contact=item.point_of_contact, due_on=item.due_on.isoformat(), status=item.status,
                     validated_by_adjudication_id=item.validated_by_adjudication_id or "", version=item.version)


@bp.route("/exercises/<int:exercise_id>/improvements/new", methods=["GET", "POST"])
def improvement_new(exercise_id: int):
    if request.method == "POST":
        form = TypedForm(ITEM_FIELDS, request.form)
        try:
            improvements.create_improvement_item(current_user, exercise_id, form.values)
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            page = improvements.get_new_item_form(current_user, exercise_id,
                                                  typed_objective_id=form.values["objective_id"])
            return _item_page(page, form, error.status, conflict=isinstance(error, Conflict))
        flash(_("Improvement item added."), "success")
        return redirect(url_for(".aar", exercise_id=exercise_id) + "#improvement-plan")
    objective_id = request.args.get("objective_id", "")
    page = improvements.get_new_item_form(current_user, exercise_id, objective_id=objective_id)
    form = TypedForm(ITEM_FIELDS, status="open", objective_id=objective_id,
                     due_on=(utcnow().date() + dt.timedelta(days=90)).isoformat())
    return _item_page(page, form)


@bp.route("/improvements/<int:item_id>", methods=["GET", "POST"])
def improvement(item_id: int):
    if request.method == "POST":
        form = TypedForm(ITEM_FIELDS, request.form)
        try:
            improvements.update_improvement_item(current_user, item_id, form.values, version=form.values["version"])
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            page = improvements.get_item_form(current_user, item_id, typed_objective_id=form.values["objective_id"])
            return _item_page(page, form, error.status, conflict=isinstance(error, Conflict))
        flash(_("Improvement item saved."), "success")
        return redirect(url_for(".improvement", item_id=item_id))
    page = improvements.get_item_form(current_user, item_id)
    return _item_page(page, _item_values(page.item))


@bp.route("/improvements", endpoint="improvements")
def improvement_plan():
    status = request.args.get("status") or None
    overdue = request.args.get("overdue") == "1"
    page = improvements.page_of_improvement_items(current_user, status=status, overdue_only=overdue,
                                                  page=request.args.get("page", 1, type=int))
    return render_template("assessments/improvements.html", page=page,
                           statuses=list(ImprovementStatus), status=status, overdue=overdue, today=utcnow().date())
