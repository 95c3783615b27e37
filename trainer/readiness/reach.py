"""Which readiness profiles reach which people, for keeping their stretches (states.py).

A profile reaches a person when it is assigned to them, or to a unit of any of their postings (past, present
or future) or a unit above it; a profile assigned to nobody applies to everyone. The figures only ever count
a person for a profile that reaches them on the date (profiles.profile_condition), so those are the only
stretches kept: most people are held to one or two of the profiles, not to all of them.

Stretches of a profile that no longer reaches someone may stay behind; they are exact, and never read.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from trainer.org.models import Unit, UnitAssignment


class Reach:
    def __init__(self, universal: frozenset[str], by_person: dict[int, frozenset[str]]):
        self.universal = universal
        self.by_person = by_person

    def profiles_of(self, person_id: int) -> frozenset[str]:
        return self.by_person.get(person_id, self.universal)


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def load(conn, person_ids=None) -> Reach:
    """The reach of every profile (for `person_ids` only, when given)."""
    from trainer.curricula.models import ReadinessProfile

    codes = frozenset(conn.execute(select(ReadinessProfile.code)).scalars())
    try:
        from trainer.learning.models import ProfileAssignment as pa
    except ImportError:  # no assignments: every profile applies to everyone
        return Reach(codes, {})
    live = conn.execute(select(pa.profile_code, pa.unit_id, pa.person_id).where(pa.withdrawn_at.is_(None))).all()
    universal = codes - {code for code, _, _ in live}
    by_unit: dict[int, set[str]] = defaultdict(set)
    reached: dict[int, set[str]] = defaultdict(set)
    wanted = None if person_ids is None else set(person_ids)
    for code, unit_id, person_id in live:
        if unit_id is not None:
            by_unit[unit_id].add(code)
        elif person_id is not None and (wanted is None or person_id in wanted):
            reached[person_id].add(code)
    if by_unit:
        unit_reach: dict[int, set[str]] = {}
        for unit_id, path in conn.execute(select(Unit.id, Unit.path)):
            found = set()
            for ancestor in _path_ids(path) or [unit_id]:
                found |= by_unit.get(ancestor, set())
            if found:
                unit_reach[unit_id] = found
        postings = select(UnitAssignment.person_id, UnitAssignment.unit_id)
        if wanted is not None:
            postings = postings.where(UnitAssignment.person_id.in_(sorted(wanted)))
        for person_id, unit_id in conn.execute(postings):
            found = unit_reach.get(unit_id)
            if found:
                reached[person_id] |= found
    return Reach(frozenset(universal), {pid: frozenset(universal | found) for pid, found in reached.items()})


def people_posted_under(conn, unit_ids) -> list[int]:
    """Everyone with a posting (at any time) in one of these units or below them: whose reach a change to the
    units' profiles or place in the tree can move."""
    paths = list(conn.execute(select(Unit.path).where(Unit.id.in_(list(unit_ids)))).scalars())
    if not paths:
        return []
    from sqlalchemy import or_

    under = select(Unit.id).where(or_(*[Unit.path.startswith(path, autoescape=True) for path in paths]))
    return sorted(set(conn.execute(select(UnitAssignment.person_id).where(
        UnitAssignment.unit_id.in_(under.scalar_subquery()))).scalars()))
