"""What each exercise page reads, in one call per page: the calendar (list or month), the exercise's
overview, its participants, the nomination form and the exercise form's choices."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.enums import ExerciseType
from trainer.exercises import access, conflicts, evaluators, participants, services, transitions
from trainer.exercises.calendar import Day, month_bounds, month_grid
from trainer.exercises.models import Exercise, ExerciseStatus, EvaluatorAssignment, Participant
from trainer.exercises.timeutil import utc_to_local
from trainer.extensions import db
from trainer.org.models import Nation, Unit

# Units a planner may commit to an exercise: formed units, staffs and training centres of any nation
# (a multinational exercise commits other nations' units too).
COMMITTABLE_UNIT_KINDS = ("contingent", "battalion", "formed_police_unit", "company", "staff", "training_centre")
MAX_FORM_UNITS = 3000


# --- the calendar ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    nation: str | None = None
    type: str | None = None
    status: str | None = None

    @classmethod
    def read(cls, nation: str | None, type_: str | None, status: str | None) -> Filters:
        """The filters as typed, each dropped when it is not one of the known values."""
        return cls(nation=(nation or "").upper() or None,
                   type=type_ if type_ in {t.value for t in ExerciseType} else None,
                   status=status if status in {s.value for s in ExerciseStatus} else None)

    def as_dict(self) -> dict:
        return {"nation": self.nation, "type": self.type, "status": self.status}


@dataclass
class MonthPage:
    weeks: list[list[Day]]
    month_label: str
    prev_month: str
    next_month: str
    today: dt.date


def list_active_nations(actor) -> list[Nation]:
    """The active nations, by code: any signed-in user may filter the calendar by any nation, and a
    planner may invite any nation to an exercise."""
    return list(db.session.scalars(select(Nation).where(Nation.active.is_(True)).order_by(Nation.code)))


def _month_shown(month_text: str | None, today: dt.date) -> tuple[int, int]:
    """The year and month asked for as YYYY-MM, or this month."""
    try:
        year, month = (int(x) for x in (month_text or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def get_month_page(actor, filters: Filters, *, month_text: str | None, viewer_zone: str, now: dt.datetime) -> MonthPage:
    """A month of the calendar in the viewer's zone, each day listing the exercises running on it."""
    today = utc_to_local(now, viewer_zone).date()
    year, month = _month_shown(month_text, today)
    start, end = month_bounds(year, month, viewer_zone)
    exercises = services.list_exercises(actor, nation=filters.nation, type_=filters.type, status=filters.status,
                                        start=start, end=end)
    first = dt.date(year, month, 1)
    return MonthPage(weeks=month_grid(year, month, exercises, viewer_zone), month_label=first.strftime("%B %Y"),
                     prev_month=(first - dt.timedelta(days=1)).strftime("%Y-%m"),
                     next_month=(first + dt.timedelta(days=32)).strftime("%Y-%m"), today=today)


# --- one exercise ---------------------------------------------------------------------------

@dataclass
class OverviewPage:
    transitions: list
    report: conflicts.ConflictCounts
    counts: dict[str, int]
    mine: Participant | None


def get_overview_page(actor, ex: Exercise) -> OverviewPage:
    return OverviewPage(transitions=transitions.list_transitions(actor, ex), report=conflicts.count_conflicts(ex),
                        counts=participants.count_visible_participants(actor, ex),
                        mine=access.own_participation(actor, ex))


@dataclass
class ParticipantsPage:
    by_nation: dict[str, list[tuple[Participant, bool]]]
    report: conflicts.ConflictReport
    nominating: set[str]
    assignments: list[EvaluatorAssignment]
    choices: evaluators.AssignmentChoices | None
    withdrawable: set[int] = field(default_factory=set)


def get_participants_page(actor, ex: Exercise) -> ParticipantsPage:
    """The participants the actor may see, by nation, with their conflicts; the evaluator assignments and,
    for a planner, the choices of the form that assigns one."""
    rows = participants.visible_participants(actor, ex)
    by_nation: dict[str, list] = {}
    for participant, detail in rows:
        by_nation.setdefault(participant.nation_code, []).append((participant, detail))
    planner = access.is_planner(actor, ex)
    nominating = access.nominating_nations(actor, ex)
    return ParticipantsPage(
        by_nation=by_nation, report=conflicts.exercise_conflicts(actor, ex), nominating=nominating,
        assignments=evaluators.list_assignments(actor, ex) if rows else [],
        choices=evaluators.assignment_choices(ex, [p for p, _ in rows]) if planner else None,
        withdrawable={p.id for p, _ in rows if planner or p.nation_code in nominating})


# --- the exercise form ----------------------------------------------------------------------

@dataclass
class FormOptions:
    nations: list[Nation]
    units: list[Unit]
    own_nations: set[str]


def get_exercise_form_options(actor) -> FormOptions:
    """The nations and units the exercise form offers, and the nations the actor plans for as a whole
    (the one lead nation to suggest when there is only one)."""
    nations = list_active_nations(actor)
    units = list(db.session.scalars(select(Unit).where(Unit.kind.in_(COMMITTABLE_UNIT_KINDS))
                                    .order_by(Unit.nation_code, Unit.path).limit(MAX_FORM_UNITS)))
    return FormOptions(nations, units, access.nations_granted(actor, "exercise.plan"))
