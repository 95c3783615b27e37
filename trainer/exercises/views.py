"""Exercise pages: calendar (list and month), the exercise record, participants, objectives,
milestones, conflicts, the MSEL and iCalendar files."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from trainer.auth.models import User
from trainer.db import utcnow
from trainer.enums import ExerciseType
from trainer.errors import DomainError
from trainer.exercises import access, conflicts as conflict_service, msel, services, workflow
from trainer.exercises.calendar import build_ics, month_bounds, month_grid
from trainer.exercises.forms import (
    AssignmentForm, ExerciseForm, ImportForm, InjectForm, MilestonesForm, NominateForm, ObjectiveForm,
)
from trainer.exercises.models import ExerciseStatus, MilestoneKind
from trainer.exercises.timeutil import format_local_input, offset_label, utc_to_local
from trainer.extensions import db
from trainer.org.models import Nation, Unit

bp = Blueprint("exercises", __name__, url_prefix="/exercises")


@bp.app_template_filter("utc_offset")
def _utc_offset(value: dt.datetime, zone: str) -> str:
    return offset_label(utc_to_local(value, zone).utcoffset())


def _apply_errors(form, error: DomainError) -> None:
    unplaced = []
    for field, message in error.errors:
        target = getattr(form, field, None) if form is not None else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [message]
        else:
            unplaced.append(f"{field}: {message}" if field else message)
    flash(error.message + (" " + " ".join(unplaced) if unplaced else ""), "danger")


def _page(ex, template: str, **context):
    return render_template(template, ex=ex, msel_allowed=access.can_see_msel(current_user, ex),
                           planner=access.is_planner(current_user, ex), **context)


# --- calendar -------------------------------------------------------------------------------

@bp.route("/")
def index():
    viewer_zone = current_user.timezone or "UTC"
    nation = (request.args.get("nation") or "").upper() or None
    type_ = request.args.get("type") or None
    status = request.args.get("status") or None
    if type_ not in {t.value for t in ExerciseType}:
        type_ = None
    if status not in {s.value for s in ExerciseStatus}:
        status = None
    view = "month" if request.args.get("view") == "month" else "list"
    nations = db.session.scalars(select(Nation).where(Nation.active.is_(True)).order_by(Nation.code)).all()
    filters = {"nation": nation, "type": type_, "status": status}
    if view == "month":
        today = utc_to_local(utcnow(), viewer_zone).date()
        try:
            year, month = (int(x) for x in (request.args.get("month") or "").split("-"))
            dt.date(year, month, 1)
        except ValueError:
            year, month = today.year, today.month
        start, end = month_bounds(year, month, viewer_zone)
        exercises = db.session.scalars(services.list_exercises(current_user, nation=nation, type_=type_, status=status,
                                                               start=start, end=end)).all()
        first = dt.date(year, month, 1)
        prev_month = (first - dt.timedelta(days=1)).strftime("%Y-%m")
        next_month = (first + dt.timedelta(days=32)).strftime("%Y-%m")
        return render_template("exercises/index.html", view=view, weeks=month_grid(year, month, exercises, viewer_zone),
                               month_label=first.strftime("%B %Y"), prev_month=prev_month, next_month=next_month,
                               today=today, nations=nations, filters=filters, types=list(ExerciseType),
                               statuses=list(ExerciseStatus), viewer_zone=viewer_zone, when=None)
    when = request.args.get("when") if request.args.get("when") in ("upcoming", "past", "all") else "upcoming"
    now = utcnow()
    query = services.list_exercises(current_user, nation=nation, type_=type_, status=status,
                                    start=now if when == "upcoming" else None)
    if when == "past":
        from trainer.exercises.models import Exercise

        query = query.where(Exercise.end_at <= now).order_by(None).order_by(Exercise.start_at.desc())
    page = db.paginate(query, per_page=25, error_out=False)
    return render_template("exercises/index.html", view=view, page=page, nations=nations, filters=filters,
                           types=list(ExerciseType), statuses=list(ExerciseStatus), viewer_zone=viewer_zone, when=when)


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if 20 <= len(token) <= 64 else None
    if user is None or user.disabled:
        abort(404)
    exercises = db.session.scalars(services.list_exercises(user).limit(1000)).all()
    body = build_ics(exercises, name=f"Exercises — {user.display_name}", base_url=current_app.config["PUBLIC_URL"])
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="exercises.ics"',
                                                             "Cache-Control": "private, max-age=300"})


@bp.route("/calendar/regenerate", methods=["POST"])
def feed_regenerate():
    import secrets

    from trainer.audit.services import record_event

    user = db.session.get(User, current_user.id)
    user.calendar_token = secrets.token_urlsafe(32)
    record_event(user, "calendar.token.regenerate", user)
    db.session.commit()
    flash("A new calendar address was made. The old one no longer works: subscribe again with the new one.", "success")
    return redirect(url_for("exercises.index"))


# --- the exercise record --------------------------------------------------------------------

def _form_choices(form: ExerciseForm) -> None:
    nations = db.session.scalars(select(Nation).where(Nation.active.is_(True)).order_by(Nation.code)).all()
    units = db.session.scalars(select(Unit).where(Unit.kind.in_(("contingent", "battalion", "formed_police_unit", "company",
                                                                 "staff", "training_centre")))
                               .order_by(Unit.nation_code, Unit.path).limit(3000)).all()
    form.set_choices(nations, units)


def _exercise_values(form: ExerciseForm) -> dict:
    return {"code": form.code.data, "title": form.title.data, "type": form.type.data,
            "military_name": form.military_name.data, "scenario_summary": form.scenario_summary.data,
            "lead_nation_code": form.lead_nation_code.data, "nation_codes": form.nation_codes.data or [],
            "unit_ids": form.unit_ids.data or [], "location_name": form.location_name.data,
            "timezone": form.timezone.data, "start_local": form.start_local.data, "end_local": form.end_local.data,
            "fold": form.fold.data, "prerequisite_modules": form.prerequisite_modules.data}


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ExerciseForm()
    _form_choices(form)
    if request.method == "GET":
        nations = access.nation_codes_of(current_user, access.Role.TRAINING_OFFICER)
        if len(nations) == 1:
            form.lead_nation_code.data = next(iter(nations))
            form.nation_codes.data = [form.lead_nation_code.data]
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            ex = services.create_exercise(current_user, _exercise_values(form))
        except DomainError as exc:
            db.session.rollback()
            _apply_errors(form, exc)
            return render_template("exercises/edit.html", form=form, ex=None), exc.status
        db.session.commit()
        flash(f"Exercise {ex.code} created as a draft.", "success")
        return redirect(url_for("exercises.show", exercise_id=ex.id))
    return render_template("exercises/edit.html", form=form, ex=None)


@bp.route("/<int:exercise_id>")
def show(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    kinds = access.actor_kinds(current_user, ex)
    report = conflict_service.count_conflicts(ex)
    return _page(ex, "exercises/show.html", transitions=workflow.available(ex.status, kinds), report=report,
                 counts=services.count_visible_participants(current_user, ex),
                 mine=access.own_participation(current_user, ex))


@bp.route("/<int:exercise_id>/edit", methods=["GET", "POST"])
def edit(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    services.require_planner(current_user, ex, "change this exercise")
    form = ExerciseForm(obj=ex) if request.method == "GET" else ExerciseForm()
    _form_choices(form)
    if request.method == "GET":
        form.nation_codes.data = ex.nation_codes
        form.unit_ids.data = [str(u.unit_id) for u in ex.units]
        form.start_local.data = format_local_input(ex.start_at, ex.timezone)
        form.end_local.data = format_local_input(ex.end_at, ex.timezone)
        form.prerequisite_modules.data = ", ".join(ex.prerequisite_codes)
        form.military_name.data = ex.military_name or ""
        form.version.data = str(ex.version)
    if form.validate_on_submit():
        try:
            services.update_exercise(current_user, ex, _exercise_values(form), expected_version=form.version.data)
        except DomainError as exc:
            db.session.rollback()
            ex = services.get_exercise(current_user, exercise_id)
            _apply_errors(form, exc)
            return _page(ex, "exercises/edit.html", form=form), exc.status
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("exercises.show", exercise_id=ex.id))
    return _page(ex, "exercises/edit.html", form=form)


@bp.route("/<int:exercise_id>/status", methods=["POST"])
def transition(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    target = request.form.get("target", "")
    services.transition_exercise(current_user, ex, target, expected_version=request.form.get("version"))
    db.session.commit()
    flash(f"{ex.code} is now {ex.status_enum.label}.", "success")
    return redirect(url_for("exercises.show", exercise_id=ex.id))


# --- participants ---------------------------------------------------------------------------

@bp.route("/<int:exercise_id>/participants")
def participants(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    rows = services.visible_participants(current_user, ex)
    report = conflict_service.exercise_conflicts(current_user, ex)
    by_nation: dict[str, list] = {}
    for p, detail in rows:
        by_nation.setdefault(p.nation_code, []).append((p, detail))
    planner = access.is_planner(current_user, ex)
    assignment_form = None
    assignments = services.list_assignments(ex) if rows else []
    if planner:
        assignment_form = AssignmentForm()
        active = [p for p, _ in rows if p.status in ("nominated", "confirmed")]
        assignment_form.evaluator_id.choices = [(str(p.id), f"{p.person.full_name_latin} ({p.nation_code}, {p.role_enum.label})")
                                                for p in active if p.role in ("evaluator", "lead_evaluator")]
        assignment_form.objective_id.choices = [(str(o.id), f"{o.number}. {o.description[:60]}") for o in ex.objectives]
        assignment_form.target_participant_id.choices = [("", "— all players —")] + [
            (str(p.id), f"{p.person.full_name_latin} ({p.nation_code})") for p in active if p.role == "player"]
        assignment_form.target_unit_id.choices = [("", "— none —")] + [
            (str(u.unit_id), f"{u.unit.code} ({u.unit.nation_code})") for u in ex.units]
    return _page(ex, "exercises/participants.html", by_nation=by_nation, report=report,
                 nominating=access.nominating_nations(current_user, ex), assignment_form=assignment_form,
                 assignments=assignments, can_withdraw=lambda p: planner or p.nation_code in access.nominating_nations(current_user, ex))


@bp.route("/<int:exercise_id>/nominate", methods=["GET", "POST"])
def nominate(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = NominateForm()
    q = request.args.get("q", "")
    people = services.nominable_people(current_user, ex, q)
    form.person_id.choices = [("", "— choose a person —")] + [(str(p.id), f"{p.rank_code} {p.full_name_latin} — {p.service_number} ({p.nation_code}, {p.unit.code})")
                              for p in people]
    if request.method == "POST":
        try:
            person_id = request.form.get("person_id")
            if not person_id:
                from trainer.errors import Invalid

                raise Invalid("Choose the person to nominate.", errors=[("person_id", "Choose a person.")])
            participant = services.nominate_participant(current_user, ex, person_id=person_id, role=request.form.get("role", ""))
        except DomainError as exc:
            db.session.rollback()
            if exc.status in (403, 404):
                raise
            ex = services.get_exercise(current_user, exercise_id)
            _apply_errors(form, exc)
            return _page(ex, "exercises/nominate.html", form=form, q=q, people=people), exc.status
        db.session.commit()
        flash(f"{participant.person.full_name_latin} nominated as {participant.role_enum.label.lower()}.", "success")
        return redirect(url_for("exercises.nominate", exercise_id=ex.id, q=q))
    return _page(ex, "exercises/nominate.html", form=form, q=q, people=people)


@bp.route("/<int:exercise_id>/participants/<int:participant_id>/decide", methods=["POST"])
def participant_decide(exercise_id: int, participant_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    participant = services.decide_participant(current_user, ex, participant_id, request.form.get("decision", ""))
    db.session.commit()
    flash(f"{participant.person.full_name_latin}: {participant.status_enum.label.lower()}.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/participants/<int:participant_id>/withdraw", methods=["POST"])
def participant_withdraw(exercise_id: int, participant_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    participant = services.withdraw_participant(current_user, ex, participant_id)
    db.session.commit()
    flash(f"{participant.person.full_name_latin} withdrawn.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/assignments", methods=["POST"])
def assignment_add(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    try:
        services.assign_evaluator(current_user, ex, evaluator_id=request.form.get("evaluator_id"),
                                  objective_id=request.form.get("objective_id"),
                                  target_participant_id=request.form.get("target_participant_id") or None,
                                  target_unit_id=request.form.get("target_unit_id") or None)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        _apply_errors(None, exc)
        return redirect(url_for("exercises.participants", exercise_id=exercise_id) + "#evaluators")
    db.session.commit()
    flash("Evaluator assigned.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id) + "#evaluators")


@bp.route("/<int:exercise_id>/assignments/<int:assignment_id>/remove", methods=["POST"])
def assignment_remove(exercise_id: int, assignment_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    services.remove_assignment(current_user, ex, assignment_id)
    db.session.commit()
    flash("Assignment removed.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id) + "#evaluators")


# --- objectives and milestones --------------------------------------------------------------

@bp.route("/<int:exercise_id>/objectives")
def objectives(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    return _page(ex, "exercises/objectives.html", form=ObjectiveForm())


@bp.route("/<int:exercise_id>/objectives", methods=["POST"])
def objective_add(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = ObjectiveForm()
    try:
        services.add_objective(current_user, ex, description=form.description.data or "",
                               capability=form.capability.data or "", module_code=form.module_code.data)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        ex = services.get_exercise(current_user, exercise_id)
        _apply_errors(form, exc)
        return _page(ex, "exercises/objectives.html", form=form), exc.status
    db.session.commit()
    flash("Objective added.", "success")
    return redirect(url_for("exercises.objectives", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/objectives/<int:objective_id>/remove", methods=["POST"])
def objective_remove(exercise_id: int, objective_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    services.remove_objective(current_user, ex, objective_id)
    db.session.commit()
    flash("Objective removed.", "success")
    return redirect(url_for("exercises.objectives", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/milestones")
def milestones(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = MilestonesForm()
    for m in ex.milestones:
        getattr(form, m.kind).data = m.due_on
    return _page(ex, "exercises/milestones.html", form=form, kinds=list(MilestoneKind))


@bp.app_template_global("milestone_state")
def _milestone_state(milestone, ex) -> str:
    """held, overdue (its date has passed in the exercise's zone and it is not marked held) or scheduled."""
    if milestone.done:
        return "held"
    today_local = utc_to_local(dt.datetime.now(dt.timezone.utc), ex.timezone).date()
    return "overdue" if milestone.due_on < today_local else "scheduled"


@bp.route("/<int:exercise_id>/milestones", methods=["POST"])
def milestones_save(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = MilestonesForm()
    form.validate()
    dates = {kind.value: getattr(form, kind.value).data for kind in MilestoneKind}
    bad = [kind.label for kind in MilestoneKind if getattr(form, kind.value).errors]
    try:
        if bad:
            from trainer.errors import Invalid

            raise Invalid("Not a date: " + ", ".join(bad) + ".")
        services.set_milestones(current_user, ex, dates)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        ex = services.get_exercise(current_user, exercise_id)
        _apply_errors(form, exc)
        return _page(ex, "exercises/milestones.html", form=form, kinds=list(MilestoneKind)), exc.status
    db.session.commit()
    flash("Planning milestones saved.", "success")
    return redirect(url_for("exercises.milestones", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/milestones/held", methods=["POST"])
def milestone_held(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    try:
        row = services.mark_milestone(current_user, ex, request.form.get("kind", ""), request.form.get("done", ""))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("exercises.milestones", exercise_id=exercise_id))
    db.session.commit()
    flash(f"{row.kind_enum.label}: " + ("marked as held." if row.done else "marked as not held."), "success")
    return redirect(url_for("exercises.milestones", exercise_id=exercise_id))


@bp.route("/<int:exercise_id>/conflicts")
def conflicts(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    return _page(ex, "exercises/conflicts.html", report=conflict_service.exercise_conflicts(current_user, ex))


# --- MSEL -----------------------------------------------------------------------------------

def _marking() -> str:
    return msel.marking_line(current_app.config.get("CLASSIFICATION_MARKING", ""),
                             current_app.config.get("RELEASABILITY_MARKING", ""))


@bp.route("/<int:exercise_id>/msel")
def msel_list(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    injects = msel.list_injects(current_user, ex)
    return _page(ex, "exercises/msel.html", injects=injects, marking=_marking(),
                 can_edit=access.can_edit_msel(current_user, ex))


@bp.route("/<int:exercise_id>/msel/timeline")
def msel_timeline(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    injects = msel.list_injects(current_user, ex)
    days: dict[dt.date, list] = {}
    for inject in injects:
        days.setdefault(utc_to_local(inject.planned_at, ex.timezone).date(), []).append(inject)
    return _page(ex, "exercises/msel_timeline.html", days=days, marking=_marking(),
                 can_edit=access.can_edit_msel(current_user, ex), now=utcnow())


def _inject_values(form: InjectForm) -> dict:
    return {"number": form.number.data, "scenario_time": form.scenario_time.data,
            "planned_release": form.planned_release.data, "fold": form.fold.data, "from": form.from_.data,
            "to_type": form.to_type.data, "to": form.to.data, "method": form.method.data, "message": form.message.data,
            "expected_action": form.expected_action.data, "objectives": form.objectives.data,
            "contingency": bool(form.contingency.data)}


@bp.route("/<int:exercise_id>/msel/new", methods=["GET", "POST"])
def msel_new(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    msel.require_msel_editor(current_user, ex)
    form = InjectForm()
    if request.method == "GET":
        from sqlalchemy import func

        from trainer.exercises.models import Inject

        form.number.data = (db.session.scalar(select(func.max(Inject.number)).where(Inject.exercise_id == ex.id)) or 0) + 1
        form.planned_release.data = format_local_input(ex.start_at, ex.timezone)
        form.to.data = ex.lead_nation_code
    if request.method == "POST":
        try:
            inject = msel.create_inject(current_user, ex, _inject_values(form))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            db.session.rollback()
            ex = services.get_exercise(current_user, exercise_id)
            _apply_errors(form, exc)
            return _page(ex, "exercises/inject_edit.html", form=form, inject=None), exc.status
        db.session.commit()
        flash(f"Inject {inject.number} added.", "success")
        return redirect(url_for("exercises.msel_list", exercise_id=ex.id))
    return _page(ex, "exercises/inject_edit.html", form=form, inject=None)


@bp.route("/<int:exercise_id>/msel/<int:inject_id>/edit", methods=["GET", "POST"])
def msel_edit(exercise_id: int, inject_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    inject = msel.get_inject(current_user, ex, inject_id)
    msel.require_msel_editor(current_user, ex)
    form = InjectForm(obj=inject) if request.method == "GET" else InjectForm()
    if request.method == "GET":
        form.planned_release.data = format_local_input(inject.planned_at, ex.timezone)
        form.from_.data = inject.from_text
        form.to.data = inject.to_ref
        form.objectives.data = ";".join(str(o.number) for o in inject.objectives)
    if request.method == "POST":
        try:
            msel.update_inject(current_user, ex, inject, _inject_values(form))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            db.session.rollback()
            ex = services.get_exercise(current_user, exercise_id)
            _apply_errors(form, exc)
            return _page(ex, "exercises/inject_edit.html", form=form, inject=inject), exc.status
        db.session.commit()
        flash(f"Inject {inject.number} saved.", "success")
        return redirect(url_for("exercises.msel_list", exercise_id=ex.id))
    return _page(ex, "exercises/inject_edit.html", form=form, inject=inject)


@bp.route("/<int:exercise_id>/msel/<int:inject_id>/release", methods=["POST"])
def msel_release(exercise_id: int, inject_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    inject = msel.release_inject(current_user, ex, inject_id)
    db.session.commit()
    flash(f"Inject {inject.number} released.", "success")
    return redirect(request.form.get("back") == "timeline" and url_for("exercises.msel_timeline", exercise_id=ex.id)
                    or url_for("exercises.msel_list", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/msel/<int:inject_id>/skip", methods=["POST"])
def msel_skip(exercise_id: int, inject_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    inject = msel.skip_inject(current_user, ex, inject_id)
    db.session.commit()
    flash(f"Inject {inject.number} skipped.", "info")
    return redirect(url_for("exercises.msel_list", exercise_id=ex.id))


@bp.route("/<int:exercise_id>/msel/import", methods=["GET", "POST"])
def msel_import(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    msel.require_msel_editor(current_user, ex)
    form = ImportForm()
    problems = []
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                from trainer.errors import Invalid

                raise Invalid("Choose a CSV file to import.")
            created = msel.import_csv(current_user, ex, upload.read(msel.MAX_BYTES + 1))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            db.session.rollback()
            ex = services.get_exercise(current_user, exercise_id)
            problems = exc.errors
            flash(exc.message, "danger")
            return _page(ex, "exercises/msel_import.html", form=form, problems=problems, columns=msel.CSV_COLUMNS), exc.status
        db.session.commit()
        flash(f"{len(created)} injects imported.", "success")
        return redirect(url_for("exercises.msel_list", exercise_id=ex.id))
    return _page(ex, "exercises/msel_import.html", form=form, problems=problems, columns=msel.CSV_COLUMNS)


@bp.route("/<int:exercise_id>/msel.csv")
def msel_export(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    body = msel.export_csv(current_user, ex, classification=current_app.config.get("CLASSIFICATION_MARKING", ""),
                           releasability=current_app.config.get("RELEASABILITY_MARKING", ""))
    db.session.commit()
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="MSEL-{ex.code}.csv"',
                             "Cache-Control": "no-store"})


# --- iCalendar ------------------------------------------------------------------------------

@bp.route("/<int:exercise_id>.ics")
def ics(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    body = build_ics([ex], name=f"{ex.code} — {ex.title}", base_url=current_app.config["PUBLIC_URL"])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{ex.code}.ics"'})
