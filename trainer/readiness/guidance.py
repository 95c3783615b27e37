"""What a person's readiness page says about each requirement: its evidence and what to do next."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness.rules import PersonReadiness, RequirementStatus, State
from trainer.readiness.wording import day, exercise_types


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
    from trainer.auth.models import User
    from trainer.learning.models import Completion, Method

    out = {}
    for c, recorder in db.session.execute(select(Completion, User.display_name)
                                          .outerjoin(User, User.id == Completion.recorded_by_id)
                                          .where(Completion.id.in_(ids))):
        out[c.module_code] = {"method": Method.LABELS.get(c.method, c.method), "score": c.score,
                              "completed_on": c.completed_on, "valid_until": c.valid_until,
                              "version": c.module_version, "evidence": c.evidence, "recorded_by": recorder}
    return out


def next_step(status: RequirementStatus, spec) -> str:
    """One sentence, in the reader's language: what the person (or their training officer) should do about this
    requirement."""
    state = status.state
    if status.kind == "screening":
        if state == State.MET:
            return _("Nothing to do.")
        if state == State.ON_HOLD:
            return _("Resolve the screening hold with the national screening authority; no deployment or certificate "
                     "until cleared.")
        return _("Complete the screening with the national authority; the training officer records the result.")
    until = day(status.valid_until)
    if status.kind == "exercise":
        types = exercise_types(spec.exercise_types)
        if state == State.MET:
            return _("Nothing to do now.")
        if state == State.EXPIRING:
            return _("Take part as a player in another %(types)s exercise before %(date)s.", types=types, date=until)
        if state == State.WAIVED:
            return _("Waived until %(date)s; take part in a %(types)s exercise before then.", types=types, date=until)
        return _("Take part as a player in a %(types)s exercise and obtain an adjudicated %(outcome)s or better; ask "
                 "the training officer for a nomination.", types=types, outcome=spec.exercise_min_outcome)
    code = status.key
    if state == State.MET:
        return _("Nothing to do until %(date)s.", date=until) if status.valid_until else _("Nothing to do.")
    if state == State.EXPIRING:
        return _("Complete %(code)s again before %(date)s to stay ready.", code=code, date=until)
    if state == State.WAIVED:
        return _("Waived until %(date)s; complete %(code)s before then.", code=code, date=until)
    if state == State.SUPERSEDED:
        return _("Complete the current version of %(code)s: the earlier version no longer counts.", code=code)
    if state == State.EXPIRED:
        return _("Complete %(code)s again (online knowledge check or a classroom session).", code=code)
    return _("Complete %(code)s (online knowledge check or a classroom session).", code=code)
