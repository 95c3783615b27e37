"""My training (trainees), lessons and knowledge checks, and the training officer's views."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from trainer.auth.policy import has_ability, has_role
from trainer.curricula.services import get_module, list_current_modules, list_profiles
from trainer.enums import Role
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.forms import apply_errors
from trainer.learning import attempts as checks
from trainer.learning import reports, services
from trainer.learning.forms import AssignForm, RecogniseForm, SessionForm
from trainer.learning.models import Method
from trainer.learning.rules import Status
from trainer.org.models import Unit
from trainer.org.services import list_units

bp = Blueprint("learning", __name__, url_prefix="/learning")


def _language() -> str:
    return current_user.language if current_user.language in ("en", "fr") else "en"


def _units(roles="training.record") -> list[Unit]:
    return list_units(current_user, roles)


def _unit_choices(roles="training.record", empty=None):
    choices = [(str(u.id), f"{'  ' * (u.path.strip('/').count('/'))}{u.nation_code} · {u.code} — {u.name}")
               for u in _units(roles)]
    return ([("", empty)] if empty is not None else []) + choices


def _module_choices():
    return [(m.code, f"{m.code} — {m.title.get('en')}") for m in list_current_modules()]


# --- my training ----------------------------------------------------------------------------

@bp.route("/")
def index():
    today = services.today_utc()
    person, required, others = reports.own_training(current_user, today)
    done = sum(1 for r in required if r.status in (Status.PASSED, Status.EXPIRING))
    return render_template("learning/index.html", person=person, required=required, others=others, done=done,
                           today=today, officer=has_ability(current_user, "training.record"),
                           viewer=has_role(current_user, Role.COMMANDER), title="My training")


@bp.route("/modules/<module_code>/lessons/<slug>")
def lesson(module_code: str, slug: str):
    # A read only: reading progress is recorded by the "Mark as read" POST below.
    module = get_module(module_code)
    lesson = checks.get_lesson(module, slug)
    progress = checks.lesson_progress(current_user, lesson)
    position = module.lessons.index(lesson)
    return render_template("learning/lesson.html", module=module, lesson=lesson, progress=progress,
                           body=lesson.body(_language()),
                           previous=module.lessons[position - 1] if position > 0 else None,
                           following=module.lessons[position + 1] if position + 1 < len(module.lessons) else None,
                           title=f"{module.code} · {lesson.title.get(_language()) or lesson.title['en']}")


@bp.route("/modules/<module_code>/lessons/<slug>/read", methods=["POST"])
def lesson_read(module_code: str, slug: str):
    module = get_module(module_code)
    lesson = checks.get_lesson(module, slug)
    if not FlaskForm().validate_on_submit():
        flash("The form expired, so the lesson was not marked as read. Please press the button again.", "danger")
        return redirect(url_for("learning.lesson", module_code=module.code, slug=lesson.slug))
    checks.mark_lesson_read(current_user, lesson)
    position = module.lessons.index(lesson)
    if position + 1 < len(module.lessons):
        flash("Lesson marked as read.", "success")
        return redirect(url_for("learning.lesson", module_code=module.code, slug=module.lessons[position + 1].slug))
    flash("Lesson marked as read. That was the last lesson: take the knowledge check when you are ready.", "success")
    return redirect(url_for("curricula.module", module_code=module.code))


@bp.route("/modules/<module_code>/check", methods=["POST"])
def attempt_start(module_code: str):
    if not FlaskForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("curricula.module", module_code=module_code))
    try:
        attempt = checks.start_attempt(current_user, module_code, per_day=current_app.config["ATTEMPTS_PER_DAY"])
    except (checks.TooManyAttempts, Invalid) as exc:
        apply_errors(None, exc)
        return redirect(url_for("curricula.module", module_code=module_code))
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


@bp.route("/checks/<int:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    attempt = checks.get_own_attempt(current_user, attempt_id)
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            flash("The form expired. Nothing was recorded; please submit again.", "danger")
            return redirect(url_for("learning.attempt", attempt_id=attempt.id))
        try:
            attempt = checks.submit_attempt(current_user, attempt.id, request.form.to_dict())
        except Conflict as exc:
            apply_errors(None, exc)
            return redirect(url_for("learning.attempt", attempt_id=attempt_id), 303)
        except Invalid as exc:
            apply_errors(None, exc)
            attempt = checks.get_own_attempt(current_user, attempt_id)
            status = 422
        else:
            return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)
    language = _language()
    if attempt.finished:
        completion = checks.completion_of(attempt)
        return render_template("learning/attempt_result.html", attempt=attempt, completion=completion,
                               review=checks.attempt_review(attempt, language), title="Knowledge check result")
    return render_template("learning/attempt.html", attempt=attempt, questions=checks.drawn_questions(attempt),
                           title=f"Knowledge check {attempt.module_code}"), status


# --- training officers ----------------------------------------------------------------------

def _refused_status() -> int:
    """422 for a form POST that was not carried out (a successful one redirects), 200 for a GET."""
    return 422 if request.method == "POST" else 200


@bp.route("/assign", methods=["GET", "POST"])
def assign():
    form = AssignForm()
    profile_codes = {p.code for p in list_profiles()}
    form.code.choices = ([(p.code, f"Readiness profile {p.code} — {p.title.get('en')}") for p in list_profiles()]
                         + [(code, f"Module {label}") for code, label in _module_choices()])
    form.unit_id.choices = _unit_choices(empty="— one person instead —")
    if request.method == "GET" and request.args.get("person_id"):
        form.person_id.data = request.args.get("person_id", type=int)
    if form.validate_on_submit():
        try:
            services.assign(current_user, kind="profile" if form.code.data in profile_codes else "module",
                            code=form.code.data,
                            person_id=form.person_id.data, unit_id=form.unit_id.data or None,
                            due_on=form.due_on.data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash("Assigned.", "success")
            return redirect(url_for("learning.assignments"))
    # a POST that reaches here was refused (success redirects)
    return render_template("learning/assign.html", form=form, title="Assign training"), _refused_status()


@bp.route("/assignments")
def assignments():
    return render_template("learning/assignments.html", rows=services.list_assignments(current_user),
                           title="Assignments")


@bp.route("/assignments/module/<int:module_assignment_id>/withdraw", methods=["POST"])
def withdraw_module_assignment(module_assignment_id: int):
    return _withdraw("module", module_assignment_id)


@bp.route("/assignments/profile/<int:profile_assignment_id>/withdraw", methods=["POST"])
def withdraw_profile_assignment(profile_assignment_id: int):
    return _withdraw("profile", profile_assignment_id)


def _withdraw(kind: str, assignment_id: int):
    if not FlaskForm().validate_on_submit():
        flash("The form expired. Nothing was withdrawn; please try again.", "danger")
        return redirect(url_for("learning.assignments"))
    try:
        row = services.withdraw_assignment(current_user, kind, assignment_id, request.form.get("reason", ""))
    except (Invalid, Conflict) as exc:
        apply_errors(None, exc)
        return redirect(url_for("learning.assignments"))
    flash(f"Assignment of {row.kind} {row.code} withdrawn. It stays on record and no longer applies.", "success")
    return redirect(url_for("learning.assignments"))


@bp.route("/sessions")
def sessions():
    return render_template("learning/sessions.html", sessions=services.list_sessions(current_user),
                           title="Classroom sessions")


@bp.route("/sessions/new", methods=["GET", "POST"])
def session_new():
    form = SessionForm()
    form.module_code.choices = _module_choices()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            session = services.create_session(current_user, module_code=form.module_code.data,
                                              unit_id=form.unit_id.data, held_on=form.held_on.data,
                                              instructor=form.instructor.data, location=form.location.data,
                                              notes=form.notes.data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash("Session recorded. Now mark attendance and results.", "success")
            return redirect(url_for("learning.session", session_id=session.id))
    return render_template("learning/session_new.html", form=form, title="Record a classroom session"), _refused_status()


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
def session(session_id: int):
    session = services.get_session(current_user, session_id)
    errors, status = [], 200
    if request.method == "POST":
        rows = []
        for person_id in request.form.getlist("person"):
            rows.append({"person_id": person_id, "result": request.form.get(f"result-{person_id}"),
                         "score": request.form.get(f"score-{person_id}"),
                         "evidence": request.form.get(f"evidence-{person_id}")})
        if not FlaskForm().validate_on_submit():
            flash("The form expired. Nothing was recorded; please submit again.", "danger")
        else:
            try:
                recorded = services.record_attendance(current_user, session.id, rows,
                                                      request.form.get("common_evidence", ""))
            except DomainError as exc:
                apply_errors(None, DomainError(exc.message))
                errors = [message for _, message in exc.errors]
                status = 422
                session = services.get_session(current_user, session_id)
            else:
                flash(f"Recorded {len(recorded)} attendance record(s).", "success")
                return redirect(url_for("learning.session", session_id=session.id))
    candidates = services.session_candidates(current_user, session, limit=services.SESSION_ROWS + 1)
    more = len(candidates) > services.SESSION_ROWS
    return render_template("learning/session.html", session=session, candidates=candidates[:services.SESSION_ROWS],
                           more=more, errors=errors,
                           title=f"Session {session.module.code} {session.held_on}"), status


@bp.route("/people/<int:person_id>", methods=["GET"])
def person(person_id: int):
    person, completions = services.person_history(current_user, person_id)
    required, others = reports.my_training(person, services.today_utc())
    return render_template("learning/person.html", person=person, completions=completions, required=required,
                           others=others, methods=Method.LABELS, title=f"Training record: {person.full_name_latin}")


@bp.route("/people/<int:person_id>/recognise", methods=["GET", "POST"])
def recognise(person_id: int):
    person = services.get_person_or_404(current_user, person_id)
    form = RecogniseForm()
    form.module_code.choices = _module_choices()
    if form.validate_on_submit():
        try:
            services.recognise_prior_learning(current_user, person_id=person.id, module_code=form.module_code.data,
                                              completed_on=form.completed_on.data,
                                              justification=form.justification.data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash("Prior learning recognised and recorded.", "success")
            return redirect(url_for("learning.person", person_id=person.id))
    return render_template("learning/recognise.html", form=form, person=person,
                           title="Recognise prior learning"), _refused_status()


def _selected_unit() -> Unit | None:
    unit_id = request.args.get("unit_id", type=int)
    units = _units("training.view")
    if unit_id:
        return services.get_unit_for_reports(current_user, unit_id)
    return units[0] if units else None


def _matrix_args():
    codes = [c for c in request.args.getlist("module") if c]
    status = request.args.get("status", "")
    if status and status != "overdue" and status not in Status._value2member_map_:
        status = ""
    return codes, status, request.args.get("q", "").strip()[:100], bool(request.args.get("required"))


@bp.route("/matrix")
def matrix():
    unit = _selected_unit()
    codes, status, search, required_only = _matrix_args()
    columns, rows, page = ([], [], None)
    if unit is not None:
        columns, rows, page = reports.completion_matrix(
            current_user, unit, services.today_utc(), codes=codes, status=status, search=search,
            required_only=required_only, page=request.args.get("page", 1, type=int) or 1)
    return render_template("learning/matrix.html", unit=unit, units=_unit_choices("training.view"),
                           columns=columns, rows=rows, page=page, modules=list_current_modules(), codes=codes,
                           status=status,
                           search=search, required_only=required_only, statuses=list(Status),
                           title="Completion matrix")


@bp.route("/matrix/export")
def matrix_export():
    unit = _selected_unit()
    if unit is None:
        raise NotFound("There is no unit in your scope.")
    codes, status, search, required_only = _matrix_args()
    columns, rows, _ = reports.completion_matrix(current_user, unit, services.today_utc(), codes=codes, status=status,
                                                 search=search, required_only=required_only)
    table = reports.matrix_table(columns, rows)
    name = f"completions-{unit.nation_code}-{unit.code}-{services.today_utc().isoformat()}"
    if request.args.get("format") == "xlsx":
        return Response(reports.to_xlsx(table, "Completions"),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response(reports.to_csv(table), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.route("/attention")
def attention():
    unit = _selected_unit()
    days = min(max(request.args.get("days", 60, type=int) or 60, 1), 365)
    overdue, expiring = ([], [])
    if unit is not None:
        overdue, expiring = reports.overdue_and_expiring(current_user, unit, services.today_utc(), days)
    return render_template("learning/attention.html", unit=unit, units=_unit_choices("training.view"),
                           overdue=overdue, expiring=expiring, days=days, title="Overdue and expiring")
