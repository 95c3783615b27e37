"""Conflicts of one exercise, found with a fixed number of set-based queries whatever its size.

- a person in two overlapping exercises (blocks confirmation when confirmed in the other);
- a unit committed to overlapping exercises (warning; a unit and its sub-units count as one);
- players missing the prerequisite modules (warning listing who lacks what);
- an evaluator of the same nation as the players or unit they evaluate (warning).
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased

from trainer.auth import scoping
from trainer.auth.policy import parts_with
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, EvaluatorAssignment, Exercise, ExerciseStatus, ExerciseUnit, Objective, Participant,
    ParticipantStatus,
)
from trainer.exercises.timeutil import get_zone
from trainer.extensions import db
from trainer.org.models import Unit

CONFIRMED = ParticipantStatus.CONFIRMED.value
NOT_COUNTED = (ExerciseStatus.CANCELLED.value,)

# Aliases are built once: building one copies every column of its table, foreign keys included,
# which took longer than running the queries that use it.
_OtherParticipant = aliased(Participant)
_OtherExercise = aliased(Exercise)
_OtherExerciseUnit = aliased(ExerciseUnit)
_ThisUnit = aliased(Unit)
_OtherUnit = aliased(Unit)
_Evaluator = aliased(Participant)
_TargetParticipant = aliased(Participant)
_TargetUnit = aliased(Unit)


class _Checked:
    """Stand-ins for the exercise being checked: the page's queries are built once with these and run
    with each exercise's values, which skips building and keying the statement on every request."""
    id = bindparam("exercise_id")
    start_at = bindparam("start_at")
    end_at = bindparam("end_at")


def _values(ex: Exercise) -> dict:
    return {"exercise_id": ex.id, "start_at": ex.start_at, "end_at": ex.end_at}


@dataclass
class DoubleBooking:
    participant: Participant
    other_code: str
    other_title: str
    other_visible: bool
    other_status: str      # the person's status in the other exercise
    blocking: bool         # confirmed in the other exercise

    @property
    def other_status_label(self) -> str:
        return ParticipantStatus(self.other_status).label.lower()


@dataclass
class UnitOverlap:
    unit_code: str
    unit_nation: str
    other_unit_code: str
    other_code: str
    other_title: str
    other_visible: bool


@dataclass
class MissingPrerequisites:
    participant: Participant
    modules: list[str]


@dataclass
class SameNationEvaluator:
    evaluator: Participant
    objective_number: int
    target: str


@dataclass(frozen=True)
class ConflictCounts:
    """How many conflicts an exercise has, and how many of them block confirmation."""
    total: int
    blocking: int


@dataclass
class ConflictReport:
    double_bookings: list[DoubleBooking] = field(default_factory=list)
    unit_overlaps: list[UnitOverlap] = field(default_factory=list)
    missing_prerequisites: list[MissingPrerequisites] = field(default_factory=list)
    same_nation_evaluators: list[SameNationEvaluator] = field(default_factory=list)
    prerequisites_unchecked: bool = False
    by_participant: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def blocking(self) -> int:
        return sum(1 for b in self.double_bookings if b.blocking)

    @property
    def total(self) -> int:
        return (len(self.double_bookings) + len(self.unit_overlaps) + len(self.missing_prerequisites)
                + len(self.same_nation_evaluators))


def _overlapping(other, ex: Exercise):
    return (other.id != ex.id, other.status.not_in(NOT_COUNTED), other.start_at < ex.end_at, other.end_at > ex.start_at)


def _visible_ids(actor, ids: set[int]) -> set[int]:
    if not ids or actor is None:
        return set()
    return set(db.session.scalars(select(Exercise.id).where(
        Exercise.id.in_(ids), scoping.scope_condition(actor, "exercise", "anything"))))


@functools.cache
def _person_bookings_query():
    other_p, other = _OtherParticipant, _OtherExercise
    return (select(Participant.id, Participant.person_id, other.id, other.code, other.title, other_p.status)
            .join(other_p, other_p.person_id == Participant.person_id)
            .join(other, other.id == other_p.exercise_id)
            .where(Participant.exercise_id == _Checked.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES),
                   other_p.status.in_(ACTIVE_PARTICIPANT_STATUSES), *_overlapping(other, _Checked))
            .order_by(other.start_at))


