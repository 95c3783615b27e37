"""The people a readiness report lists, read in batches as the report is written (report_pdf.py streams it): each
unit's people with their standing, and everyone not ready with what they miss and why. A batch at a time, so the
report of a hundred thousand people holds no more of them in memory than the report of a thousand."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from trainer.extensions import db
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.readiness import engine, states
from trainer.readiness.aggregate import members_select
from trainer.readiness.listing import _standing
from trainer.readiness.profiles import PROFILE_CONDITION_UNKNOWN, profile_condition

UNITS_PER_BATCH = 200
PEOPLE_PER_BATCH = 1000


@dataclass
class ReportScope:
    """Whom a report covers: the actor's reach (narrowed to one unit's subtree or one nation) on a date."""
    actor: object
    spec: engine.ProfileSpec
    as_of: dt.date
    unit: Unit | None = None
    nation: str | None = None
    condition: object = PROFILE_CONDITION_UNKNOWN

    def members(self):
        if self.condition is PROFILE_CONDITION_UNKNOWN:
            self.condition = profile_condition(self.spec.code)
        return members_select(self.actor, self.as_of, unit=self.unit, profile_condition=self.condition,
                              nation=self.nation)


@dataclass
class ListedPerson:
    name: str
    rank_code: str
    service_number: str
    ready: bool
    valid_until: dt.date | None


def unit_people(scope: ReportScope, unit_ids: list[int]) -> Iterator[tuple[int, list[ListedPerson]]]:
    """(unit id, its people by name) for each of `unit_ids` in that order, read UNITS_PER_BATCH units at a time;
    each person's standing from their readiness stretch (the engine's verdict, tests hold the two equal)."""
    profile = states.profile_of(scope.spec)
    st = states.stretch_alias()
    for start in range(0, len(unit_ids), UNITS_PER_BATCH):
        batch = unit_ids[start:start + UNITS_PER_BATCH]
        members = scope.members().where(UnitAssignment.unit_id.in_(batch)).subquery("m")
        query = (select(members.c.unit_id, Person.id, Person.given_names_latin, Person.family_name_latin,
                        Person.rank_code, Person.service_number, Person.screening, st.valid_until, st.gaps)
                 .join(members, members.c.person_id == Person.id)
                 .outerjoin(st, states.covering(st, Person.id, scope.spec.code, scope.as_of))
                 .order_by(members.c.unit_id, Person.family_name_latin, Person.given_names_latin, Person.id))
        found: dict[int, list[ListedPerson]] = defaultdict(list)
        for unit_id, pid, given, family, rank, number, screening, until, gaps in db.session.execute(query):
            standing = _standing(scope.spec, profile, pid, screening, until, gaps)
            found[unit_id].append(ListedPerson(f"{given} {family}".strip(), rank, number, standing.ready,
                                               standing.valid_until if standing.ready else None))
        for unit_id in batch:
            yield unit_id, found.get(unit_id, [])


@dataclass
class NotReady:
    name: str
    rank_code: str
    service_number: str
    unit_id: int
    gaps: list  # rules.RequirementStatus of each requirement not met, with its reason


def not_ready(scope: ReportScope) -> Iterator[NotReady]:
    """Everyone in scope who is not ready, by name, with each requirement they miss and why (the engine's worded
    verdict), PEOPLE_PER_BATCH people at a time from one streamed query. Who is not ready, and which of their
    requirements to word, is read from their readiness stretch (the engine's verdict, tests hold the two equal);
    the engine then reads the evidence of those requirements only."""
    profile = states.profile_of(scope.spec)
    members = scope.members().subquery("m")
    st = states.stretch_alias()
    ready = states.ready_in(st, Person, profile, screening_required=scope.spec.screening_required)
    query = (select(Person.id, Person.given_names_latin, Person.family_name_latin, Person.rank_code,
                    Person.service_number, members.c.unit_id, st.gaps)
             .join(members, members.c.person_id == Person.id)
             .outerjoin(st, states.covering(st, Person.id, scope.spec.code, scope.as_of)).where(~ready)
             .order_by(Person.family_name_latin, Person.given_names_latin, Person.id)
             .execution_options(yield_per=PEOPLE_PER_BATCH))
    result = db.session.execute(query)
    for rows in result.partitions():
        missing = {row[0]: {key for key, _state in profile.decode(row[6])} for row in rows}
        verdicts = engine.evaluate(list(missing), scope.spec, scope.as_of, only=missing)
        for pid, given, family, rank, number, unit_id, _gaps in rows:
            verdict = verdicts.get(pid)
            if verdict is not None and not verdict.ready:
                yield NotReady(f"{given} {family}".strip(), rank, number, unit_id, verdict.gaps)
