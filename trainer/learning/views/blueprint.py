"""The URL map of the learning pages (endpoint names are those of the access policy)."""
from __future__ import annotations

from flask import Blueprint

from trainer.learning.attempts import evidence_text
from trainer.learning.views import lists, officer, trainee

bp = Blueprint("learning", __name__, url_prefix="/learning")
bp.add_app_template_filter(evidence_text, "evidence")

RULES = [
    # a trainee's own training
    ("/", "index", trainee.index, ["GET"]),
    ("/modules/<module_code>/lessons/<slug>", "lesson", trainee.lesson, ["GET"]),
    ("/modules/<module_code>/lessons/<slug>/read", "lesson_read", trainee.lesson_read, ["POST"]),
    ("/modules/<module_code>/check", "attempt_start", trainee.attempt_start, ["POST"]),
    ("/checks/<int:attempt_id>", "attempt", trainee.attempt, ["GET", "POST"]),
    # training officers: assignments, classroom sessions, training records
    ("/assign", "assign", officer.assign, ["GET", "POST"]),
    ("/assignments", "assignments", officer.assignments, ["GET"]),
    ("/assignments/module/<int:module_assignment_id>/withdraw", "withdraw_module_assignment",
     officer.withdraw_module_assignment, ["POST"]),
    ("/assignments/profile/<int:profile_assignment_id>/withdraw", "withdraw_profile_assignment",
     officer.withdraw_profile_assignment, ["POST"]),
    ("/sessions", "sessions", officer.sessions, ["GET"]),
    ("/sessions/new", "session_new", officer.session_new, ["GET", "POST"]),
    ("/sessions/<int:session_id>", "session", officer.session, ["GET", "POST"]),
    ("/people/<int:person_id>", "person", officer.person, ["GET"]),
    ("/people/<int:person_id>/recognise", "recognise", officer.recognise, ["GET", "POST"]),
    # lists of a unit or of the whole scope
    ("/matrix", "matrix", lists.matrix, ["GET"]),
    ("/matrix/export", "matrix_export", lists.matrix_export, ["GET"]),
    ("/attention", "attention", lists.attention, ["GET"]),
    ("/attention/export", "attention_export", lists.attention_export, ["GET"]),
    ("/people/<int:person_id>/remind", "remind", lists.remind, ["POST"]),
]

for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
