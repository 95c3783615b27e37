"""The after-action report and improvement plan: generated from the record, with an editable executive
summary (version-checked) and improvement items tracked across exercises."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from trainer.assessments.access import (
    all_audiences, capacity_for, get_objective, raise_invalid,
)
from trainer.assessments.models import (
    Adjudication, AfterActionReport, ImprovementItem, ImprovementStatus, Observation, ObservationKind,
)
from trainer.assessments.services import current
from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.enums import CREDITING_RATINGS, Rating
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.exercises.models import Exercise, Objective, Participant, ParticipantStatus
from trainer.extensions import db
from trainer.org.models import Nation, Unit


@dataclass
class ObjectiveSection:
    objective: Objective
    adjudications: list = field(default_factory=list)   # current adjudications, one per audience
    strengths: list = field(default_factory=list)
    improvements: list = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(a.rating for a in self.adjudications)
        return {r.value: c.get(r.value, 0) for r in Rating}


@dataclass
class Report:
    exercise: Exercise
    aar: AfterActionReport
    nations: list[str]
    participants: dict[str, int]
    sections: list[ObjectiveSection]
    items: list[ImprovementItem]
    generated_at: dt.datetime

    @property
    def counts(self) -> dict[str, int]:
        total = Counter()
        for s in self.sections:
            total.update(s.counts)
        return {r.value: total.get(r.value, 0) for r in Rating}


def _aar_row(exercise: Exercise) -> AfterActionReport:
    row = db.session.execute(select(AfterActionReport).where(AfterActionReport.exercise_id == exercise.id)).scalar_one_or_none()
    return row or AfterActionReport(exercise_id=exercise.id, executive_summary="", version=0)


def get_report(actor, exercise_id) -> tuple[object, Report]:
    cap = capacity_for(actor, exercise_id)
    if not cap.can_see_report:
        # Players and evaluators see results only once the report is published.
        raise NotFound()
    return cap, build_report(cap.exercise)


def build_report(exercise: Exercise) -> Report:
    objectives = db.session.execute(select(Objective).where(Objective.exercise_id == exercise.id)
                                    .order_by(Objective.number)).scalars().all()
    adjudications = db.session.execute(current(Adjudication).where(Adjudication.exercise_id == exercise.id)
                                       .order_by(Adjudication.audience)).scalars().all()
    observations = db.session.execute(current(Observation).where(Observation.exercise_id == exercise.id)
                                      .order_by(Observation.observed_at)).scalars().all()
    sections = []
    for objective in objectives:
        section = ObjectiveSection(objective)
        section.adjudications = [a for a in adjudications if a.objective_id == objective.id]
        for o in observations:
            if o.objective_id != objective.id:
                continue
            (section.strengths if o.kind == ObservationKind.STRENGTH.value else section.improvements).append(o)
        sections.append(section)
    counts = Counter(db.session.execute(select(Participant.role).where(
        Participant.exercise_id == exercise.id, Participant.status == ParticipantStatus.CONFIRMED.value)).scalars())
    items = db.session.execute(select(ImprovementItem).where(ImprovementItem.exercise_id == exercise.id)
                               .order_by(ImprovementItem.due_on, ImprovementItem.id)).scalars().all()
    return Report(exercise=exercise, aar=_aar_row(exercise), nations=exercise.nation_codes or [exercise.lead_nation_code],
                  participants=dict(counts), sections=sections, items=items, generated_at=utcnow())


# --- executive summary --------------------------------------------------------------------------

def update_summary(actor, exercise_id, *, summary: str | None, version) -> AfterActionReport:
    cap = capacity_for(actor, exercise_id)
    if not cap.can_see_report:
        raise NotFound()
    if not cap.can_edit_report:
        raise Forbidden("Only the lead evaluator, the exercise director or a training officer may edit the report.")
    if cap.exercise.status == "closed":
        raise Conflict("The exercise is closed: its after-action report can no longer be changed.")
    text = (summary or "").strip()
    if len(text) > 20000:
        raise_invalid("executive_summary", "The executive summary is too long (at most 20,000 characters).")
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Invalid("The form is damaged. Reload the page and try again.")
    row = _aar_row(cap.exercise)
    if row.version != version:
        raise Conflict("Someone else saved the executive summary while you were editing it. Nothing of yours was "
                       "lost: your text is still in the form. Compare it with the current summary and save again.")
    before = row.executive_summary
    if row.id is None:
        db.session.add(row)
    row.executive_summary = text
    row.version = version + 1
    row.updated_by_id = actor.id
    row.updated_at = utcnow()
    db.session.flush()
    record_event(actor, "assessment.aar.summary", row, exercise=cap.exercise.code,
                 before={"executive_summary": before}, after={"executive_summary": text, "version": row.version})
    return row


# --- improvement plan ---------------------------------------------------------------------------

ITEM_FIELDS = ("finding", "corrective_action", "objective_id", "owner", "point_of_contact", "due_on", "status",
               "validated_by_adjudication_id")


def _clean_item(exercise: Exercise, data: dict, item: ImprovementItem | None) -> dict:
    errors = []
    out = {}
    for name, label in (("finding", "The finding"), ("corrective_action", "The corrective action")):
        value = (data.get(name) or "").strip()
        if not value:
            errors.append((name, f"{label} is required."))
        elif len(value) > 5000:
            errors.append((name, f"{label} is too long."))
        out[name] = value
    out["point_of_contact"] = (data.get("point_of_contact") or "").strip()[:200]
    objective_id = data.get("objective_id")
    out["objective_id"] = None
    if objective_id not in (None, "", "0", 0):
        try:
            out["objective_id"] = get_objective(exercise, objective_id).id
        except NotFound:
            errors.append(("objective_id", "Choose an objective of this exercise."))
    owner = (data.get("owner") or "").strip()
    out["owner_nation_code"] = out["owner_unit_id"] = None
    # Only a nation or unit taking part in this exercise (or the item's current owner) may own the action.
    allowed = {key for key, _ in owner_choices(exercise)}
    if item is not None:
        allowed.add(f"u{item.owner_unit_id}" if item.owner_unit_id else f"n{item.owner_nation_code}")
    if owner in allowed and owner.startswith("u") and owner[1:].isdigit():
        unit = db.session.get(Unit, int(owner[1:]))
        out["owner_unit_id"], out["owner_nation_code"] = unit.id, unit.nation_code
    elif owner in allowed and owner.startswith("n") and db.session.get(Nation, owner[1:]) is not None:
        out["owner_nation_code"] = owner[1:]
    else:
        errors.append(("owner", "Choose the nation or unit that owns the corrective action."))
    due = data.get("due_on")
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            due = None
    if not isinstance(due, dt.date):
        errors.append(("due_on", "Give a due date."))
    out["due_on"] = due
    try:
        status = ImprovementStatus(data.get("status") or ImprovementStatus.OPEN.value)
    except ValueError:
        errors.append(("status", "Choose a status."))
        status = ImprovementStatus.OPEN
    out["status"] = status.value
    out["validated_by_adjudication_id"] = None
    if status is ImprovementStatus.VALIDATED:
        chosen = data.get("validated_by_adjudication_id")
        candidates = {a.id for a in validation_candidates(exercise, out["objective_id"])}
        try:
            chosen = int(chosen)
        except (TypeError, ValueError):
            chosen = None
        if chosen not in candidates:
            errors.append(("validated_by_adjudication_id",
                           "A validated item must point to a later exercise in which the objective's capability "
                           "or module was rated P or S."))
        out["validated_by_adjudication_id"] = chosen
    if errors:
        raise Invalid("Please correct the marked fields.", errors=errors)
    return out


def validation_candidates(exercise: Exercise, objective_id) -> list[Adjudication]:
    """Current P or S adjudications, in exercises that started after this one ended, of an objective with
    the same capability or module as the item's objective."""
    if not objective_id:
        return []
    objective = db.session.get(Objective, objective_id)
    matches = []
    if objective.capability:
        matches.append(Objective.capability == objective.capability)
    if objective.module_code:
        matches.append(Objective.module_code == objective.module_code)
    if not matches:
        return []
    return db.session.execute(
        current(Adjudication).join(Objective, Objective.id == Adjudication.objective_id)
        .join(Exercise, Exercise.id == Adjudication.exercise_id)
        .where(or_(*matches), Exercise.start_at > exercise.end_at,
               Adjudication.rating.in_([r.value for r in CREDITING_RATINGS]))
        .order_by(Exercise.start_at, Adjudication.id).limit(200)).scalars().all()