def _person_bookings(ex: Exercise):
    """(participant id, person id, other exercise id, code, title, status of the person there)."""
    return db.session.execute(_person_bookings_query(), _values(ex)).all()


def blocking_bookings(actor, ex: Exercise, person_id: int) -> list[str]:
    """Where the person is already confirmed in an overlapping exercise, in words."""
    other_p, other = _OtherParticipant, _OtherExercise
    rows = db.session.execute(
        select(other.id, other.code, other.title).join(other_p, other_p.exercise_id == other.id)
        .where(other_p.person_id == person_id, other_p.status == CONFIRMED, *_overlapping(other, ex))).all()
    visible = _visible_ids(actor, {r[0] for r in rows})
    return [f"{r.code} — {r.title}" if r[0] in visible else _("an exercise led by another nation") for r in rows]


def blocking_conflicts_count(ex: Exercise) -> int:
    other_p, other = _OtherParticipant, _OtherExercise
    return len(db.session.execute(
        select(Participant.id).join(other_p, other_p.person_id == Participant.person_id)
        .join(other, other.id == other_p.exercise_id)
        .where(Participant.exercise_id == ex.id, Participant.status == CONFIRMED, other_p.status == CONFIRMED,
               *_overlapping(other, ex)).distinct()).all())


def _completions_table():
    return db.metadata.tables.get("completions")


@functools.cache
def _unit_overlaps_query():
    this_unit, other_unit, other_eu, other = _ThisUnit, _OtherUnit, _OtherExerciseUnit, _OtherExercise
    return (select(this_unit.code, this_unit.nation_code, other_unit.code, other.id, other.code, other.title)
            .select_from(ExerciseUnit)
            .join(this_unit, this_unit.id == ExerciseUnit.unit_id)
            .join(other, other.id != _Checked.id)
            .join(other_eu, other_eu.exercise_id == other.id)
            .join(other_unit, other_unit.id == other_eu.unit_id)
            .where(ExerciseUnit.exercise_id == _Checked.id, *_overlapping(other, _Checked),
                   or_(this_unit.path.startswith(other_unit.path), other_unit.path.startswith(this_unit.path)))
            .order_by(this_unit.code, other.start_at))


def _unit_overlaps(ex: Exercise):
    """(unit code, its nation, the other unit's code, other exercise id, code, title) for units (or their
    parent/sub-units) committed to overlapping exercises."""
    return db.session.execute(_unit_overlaps_query(), _values(ex)).all()


@functools.cache
def _modules_held_query(table):
    newer = table.alias("newer")
    return (select(Participant.id, table.c.module_code).select_from(Participant)
            .outerjoin(table, and_(table.c.person_id == Participant.person_id,
                                   table.c.module_code.in_(bindparam("codes", expanding=True)),
                                   or_(table.c.valid_until.is_(None), table.c.valid_until >= bindparam("start_day")),
                                   ~exists().where(newer.c.supersedes_id == table.c.id)))
            .where(Participant.exercise_id == _Checked.id, Participant.role.in_(parts_with("exercise.play")),
                   Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES))
            .order_by(Participant.id))


def prerequisite_gaps(ex: Exercise) -> dict[int, list[str]] | None:
    """The prerequisite modules each active player lacks (participant id -> codes, in participant order):
    a module counts when valid on the exercise's first local day and not superseded. Players lacking
    nothing are left out; None when learning records are not available."""
    codes = ex.prerequisite_codes
    if not codes:
        return {}
    table = _completions_table()
    if table is None:
        return None
    start_day = ex.start_at.astimezone(get_zone(ex.timezone)).date()
    rows = db.session.execute(_modules_held_query(table),
                              {"exercise_id": ex.id, "codes": codes, "start_day": start_day}).all()
    held: dict[int, set[str]] = {}
    for participant_id, module_code in rows:  # a player holding none of the modules comes once, with None
        held.setdefault(participant_id, set()).add(module_code)
    gaps = {}
    for participant_id, modules in held.items():
        lacking = [c for c in codes if c not in modules]
        if lacking:
            gaps[participant_id] = lacking
    return gaps


