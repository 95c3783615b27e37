"""The exercise status workflow: which transition exists, and which kind of actor may make it.

Pure module: it imports neither Flask nor the database, and works on status values and sets of actor
kinds. The actor kinds are decided by trainer.exercises.access:
- "planner": a training officer of the lead nation (or of the whole mission), or an administrator;
- "approver": a commander of the lead nation or of the whole mission;
- "director": the exercise director (a confirmed participant with that role).
"""
from __future__ import annotations

from dataclasses import dataclass

from trainer.exercises.statuses import ExerciseStatus as S

PLANNER, APPROVER, DIRECTOR = "planner", "approver", "director"

ACTOR_LABELS = {
    PLANNER: "a training officer of the lead nation",
    APPROVER: "a commander of the lead nation or of the mission",
    DIRECTOR: "the exercise director",
}


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    action: str                  # the button label
    actors: frozenset[str]


def _t(source, target, action, *actors):
    return Transition(source, target, action, frozenset(actors))


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, S.PLANNING, "Start planning", PLANNER),
    _t(S.PLANNING, S.APPROVED, "Approve", APPROVER),
    _t(S.PLANNING, S.DRAFT, "Back to draft", PLANNER),
    _t(S.APPROVED, S.PLANNING, "Reopen planning", PLANNER, APPROVER),
    _t(S.APPROVED, S.IN_CONDUCT, "Start conduct (STARTEX)", PLANNER, DIRECTOR),
    _t(S.IN_CONDUCT, S.ENDEX, "End exercise (ENDEX)", PLANNER, DIRECTOR),
    _t(S.ENDEX, S.AAR_DRAFT, "Start after-action report", PLANNER, DIRECTOR),
    _t(S.AAR_DRAFT, S.AAR_PUBLISHED, "Publish after-action report", PLANNER, DIRECTOR),
    _t(S.AAR_PUBLISHED, S.CLOSED, "Close", PLANNER, DIRECTOR),
    _t(S.DRAFT, S.POSTPONED, "Postpone", PLANNER),
    _t(S.PLANNING, S.POSTPONED, "Postpone", PLANNER, APPROVER),
    _t(S.APPROVED, S.POSTPONED, "Postpone", PLANNER, APPROVER),
    _t(S.POSTPONED, S.PLANNING, "Resume planning", PLANNER),
    _t(S.DRAFT, S.CANCELLED, "Cancel", PLANNER),
    _t(S.PLANNING, S.CANCELLED, "Cancel", PLANNER, APPROVER),
    _t(S.APPROVED, S.CANCELLED, "Cancel", PLANNER, APPROVER),
    _t(S.POSTPONED, S.CANCELLED, "Cancel", PLANNER, APPROVER),
    _t(S.IN_CONDUCT, S.CANCELLED, "Stop and cancel", APPROVER, DIRECTOR),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find(source: str, target: str) -> Transition | None:
    try:
        return _BY_PAIR.get((S(source), S(target)))
    except ValueError:
        return None


def available(source: str, actor_kinds: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == S(source) and t.actors & actor_kinds]


def refusal(source: str, target: str, actor_kinds: set[str]) -> str | None:
    """None when the transition is allowed; otherwise the reason, in words."""
    try:
        src, dst = S(source), S(target)
    except ValueError:
        return f"{target!r} is not an exercise status."
    transition = _BY_PAIR.get((src, dst))
    if transition is None:
        nexts = ", ".join(t.target.label for t in TRANSITIONS if t.source == src) or "none (this is a final status)"
        return (f"An exercise cannot go from {src.label} to {dst.label}. "
                f"From {src.label} it can go to: {nexts}.")
    if not transition.actors & actor_kinds:
        who = " or ".join(ACTOR_LABELS[a] for a in sorted(transition.actors))
        return f"Only {who} may {transition.action.lower()} ({src.label} to {dst.label})."
    return None
