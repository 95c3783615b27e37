"""Participants: the list by nation, nominations by each nation, the lead's decision, withdrawal, and
evaluator assignments."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from trainer.errors import DomainError
from trainer.exercises import evaluators, pages, participants as participant_service, services
from trainer.exercises.forms import AssignmentForm, NominateForm
from trainer.exercises.views.rendering import exercise_page, form_refused, show_refusal


def _assignment_form(choices: evaluators.AssignmentChoices) -> AssignmentForm:
    form = AssignmentForm()
    form.evaluator_id.choices = choices.evaluators
    form.objective_id.choices = choices.objectives
    form.target_participant_id.choices = [("", "— all players —")] + choices.players
    form.target_unit_id.choices = [("", "— none —")] + choices.units
    return form


def participants(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    page = pages.get_participants_page(current_user, ex)
    return exercise_page(ex, "exercises/participants.html", by_nation=page.by_nation, report=page.report,
                         nominating=page.nominating, assignments=page.assignments,
                         assignment_form=_assignment_form(page.choices) if page.choices is not None else None,
                         can_withdraw=lambda p: p.id in page.withdrawable)


def _nominate_form(people) -> NominateForm:
    form = NominateForm()
    form.person_id.choices = [("", "— choose a person —")] + [
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
        flash(f"{participant.person.full_name_latin} nominated as {participant.role_enum.label.lower()}.", "success")
        return redirect(url_for("exercises.nominate", exercise_id=ex.id, q=q))
    return exercise_page(ex, "exercises/nominate.html", form=form, q=q, people=people)


def participant_decide(exercise_id: int, participant_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    participant = participant_service.decide_participant(current_user, ex, participant_id,
                                                         request.form.get("decision", ""))
    flash(f"{participant.person.full_name_latin}: {participant.status_enum.label.lower()}.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id))


def participant_withdraw(exercise_id: int, participant_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    participant = participant_service.withdraw_participant(current_user, ex, participant_id)
    flash(f"{participant.person.full_name_latin} withdrawn.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id))


def assignment_add(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    back = url_for("exercises.participants", exercise_id=exercise_id) + "#evaluators"
    try:
        evaluators.assign_evaluator(current_user, ex, evaluator_id=request.form.get("evaluator_id"),
                                    objective_id=request.form.get("objective_id"),
                                    target_participant_id=request.form.get("target_participant_id") or None,
                                    target_unit_id=request.form.get("target_unit_id") or None)
    except DomainError as exc:
        show_refusal(None, exc)
        return redirect(back)
    flash("Evaluator assigned.", "success")
    return redirect(back)


def assignment_remove(exercise_id: int, assignment_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    evaluators.remove_assignment(current_user, ex, assignment_id)
    flash("Assignment removed.", "success")
    return redirect(url_for("exercises.participants", exercise_id=ex.id) + "#evaluators")
