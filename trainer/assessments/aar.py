"""The after-action report: generated from the record, with an editable executive summary (version-checked),
and the plain data its PDF draws."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from babel.dates import format_date, format_datetime
from flask_babel import get_locale, gettext as _, ngettext
from sqlalchemy import select

from trainer import typed_values
from trainer.assessments.access import Capacity, capacity_for, require_report_editor
from trainer.assessments.models import (
    Adjudication, AfterActionReport, ImprovementItem, Observation, ObservationKind,
)
from trainer.assessments.records import current
from trainer.assessments.rules import check_version, raise_invalid
from trainer.audit.services import record_event
from trainer.db import utcnow
from trainer.enums import ParticipantRole, Rating
from trainer.errors import Conflict, NotFound
from trainer.exercises.models import Exercise, Objective, Participant, ParticipantStatus
from trainer.extensions import db
from trainer.transactions import flush_versioned


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


# How many people hold a part, with the part's plural in each language.
_PARTICIPANT_COUNTS = {
    ParticipantRole.PLAYER: lambda n: ngettext("%(num)d player", "%(num)d players", n),
    ParticipantRole.CONTROLLER: lambda n: ngettext("%(num)d controller", "%(num)d controllers", n),
    ParticipantRole.EVALUATOR: lambda n: ngettext("%(num)d evaluator", "%(num)d evaluators", n),
    ParticipantRole.LEAD_EVALUATOR: lambda n: ngettext("%(num)d lead evaluator", "%(num)d lead evaluators", n),
    ParticipantRole.OBSERVER: lambda n: ngettext("%(num)d observer", "%(num)d observers", n),
    ParticipantRole.TRUSTED_AGENT: lambda n: ngettext("%(num)d trusted agent", "%(num)d trusted agents", n),
    ParticipantRole.EXERCISE_DIRECTOR: lambda n: ngettext("%(num)d exercise director", "%(num)d exercise directors",
                                                          n),
}


def participant_count(role: str, n: int) -> str:
    try:
        return _PARTICIPANT_COUNTS[ParticipantRole(role)](n)
    except (KeyError, ValueError):
        return f"{n} {role}"


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
    def roles(self) -> list[str]:
        """How many confirmed participants hold each part, in the reader's words ("2 controllers")."""
        return [participant_count(role, n) for role, n in sorted(self.participants.items())]

    @property
    def counts(self) -> dict[str, int]:
        total = Counter()
        for s in self.sections:
            total.update(s.counts)
        return {r.value: total.get(r.value, 0) for r in Rating}


def _aar_row(exercise: Exercise) -> AfterActionReport:
    row = db.session.execute(select(AfterActionReport).where(AfterActionReport.exercise_id == exercise.id)).scalar_one_or_none()
    return row or AfterActionReport(exercise_id=exercise.id, executive_summary="", version=0)


def get_report(actor, exercise_id) -> tuple[Capacity, Report]:
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
    require_report_editor(cap, _("Only the lead evaluator, the exercise director or a training officer may edit the "
                                 "report."))
    if cap.exercise.status == "closed":
        raise Conflict(_("The exercise is closed: its after-action report can no longer be changed."))
    text = (summary or "").strip()
    if len(text) > 20000:
        raise_invalid("executive_summary", _("The executive summary is too long (at most 20,000 characters)."))
    row = _aar_row(cap.exercise)
    if text != row.executive_summary and typed_values.has_control_character(text, multiline=True):
        raise_invalid("executive_summary", typed_values.control_character_message(multiline=True))
    version = check_version(version)
    conflict = _("Someone else saved the executive summary while you were editing it. Nothing of yours was lost: "
                 "your text is still in the form. Compare it with the current summary and save again.")
    if row.version != version:
        raise Conflict(conflict)
    before = row.executive_summary
    if row.id is None:
        db.session.add(row)
    row.executive_summary = text
    row.updated_by_id = actor.id
    row.updated_at = utcnow()
    flush_versioned(conflict)  # the version the form read, checked again by the UPDATE itself
    record_event(actor, "assessment.aar.summary", row, exercise=cap.exercise.code,
                 before={"executive_summary": before}, after={"executive_summary": text, "version": row.version})
    return row


