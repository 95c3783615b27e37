"""The exercise pages' URL map: each rule, its endpoint (named in auth.policy) and the view that answers it."""
from __future__ import annotations

from flask import Blueprint

from trainer.exercises.planning import milestone_state
from trainer.exercises.timeutil import utc_offset_at
from trainer.exercises.views import calendar, msel, participants, planning, record

bp = Blueprint("exercises", __name__, url_prefix="/exercises")
GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

RULES = (
    # the calendar and the private feed
    ("/", "index", calendar.index, GET),
    ("/calendar/<token>.ics", "feed", calendar.feed, GET),
    ("/calendar/regenerate", "feed_regenerate", calendar.feed_regenerate, POST),
    ("/<int:exercise_id>.ics", "ics", calendar.ics, GET),
    # the exercise record
    ("/new", "new", record.new, BOTH),
    ("/<int:exercise_id>", "show", record.show, GET),
    ("/<int:exercise_id>/edit", "edit", record.edit, BOTH),
    ("/<int:exercise_id>/status", "transition", record.transition, BOTH),
    ("/<int:exercise_id>/conflicts", "conflicts", record.conflicts, GET),
    # participants and evaluator assignments
    ("/<int:exercise_id>/participants", "participants", participants.participants, GET),
    ("/<int:exercise_id>/nominate", "nominate", participants.nominate, BOTH),
    ("/<int:exercise_id>/participants/<int:participant_id>/decide", "participant_decide",
     participants.participant_decide, BOTH),
    ("/<int:exercise_id>/participants/<int:participant_id>/withdraw", "participant_withdraw",
     participants.participant_withdraw, POST),
    ("/<int:exercise_id>/assignments", "assignment_add", participants.assignment_add, POST),
    ("/<int:exercise_id>/assignments/<int:assignment_id>/remove", "assignment_remove",
     participants.assignment_remove, POST),
    # objectives and planning milestones
    ("/<int:exercise_id>/objectives", "objectives", planning.objectives, GET),
    ("/<int:exercise_id>/objectives", "objective_add", planning.objective_add, POST),
    ("/<int:exercise_id>/objectives/<int:objective_id>/remove", "objective_remove", planning.objective_remove, POST),
    ("/<int:exercise_id>/milestones", "milestones", planning.milestones, GET),
    ("/<int:exercise_id>/milestones", "milestones_save", planning.milestones_save, POST),
    ("/<int:exercise_id>/milestones/held", "milestone_held", planning.milestone_held, POST),
    # the MSEL
    ("/<int:exercise_id>/msel", "msel_list", msel.msel_list, GET),
    ("/<int:exercise_id>/msel/timeline", "msel_timeline", msel.msel_timeline, GET),
    ("/<int:exercise_id>/msel/new", "msel_new", msel.msel_new, BOTH),
    ("/<int:exercise_id>/msel/<int:inject_id>/edit", "msel_edit", msel.msel_edit, BOTH),
    ("/<int:exercise_id>/msel/<int:inject_id>/release", "msel_release", msel.msel_release, POST),
    ("/<int:exercise_id>/msel/<int:inject_id>/skip", "msel_skip", msel.msel_skip, POST),
    ("/<int:exercise_id>/msel/import", "msel_import", msel.msel_import, BOTH),
    ("/<int:exercise_id>/msel.csv", "msel_export", msel.msel_export, GET),
)

for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)

bp.add_app_template_filter(utc_offset_at, "utc_offset")
bp.add_app_template_global(milestone_state, "milestone_state")
