"""What a person's readiness page says about each requirement: its evidence and what to do next."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness.rules import PersonReadiness, RequirementStatus, State


def profiles_for_person(person: Person) -> list[str]:
    """Profile codes assigned to the person or to a unit above them (one query)."""
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:
        return []
    target = aliased(Unit)
    rows = db.session.scalars(
        select(ProfileAssignment.profile_code).outerjoin(target, target.id == ProfileAssignment.unit_id)
        .where(ProfileAssignment.withdrawn_at.is_(None),
               or_(ProfileAssignment.person_id == person.id,
                   select(Unit.path).where(Unit.id == person.unit_id).scalar_subquery().startswith(target.path, autoescape=False)))
        .distinct()).all()
    return sorted(rows)


def evidence_details(result: PersonReadiness) -> dict[str, dict]:
    """Completion records behind the module requirements (method, score, recorder), in one query."""
    ids = [r.evidence["completion_id"] for r in result.requirements if r.evidence and r.evidence.get("completion_id")]
    if not ids:
        return {}
    from trainer.learning.models import Completion, Method

    out = {}
    for c in db.session.scalars(select(Completion).where(Completion.id.in_(ids))):
        out[c.module_code] = {"method": Method.LABELS.get(c.method, c.method), "score": c.score,
                              "completed_on": c.completed_on, "valid_until": c.valid_until,
                              "version": c.module_version, "evidence": c.evidence,
                              "recorded_by": c.recorded_by.display_name if c.recorded_by else None}
    return out


def next_step(status: RequirementStatus, spec) -> str:
    """One sentence: what the person (or their training officer) should do about this requirement."""
    state = status.state
    if status.kind == "screening":
        if state == State.MET:
            return "Nothing to do."
        if state == State.ON_HOLD:
            return "Resolve the screening hold with the national screening authority; no deployment or certificate until cleared."
        return "Complete the screening with the national authority; the training officer records the result."
    if status.kind == "exercise":
        types = ", ".join(t.replace("_", "-") for t in spec.exercise_types)
        if state == State.MET:
            return "Nothing to do now."
        if state == State.EXPIRING:
            return f"Take part as a player in another {types} exercise before {status.valid_until:%d %b %Y}."
        if state == State.WAIVED:
            return f"Waived until {status.valid_until:%d %b %Y}; take part in a {types} exercise before then."
        return (f"Take part as a player in a {types} exercise and obtain an adjudicated {spec.exercise_min_outcome} "
                f"or better; ask the training officer for a nomination.")
    code = status.key
    if state == State.MET:
        return f"Nothing to do until {status.valid_until:%d %b %Y}." if status.valid_until else "Nothing to do."
    if state == State.EXPIRING:
        return f"Complete {code} again before {status.valid_until:%d %b %Y} to stay ready."
    if state == State.WAIVED:
        return f"Waived until {status.valid_until:%d %b %Y}; complete {code} before then."
    if state == State.SUPERSEDED:
        return f"Complete the current version of {code}: the earlier version no longer counts."
    if state == State.EXPIRED:
        return f"Complete {code} again (online knowledge check or a classroom session)."
    return f"Complete {code} (online knowledge check or a classroom session)."
