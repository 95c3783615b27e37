"""Participants: the list by nation, nominations by each nation, the lead's decision (with what a nominee
lacks, asked before confirming), withdrawal, and evaluator assignments."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.errors import DomainError
from trainer.exercises import evaluators, pages, participants as participant_service, services
from trainer.exercises.forms import AssignmentForm, DecisionForm, NominateForm
from trainer.exercises.views.rendering import carry_out, exercise_page, form_refused, show_refusal


def _assignment_form(choices: evaluators.AssignmentChoices) -> AssignmentForm:
    form = AssignmentForm()
    form.evaluator_id.choices = choices.evaluators
    form.objective_id.choices = choices.objectives
    form.target_participant_id.choices = [("", _("— all players —"))] + choices.players
    form.target_unit_id.choices = [("", _("— none —"))] + choices.units
    return form


def _participants_page(exercise_id: int, status: int = 200, assignment_form: AssignmentForm | None = None):
    """The participants page (read afresh), with the status of a refused change made on it."""
    ex = services.get_exercise(current_user, exercise_id)
    page = pages.get_participants_page(current_user, ex)
    if page.choices is not None:
        fresh = _assignment_form(page.choices)
        if assignment_form is not None:  # a refused assignment: keep what was chosen, with its errors
            for name in ("evaluator_id", "objective_id", "target_participant_id", "target_unit_id"):
                getattr(assignment_form, name).choices = getattr(fresh, name).choices
        assignment_form = assignment_form or fresh
    else:
        assignment_form = None
    return exercise_page(ex, "exercises/participants.html", by_nation=page.by_nation, report=page.report,
                         nominating=page.nominating, assignments=page.assignments, assignment_form=assignment_form,
                         missing=page.missing, can_withdraw=lambda p: p.id in page.withdrawable,
                         roster_open=page.open), status


def participants(exercise_id: int):
    return _participants_page(exercise_id)


def _refused_on_participants(exercise_id: int, error: DomainError, assignment_form=None):
    show_refusal(assignment_form, error)
    return _participants_page(exercise_id, error.status, assignment_form)


def _nominate_form(people) -> NominateForm:
    form = NominateForm()
    form.person_id.choices = [("", _("— choose a person —"))] + [
        (str(p.id), f"{p.rank_code} {p.full_name_latin} — {p.service_number} ({p.nation_code}, {p.unit.code})")
        for p in people]
    return form


def nominate(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    q = request.args.get("q", "")
    people = participant_service.nominable_people(current_user, ex, q)
    form = _nominate_form(people)
    if request.method == "POST":
        try:
            participant = participant_service.nominate_participant(
                current_user, ex, person_id=request.form.get("person_id"), role=request.form.get("role", ""))
        except DomainError as exc:
            return form_refused(form, exc, exercise_id, "exercises/nominate.html", q=q, people=people)
        flash(_("%(name)s nominated as %(role)s.", name=participant.person.full_name_latin,
                role=participant.role_enum.label.lower()), "success")
        return redirect(url_for("exercises.nominate", exercise_id=ex.id, q=q))
    return exercise_page(ex, "exercises/nominate.html", form=form, q=q, people=people)


def _decision_page(exercise_id: int, participant_id: int, form: DecisionForm, status: int = 200):
    ex = services.get_exercise(current_user, exercise_id)
    decision = participant_service.get_decision(current_user, ex, participant_id)
    return exercise_page(ex, "exercises/decide.html", decision=decision, form=form), status


def participant_decide(exercise_id: int, participant_id: int):
    """GET: the decision on a nomination, with what the nominee lacks and why confirming may be refused.
    POST: the decision; a refusal is shown where it was asked (the participants list or the decision page)."""
    form = DecisionForm()
    if request.method == "GET":
        return _decision_page(exercise_id, participant_id, form)
    ex = services.get_exercise(current_user, exercise_id)
    decision = request.form.get("decision", "")
    try:
        participant = participant_service.decide_participant(current_user, ex, participant_id, decision,
                                                             reason=form.reason.data)
    except DomainError as exc:
        if request.form.get("asked") or any(name == "reason" for name, _message in exc.errors):
            show_refusal(form, exc)
            return _decision_page(exercise_id, participant_id, form, exc.status)
        return _refused_on_participants(exercise_id, exc)
    if decision == "confirm":
        flash(_("%(name)s: confirmed.", name=participant.person.full_name_latin), "success")
    else:
        flash(_("%(name)s: declined.", name=participant.person.full_name_latin), "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id))


def _back_to_participants(ex, message: str, anchor: str = ""):
    flash(message, "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id) + anchor)


def participant_withdraw(exercise_id: int, participant_id: int):
    return carry_out(exercise_id, lambda ex: participant_service.withdraw_participant(current_user, ex, participant_id),
                     _refused_on_participants,
                     lambda ex, participant: _back_to_participants(
                         ex, _("%(name)s withdrawn.", name=participant.person.full_name_latin)))


def assignment_add(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    form = AssignmentForm()
    try:
        evaluators.assign_evaluator(current_user, ex, evaluator_id=request.form.get("evaluator_id"),
                                    objective_id=request.form.get("objective_id"),
                                    target_participant_id=request.form.get("target_participant_id") or None,
                                    target_unit_id=request.form.get("target_unit_id") or None)
    except DomainError as exc:
        return _refused_on_participants(exercise_id, exc, form)
    flash(_("Evaluator assigned."), "success")
    return redirect(url_for("exercises.participants", exercise_id=exercise_id) + "#evaluators")


def assignment_remove(exercise_id: int, assignment_id: int):
    return carry_out(exercise_id, lambda ex: evaluators.remove_assignment(current_user, ex, assignment_id),
                     _refused_on_participants,
                     lambda ex, _removed: _back_to_participants(ex, _("Assignment removed."), "#evaluators"))