def _texts():
    from trainer.assessments.pdf import AarTexts

    return AarTexts(
        heading=_("After-action report and improvement plan"),
        generated=_("Generated from the assessment record on %(when)s."),
        overview=_("Exercise overview"), executive_summary=_("Executive summary"),
        no_summary=_("No executive summary has been written yet."), ratings=_("Ratings"),
        chart_title=_("Adjudicated ratings (count per rating)"), analysis=_("Analysis of objectives"),
        objective=_("Objective %(number)s: %(description)s"), capability=_("Capability: %(capability)s"),
        audience=_("Training audience"), rating=_("Rating"), rationale=_("Rationale"),
        not_adjudicated=_("Not adjudicated."), strengths=_("Strengths"), improvements=_("Areas for improvement"),
        plan=_("Improvement plan"),
        plan_columns=(_("Finding"), _("Corrective action"), _("Objective"), _("Owner"), _("Point of contact"),
                      _("Due"), _("Status")),
        no_items=_("No improvement items."), page=_("Page %(number)s"), entry=_("%(where)s: %(message)s"))


def report_document(report: Report, *, classification: str, releasability: str):
    """The plain data the PDF layout draws (see trainer.assessments.pdf), worded in the reader's language."""
    import zoneinfo

    from trainer.assessments.pdf import AarDocument, AarItem, AarObjective

    ex = report.exercise
    zone = zoneinfo.ZoneInfo(ex.timezone or "UTC")

    def when(value: dt.datetime) -> str:
        return _("%(local)s %(zone)s (%(utc)s UTC)", local=format_datetime(value, "d MMM y HH:mm", tzinfo=zone,
                                                                          locale=_locale()),
                 zone=value.astimezone(zone).tzname(), utc=value.astimezone(dt.timezone.utc).strftime("%H:%M"))

    roles = ", ".join(report.roles)
    overview = [
        (_("Exercise"), f"{ex.code} — {ex.title}"),
        (_("Type"), ex.type_label),
        (_("Dates"), _("%(start)s to %(end)s", start=when(ex.start_at), end=when(ex.end_at))),
        (_("Location"), f"{ex.location_name or '—'} ({ex.timezone})"),
        (_("Lead nation"), ex.lead_nation_code),
        (_("Participating nations"), ", ".join(report.nations)),
        (_("Participants"), roles or "—"),
        (_("Scenario"), ex.scenario_summary or "—"),
        (_("Objectives"), "; ".join(f"{s.objective.number}. {s.objective.description}" for s in report.sections) or "—"),
    ]
    objectives = [AarObjective(
        number=s.objective.number, description=s.objective.description, capability=s.objective.capability or "",
        ratings=[(a.audience_label, a.rating, a.rationale) for a in s.adjudications],
        strengths=[(o.audience_label, o.narrative) for o in s.strengths],
        improvements=[(o.audience_label, o.narrative) for o in s.improvements]) for s in report.sections]
    items = [AarItem(finding=i.finding, corrective_action=i.corrective_action,
                     objective=_("Objective %(number)s", number=i.objective.number) if i.objective else "—",
                     owner=i.owner_label, point_of_contact=i.point_of_contact or "—",
                     due_on=format_date(i.due_on, "d MMM y", locale=_locale()), status=i.status_enum.label)
             for i in report.items]
    return AarDocument(title=f"{ex.code} — {ex.title}", classification=classification, releasability=releasability,
                       overview=overview, executive_summary=report.aar.executive_summary,
                       rating_labels={r.value: r.label for r in Rating}, counts=report.counts,
                       objectives=objectives, items=items,
                       generated=_("%(when)s UTC", when=format_datetime(report.generated_at, "d MMM y HH:mm",
                                                                         tzinfo=dt.timezone.utc, locale=_locale())),
                       texts=_texts())


def _locale():
    return get_locale() or "en"
