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
from trainer.exercises.statuses import FINISHED
from trainer.exercises.timeutil import utc_offset_at, utc_to_local, zone_names
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
    first: dt.date                # the month's first day (the view words it in the reader's language)
    prev_month: str | None        # None at the edge of the calendar
    next_month: str | None
    today: dt.date


# The months the calendar shows: a month's grid runs into the weeks either side, and the date type
# ends at the years 1 and 9999.
FIRST_YEAR, LAST_YEAR = 1900, 9998


def list_active_nations(actor) -> list[Nation]:
    """The active nations, by code: any signed-in user may filter the calendar by any nation, and a
    planner may invite any nation to an exercise."""
    return list(db.session.scalars(select(Nation).where(Nation.active.is_(True)).order_by(Nation.code)))


def _month_shown(month_text: str | None, today: dt.date) -> tuple[int, int]:
    """The year and month asked for as YYYY-MM, or this month (also for a month the calendar does not show)."""
    try:
        year, month = (int(x) for x in (month_text or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return today.year, today.month
    return year, month


def _month_link(day: dt.date) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if FIRST_YEAR <= day.year <= LAST_YEAR else None


def get_month_page(actor, filters: Filters, *, month_text: str | None, viewer_zone: str, now: dt.datetime) -> MonthPage:
    """A month of the calendar in the viewer's zone, each day listing the exercises running on it."""
    today = utc_to_local(now, viewer_zone).date()
    year, month = _month_shown(month_text, today)
    start, end = month_bounds(year, month, viewer_zone)
    exercises = services.list_exercises(actor, nation=filters.nation, type_=filters.type, status=filters.status,
                                        start=start, end=end)
    first = dt.date(year, month, 1)
    return MonthPage(weeks=month_grid(year, month, exercises, viewer_zone), first=first,
                     prev_month=_month_link(first - dt.timedelta(days=1)),
                     next_month=_month_link(first + dt.timedelta(days=32)), today=today)


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
    missing: dict[int, list[str]] = field(default_factory=dict)   # prerequisite modules each player lacks
    open: bool = True  # a finished exercise's participants and assignments are its record: nothing to change


def get_participants_page(actor, ex: Exercise) -> ParticipantsPage:
    """The participants the actor may see, by nation, with their conflicts; the evaluator assignments and,
    for a planner, the choices of the form that assigns one."""
    rows = participants.visible_participants(actor, ex)
    by_nation: dict[str, list] = {}
    for participant, detail in rows:
        by_nation.setdefault(participant.nation_code, []).append((participant, detail))
    open_ = ex.status_enum not in FINISHED
    planner = access.is_planner(actor, ex)
    nominating = access.nominating_nations(actor, ex)
    report = conflicts.exercise_conflicts(actor, ex)
    return ParticipantsPage(
        by_nation=by_nation, report=report, nominating=nominating,
        missing={m.participant.id: m.modules for m in report.missing_prerequisites},
        assignments=evaluators.list_assignments(actor, ex) if rows else [],
        choices=evaluators.assignment_choices(ex, [p for p, _ in rows]) if planner and open_ else None,
        withdrawable={p.id for p, _ in rows if open_ and (planner or p.nation_code in nominating)}, open=open_)


# --- the exercise form ----------------------------------------------------------------------

@dataclass
class FormOptions:
    nations: list[Nation]
    units: list[Unit]
    own_nations: set[str]
    modules: list[tuple[str, str]] = field(default_factory=list)
    zones: list[tuple[str, str]] = field(default_factory=list)


def list_module_choices(language: str) -> list[tuple[str, str]]:
    """The current modules of the curricula as (code, "code — title") in the reader's language (English when
    the module has no title in it); none when there is no catalogue."""
    table = db.metadata.tables.get("modules")
    if table is None:
        return []
    rows = db.session.execute(select(table.c.code, table.c.title).where(table.c.is_current.is_(True))
                              .order_by(table.c.code)).all()
    choices, seen = [], set()
    for code, title in rows:
        if code in seen:
            continue
        seen.add(code)
        title = title if isinstance(title, dict) else {}
        text = title.get(language) or title.get("en") or ""
        choices.append((code, f"{code} — {text}" if text else code))
    return choices


def list_zone_choices(now: dt.datetime) -> list[tuple[str, str]]:
    """Every IANA zone with its offset from UTC now, e.g. ("Asia/Kathmandu", "Asia/Kathmandu (UTC+05:45)")."""
    return [(zone, f"{zone.replace('_', ' ')} ({utc_offset_at(now, zone)})") for zone in zone_names()]


def get_exercise_form_options(actor, *, language: str = "en", now: dt.datetime | None = None) -> FormOptions:
    """The nations, units, modules and time zones the exercise form offers, and the nations the actor plans
    for as a whole (the one lead nation to suggest when there is only one)."""
    nations = list_active_nations(actor)
    units = list(db.session.scalars(select(Unit).where(Unit.kind.in_(COMMITTABLE_UNIT_KINDS))
                                    .order_by(Unit.nation_code, Unit.path).limit(MAX_FORM_UNITS)))
    return FormOptions(nations, units, access.nations_granted(actor, "exercise.plan"),
                       modules=list_module_choices(language),
                       zones=list_zone_choices(now or dt.datetime.now(dt.timezone.utc)))