def _editable_cap(actor, exercise_id):
    cap = capacity_for(actor, exercise_id)
    if not cap.can_see_report:
        raise NotFound()
    if not cap.can_edit_report:
        raise Forbidden("Only the lead evaluator, the exercise director or a training officer may change the improvement plan.")
    return cap


def create_improvement_item(actor, exercise_id, data: dict) -> ImprovementItem:
    cap = _editable_cap(actor, exercise_id)
    if cap.exercise.status not in ("endex", "aar_draft", "aar_published", "closed"):
        raise Conflict("Improvement items are added after ENDEX.")
    values = _clean_item(cap.exercise, data, None)
    item = ImprovementItem(exercise_id=cap.exercise.id, created_by_id=actor.id, **values)
    db.session.add(item)
    db.session.flush()
    record_event(actor, "assessment.improvement.create", item, exercise=cap.exercise.code, after=_item_state(item))
    return item


def get_improvement_item(actor, item_id) -> tuple[object, ImprovementItem]:
    try:
        item = db.session.get(ImprovementItem, int(item_id))
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise NotFound()
    cap = capacity_for(actor, item.exercise_id)
    if not cap.can_see_report:
        raise NotFound()
    return cap, item


def update_improvement_item(actor, item_id, data: dict, *, version) -> ImprovementItem:
    cap, item = get_improvement_item(actor, item_id)
    if not cap.can_edit_report:
        raise Forbidden("Only the lead evaluator, the exercise director or a training officer may change the improvement plan.")
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Invalid("The form is damaged. Reload the page and try again.")
    values = _clean_item(cap.exercise, data, item)
    if item.version != version:
        raise Conflict("Someone else changed this improvement item while you were editing it. Nothing of yours was "
                       "lost: your entries are still in the form. Compare with the current item and save again.")
    before = _item_state(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.version = version + 1
    item.updated_at = utcnow()
    db.session.flush()
    record_event(actor, "assessment.improvement.update", item, before=before, after=_item_state(item))
    return item


def _item_state(item: ImprovementItem) -> dict:
    return {"finding": item.finding, "corrective_action": item.corrective_action, "objective_id": item.objective_id,
            "owner_nation": item.owner_nation_code, "owner_unit_id": item.owner_unit_id,
            "point_of_contact": item.point_of_contact, "due_on": item.due_on.isoformat() if item.due_on else None,
            "status": item.status, "validated_by": item.validated_by_adjudication_id}


def list_improvement_items(actor, *, status: str | None = None, overdue_only: bool = False):
    """Improvement items of every exercise the actor manages (or adjudicated), across exercises."""
    reach = scoping.scope_condition(actor, "exercise", "assessment.manage")
    query = (select(ImprovementItem).join(Exercise, Exercise.id == ImprovementItem.exercise_id).where(reach)
             .order_by(ImprovementItem.due_on, ImprovementItem.id))
    if status in {s.value for s in ImprovementStatus}:
        query = query.where(ImprovementItem.status == status)
    if overdue_only:
        query = query.where(ImprovementItem.status.in_([ImprovementStatus.OPEN.value, ImprovementStatus.IN_PROGRESS.value]),
                            ImprovementItem.due_on < utcnow().date())
    return query


def owner_choices(exercise: Exercise) -> list[tuple[str, str]]:
    choices = [(f"n{code}", f"Nation {code}") for code in (exercise.nation_codes or [exercise.lead_nation_code])]
    choices += [(a.key, a.label) for a in all_audiences(exercise) if a.unit_id]
    return choices


def report_document(report: Report, *, classification: str, releasability: str):
    """The plain data the PDF layout draws (see trainer.assessments.pdf)."""
    import zoneinfo

    from trainer.assessments.pdf import AarDocument, AarItem, AarObjective

    ex = report.exercise
    zone = zoneinfo.ZoneInfo(ex.timezone or "UTC")

    def when(value: dt.datetime) -> str:
        local = value.astimezone(zone)
        return f"{local:%d %b %Y %H:%M} {local.tzname()} ({value.astimezone(dt.timezone.utc):%H:%M} UTC)"

    overview = [
        ("Exercise", f"{ex.code} — {ex.title}"),
        ("Type", ex.type_label),
        ("Dates", f"{when(ex.start_at)} to {when(ex.end_at)}"),
        ("Location", f"{ex.location_name or '—'} ({ex.timezone})"),
        ("Lead nation", ex.lead_nation_code),
        ("Participating nations", ", ".join(report.nations)),
        ("Participants", ", ".join(f"{n} {role.replace('_', ' ')}" for role, n in sorted(report.participants.items())) or "—"),
        ("Scenario", ex.scenario_summary or "—"),
        ("Objectives", "; ".join(f"{s.objective.number}. {s.objective.description}" for s in report.sections) or "—"),
    ]
    objectives = [AarObjective(
        number=s.objective.number, description=s.objective.description, capability=s.objective.capability or "",
        ratings=[(a.audience_label, a.rating, a.rationale) for a in s.adjudications],
        strengths=[(o.audience_label, o.narrative) for o in s.strengths],
        improvements=[(o.audience_label, o.narrative) for o in s.improvements]) for s in report.sections]
    items = [AarItem(finding=i.finding, corrective_action=i.corrective_action,
                     objective=f"Objective {i.objective.number}" if i.objective else "—", owner=i.owner_label,
                     point_of_contact=i.point_of_contact or "—", due_on=f"{i.due_on:%d %b %Y}",
                     status=i.status_enum.label) for i in report.items]
    return AarDocument(title=f"{ex.code} — {ex.title}", classification=classification, releasability=releasability,
                       overview=overview, executive_summary=report.aar.executive_summary,
                       rating_labels={r.value: r.label for r in Rating}, counts=report.counts,
                       objectives=objectives, items=items, generated=f"{report.generated_at:%d %b %Y %H:%M} UTC")
