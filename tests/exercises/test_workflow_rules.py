"""The status workflow as a pure module: plain status values and actor kinds in, transitions and
reasons in words out, with no application, database or models."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from trainer.exercises import workflow
from trainer.exercises.workflow import APPROVER, DIRECTOR, PLANNER

ROOT = Path(__file__).resolve().parents[2]


def test_only_an_approver_is_offered_approval():
    assert "approved" in [t.target.value for t in workflow.available("planning", {APPROVER})]
    assert "approved" not in [t.target.value for t in workflow.available("planning", {PLANNER, DIRECTOR})]


def test_the_director_runs_conduct_but_does_not_plan():
    assert [t.target.value for t in workflow.available("approved", {DIRECTOR})] == ["in_conduct"]
    assert workflow.available("draft", {DIRECTOR}) == []


def test_a_refusal_names_who_may_and_the_legal_next_statuses():
    assert workflow.refusal("planning", "approved", {APPROVER}) is None
    assert workflow.refusal("planning", "approved", {PLANNER}) == (
        "Only a commander of the lead nation or of the mission may approve (Planning to Approved).")
    illegal = workflow.refusal("draft", "closed", {PLANNER})
    assert illegal.startswith("An exercise cannot go from Draft to Closed.") and "Planning" in illegal
    assert workflow.refusal("closed", "planning", {PLANNER}).endswith("none (this is a final status).")
    assert workflow.refusal("draft", "no-such-status", {PLANNER}) == "'no-such-status' is not an exercise status."


def test_find_knows_only_the_transitions_that_exist():
    assert workflow.find("in_conduct", "endex").action == "End exercise (ENDEX)"
    assert workflow.find("draft", "closed") is None
    assert workflow.find("nonsense", "draft") is None


def test_the_workflow_loads_without_the_models_or_the_database():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, trainer.exercises.workflow; "
                               "print(sorted(m for m in sys.modules if m.startswith(('trainer.', 'sqlalchemy', 'flask_sqlalchemy'))))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "trainer.exercises.models" not in loaded and "sqlalchemy" not in loaded, loaded
