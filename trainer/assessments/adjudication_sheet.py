"""What the lead evaluator's adjudication page reads: every player and unit of an objective with the
evaluators' current ratings side by side and the decision taken so far, the ones waiting for a decision
first, filtered by where they stand; and how far adjudication has got on each objective."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.assessments.access import Audience, Capacity, audiences_for, capacity_for, get_objective, require_adjudicator
from trainer.assessments.models import Adjudication, RatingRecord
from trainer.assessments.records import current
from trainer.exercises.models import Objective
from trainer.extensions import db

PENDING, ADJUDICATED, UNRATED = "pending", "adjudicated", "unrated"
# The page's filters: rated shows everything evaluators rated or the lead decided, the undecided first.
FILTERS = ("pending", "rated", "adjudicated")
DEFAULT_FILTER = "rated"
# Where a row stands, in the order the page lists them.
ORDER = {PENDING: 0, ADJUDICATED: 1, UNRATED: 2}


@dataclass
class AdjudicationRow:
    audience: Audience
    ratings: list = field(default_factory=list)     # every evaluator's current rating, side by side
    current: Adjudication | None = None
    history: list = field(default_factory=list)

    @property
    def state(self) -> str:
        """adjudicated (a decision stands), pending (rated, waiting for a decision) or unrated."""
        if self.current is not None:
            return ADJUDICATED
        return PENDING if self.ratings else UNRATED


@dataclass
class AdjudicationSheet:
    cap: Capacity
    objective: Objective
    rows: list[AdjudicationRow]          # the rows the filter shows, the pending ones first
    unrated: list[Audience]              # nobody rated them: adjudicated from one short form
    counts: dict[str, int]               # rows in each filter
    shown: str                           # the filter applied


def _matches(row: AdjudicationRow, shown: str) -> bool:
    if shown == "pending":
        return row.state == PENDING
    if shown == "adjudicated":
        return row.state == ADJUDICATED
    return row.state != UNRATED


def adjudication_sheet(actor, exercise_id, objective_id, *, shown: str | None = None,
                       keep: str | None = None) -> AdjudicationSheet:
    """The objective's players and units for the filter `shown` (pending, rated or adjudicated; rated when
    unknown), the ones waiting for a decision first. `keep` is the audience of a refused form, shown
    whatever the filter so that what was typed stays on the page."""
    cap = capacity_for(actor, exercise_id)
    require_adjudicator(cap)
    objective = get_objective(cap.exercise, objective_id)
    shown = shown if shown in FILTERS else DEFAULT_FILTER
    ratings = db.session.execute(current(RatingRecord).where(RatingRecord.objective_id == objective.id)
                                 .order_by(RatingRecord.rated_at)).scalars().all()
    adjudications = db.session.execute(select(Adjudication).where(Adjudication.objective_id == objective.id)
                                       .order_by(Adjudication.id)).scalars().all()
    superseded = {a.supersedes_id for a in adjudications if a.supersedes_id}
    rows = []
    for audience in audiences_for(cap, objective):
        row = AdjudicationRow(audience)
        row.ratings = [r for r in ratings if r.audience_key == audience.key]
        row.history = [a for a in adjudications if a.audience == audience.key]
        heads = [a for a in row.history if a.id not in superseded]
        row.current = heads[-1] if heads else None
        rows.append(row)
    counts = {name: sum(1 for row in rows if _matches(row, name)) for name in FILTERS}
    shown_rows = [row for row in rows if _matches(row, shown)
                  or (keep and row.audience.key == keep and row.state != UNRATED)]
    shown_rows.sort(key=lambda row: ORDER[row.state])  # stable: the audience order within each state
    return AdjudicationSheet(cap=cap, objective=objective, rows=shown_rows,
                             unrated=[row.audience for row in rows if row.state == UNRATED], counts=counts,
                             shown=shown)


@dataclass(frozen=True)
class Progress:
    """How far adjudication has got on one objective: rated and waiting for a decision, decided."""
    pending: int
    adjudicated: int


def adjudication_progress(exercise_id: int) -> dict[int, Progress]:
    """Each objective's progress (objective id -> Progress), from two queries for the whole exercise."""
    rated = set(db.session.execute(current(RatingRecord).where(RatingRecord.exercise_id == exercise_id)).scalars())
    decided = db.session.execute(current(Adjudication).where(Adjudication.exercise_id == exercise_id)).scalars().all()
    decided_keys = {(a.objective_id, a.audience) for a in decided}
    waiting = {(r.objective_id, r.audience_key) for r in rated} - decided_keys
    pending = Counter(objective_id for objective_id, _ in waiting)
    adjudicated = Counter(objective_id for objective_id, _ in decided_keys)
    return {objective_id: Progress(pending.get(objective_id, 0), adjudicated.get(objective_id, 0))
            for objective_id in set(pending) | set(adjudicated)}