@functools.cache
def _same_nation_query():
    target_p, target_u, evaluator = _TargetParticipant, _TargetUnit, _Evaluator
    return (select(evaluator.id, Objective.number, target_p.id, target_u.code, target_u.nation_code)
            .select_from(EvaluatorAssignment)
            .join(evaluator, evaluator.id == EvaluatorAssignment.participant_id)
            .join(Objective, Objective.id == EvaluatorAssignment.objective_id)
            .outerjoin(target_p, target_p.id == EvaluatorAssignment.target_participant_id)
            .outerjoin(target_u, target_u.id == EvaluatorAssignment.target_unit_id)
            .where(evaluator.exercise_id == _Checked.id, evaluator.status.in_(ACTIVE_PARTICIPANT_STATUSES),
                   or_(target_p.nation_code == evaluator.nation_code, target_u.nation_code == evaluator.nation_code))
            .order_by(Objective.number))


def _same_nation_evaluations(ex: Exercise):
    """(evaluator id, objective number, target participant id, target unit code, its nation) where an
    active evaluator evaluates a player or unit of their own nation."""
    return db.session.execute(_same_nation_query(), {"exercise_id": ex.id}).all()


def exercise_conflicts(actor, ex: Exercise) -> ConflictReport:
    report = ConflictReport()
    participants = {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.exercise_id == ex.id))}

    # 1. People booked in overlapping exercises.
    bookings = _person_bookings(ex)
    visible = _visible_ids(actor, {r[2] for r in bookings})
    for participant_id, _person_id, other_id, code, title, status in bookings:
        participant = participants[participant_id]
        booking = DoubleBooking(participant, code, title, other_id in visible, status, status == CONFIRMED)
        report.double_bookings.append(booking)
        where = code if booking.other_visible else _("an exercise led by another nation")
        state = ParticipantStatus(status).label.lower()
        report.by_participant[participant_id].append(
            _("Also %(status)s in overlapping %(where)s — confirmation blocked", status=state, where=where)
            if booking.blocking else _("Also %(status)s in overlapping %(where)s", status=state, where=where))

    # 2. Units (or their parent/sub-units) committed to overlapping exercises.
    overlaps = _unit_overlaps(ex)
    visible_units = _visible_ids(actor, {r[3] for r in overlaps})
    for code, nation, other_code_unit, other_id, other_code, other_title in overlaps:
        report.unit_overlaps.append(UnitOverlap(code, nation, other_code_unit, other_code, other_title,
                                                other_id in visible_units))

    # 3. Players missing prerequisite modules.
    gaps = prerequisite_gaps(ex)
    if gaps is None:
        report.prerequisites_unchecked = True
    else:
        for pid, lacking in gaps.items():
            report.missing_prerequisites.append(MissingPrerequisites(participants[pid], lacking))
            report.by_participant[pid].append(_("Missing prerequisite %(modules)s", modules=", ".join(lacking)))

    # 4. Evaluators of the same nation as those they evaluate.
    for evaluator_id, number, target_id, unit_code, unit_nation in _same_nation_evaluations(ex):
        ev = participants[evaluator_id]
        if target_id is not None:
            t = participants[target_id]
            target = _("player %(rank)s %(name)s (%(nation)s)", rank=t.person.rank_code, name=t.person.full_name_latin,
                       nation=t.nation_code)
        else:
            target = _("unit %(unit)s (%(nation)s)", unit=unit_code, nation=unit_nation)
        report.same_nation_evaluators.append(SameNationEvaluator(ev, number, target))
        report.by_participant[evaluator_id].append(_("Evaluates own nation (%(target)s) on objective %(number)s",
                                                     target=target, number=number))
    return report


def count_conflicts(ex: Exercise) -> ConflictCounts:
    """The totals of `exercise_conflicts`, from the same queries but without loading the participants
    and their people, which only the full list names."""
    bookings = _person_bookings(ex)
    overlaps = _unit_overlaps(ex) if ex.units else []
    gaps = prerequisite_gaps(ex) or {}
    total = len(bookings) + len(overlaps) + len(gaps) + len(_same_nation_evaluations(ex))
    return ConflictCounts(total=total, blocking=sum(1 for row in bookings if row[5] == CONFIRMED))
