"""The readiness engine: who is ready for a profile as of any date, in a fixed number of queries.

For any set of people (given as a SELECT of person ids, never one query per person) it reads:
the profile, the people's screening, their validity intervals for the required modules (and
exercise waivers), and their exercise credits — four or five queries whether the set holds 100
people or 10,000 — and classifies each requirement with the pure rules in rules.py.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.readiness.models import ExerciseCredit, ReadinessInterval
from trainer.readiness.rules import (PersonReadiness, RequirementStatus, Span, State, exercise_status,
                                     module_status, screening_status)


@dataclass(frozen=True)
class ProfileSpec:
    code: str
    title: str
    required_modules: tuple[str, ...]
    module_titles: dict
    exercise_types: tuple[str, ...]
    exercise_within_months: int | None
    exercise_min_outcome: str | None
    screening_required: bool
    warning_days: int

    @property
    def has_exercise_requirement(self) -> bool:
        return bool(self.exercise_types) and bool(self.exercise_within_months) and bool(self.exercise_min_outcome)


def _text(value) -> str:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), "")
    return value or ""


def load_profile(code: str) -> ProfileSpec:
    from trainer.curricula.models import Module, ReadinessProfile

    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == code))
    if profile is None:
        raise NotFound(f"No readiness profile {code!r}.")
    required = tuple(profile.required_modules or ())
    titles = {}
    if required:
        for module_code, title in db.session.execute(
                select(Module.code, Module.title).where(Module.code.in_(required)).order_by(Module.major, Module.minor)):
            titles[module_code] = f"{module_code} {_text(title)}"
    return ProfileSpec(
        code=profile.code, title=_text(profile.title), required_modules=required,
        module_titles={c: titles.get(c, c) for c in required},
        exercise_types=tuple(profile.exercise_types or ()), exercise_within_months=profile.exercise_within_months,
        exercise_min_outcome=profile.exercise_min_outcome, screening_required=bool(profile.screening_required),
        warning_days=int(profile.warning_days or 0),
    )


def _id_subquery(people) -> Select:
    if isinstance(people, Select):
        return people
    ids = [int(p) for p in people]
    return select(Person.id).where(Person.id.in_(ids))


def evaluate(people, profile: ProfileSpec | str, as_of: dt.date) -> dict[int, PersonReadiness]:
    """Readiness of every person in `people` (a SELECT of person ids, or ids) for `profile` on `as_of`."""
    spec = load_profile(profile) if isinstance(profile, str) else profile
    ids = _id_subquery(people).scalar_subquery() if isinstance(people, Select) else None
    id_filter = (Person.id.in_(ids) if ids is not None else Person.id.in_([int(p) for p in people]))
    persons = db.session.execute(select(Person.id, Person.screening).where(id_filter)).all()
    if not persons:
        return {}

    person_filter_col = lambda col: col.in_(ids) if ids is not None else col.in_([p.id for p in persons])  # noqa: E731
    wanted = list(spec.required_modules) + (["exercise"] if spec.has_exercise_requirement else [])
    spans: dict[tuple[int, str], list[Span]] = defaultdict(list)
    if wanted:
        for row in db.session.execute(
                select(ReadinessInterval.person_id, ReadinessInterval.requirement, ReadinessInterval.start_on,
                       ReadinessInterval.end_on, ReadinessInterval.basis, ReadinessInterval.source_id,
                       ReadinessInterval.cut, ReadinessInterval.module_version, ReadinessInterval.completed_on,
                       ReadinessInterval.valid_until)
                .where(person_filter_col(ReadinessInterval.person_id), ReadinessInterval.requirement.in_(wanted))):
            spans[(row.person_id, row.requirement)].append(Span(
                row.start_on, row.end_on, row.basis, row.source_id, row.cut, row.module_version,
                row.completed_on, row.valid_until))

    credits: dict[int, list[dict]] = defaultdict(list)
    if spec.has_exercise_requirement:
        for row in db.session.execute(
                select(ExerciseCredit.person_id, ExerciseCredit.exercise_id, ExerciseCredit.exercise_code,
                       ExerciseCredit.exercise_title, ExerciseCredit.exercise_type, ExerciseCredit.rating,
                       ExerciseCredit.ended_on)
                .where(person_filter_col(ExerciseCredit.person_id), ExerciseCredit.exercise_type.in_(spec.exercise_types))):
            credits[row.person_id].append(dict(row._mapping))

    result: dict[int, PersonReadiness] = {}
    for person_id, screening in persons:
        statuses: list[RequirementStatus] = []
        for code in spec.required_modules:
            statuses.append(module_status(code, spec.module_titles.get(code, code), spans.get((person_id, code), []),
                                          as_of, spec.warning_days))
        if spec.has_exercise_requirement:
            waiver_span = max((s for s in spans.get((person_id, "exercise"), []) if s.start_on <= as_of <= s.end_on),
                              key=lambda s: s.end_on, default=None)
            waiver = {"id": waiver_span.source_id, "expires_on": waiver_span.end_on} if waiver_span else None
            ended = max((s.end_on for s in spans.get((person_id, "exercise"), []) if s.end_on < as_of), default=None)
            statuses.append(exercise_status(credits.get(person_id, []), as_of, types=list(spec.exercise_types),
                                            within_months=spec.exercise_within_months,
                                            min_outcome=spec.exercise_min_outcome, warning_days=spec.warning_days,
                                            waiver=waiver, waiver_ended_on=ended))
        if spec.screening_required:
            statuses.append(screening_status(screening))
        result[person_id] = PersonReadiness(person_id, spec.code, as_of, statuses)
    return result


def _exercise_since(as_of: dt.date, months: int) -> dt.date:
    """The earliest end date whose window (end + months, clamped to the month's end) still reaches as_of."""
    from trainer.readiness.rules import add_months

    day = add_months(as_of, -months) - dt.timedelta(days=3)
    while add_months(day, months) < as_of:
        day += dt.timedelta(days=1)
    return day


def count_ready(people: Select, profile: ProfileSpec | str, as_of: dt.date) -> tuple[int, int]:
    """(people, ready) for a SELECT of person ids on `as_of`, in one aggregate query.

    The same rule as evaluate() (a requirement counts when it is met, expiring or waived), without
    building each person's requirement states: for totals (trend points) over a whole force."""
    from sqlalchemy import case, func

    ready = ready_condition(profile, as_of)
    total, ready_count = db.session.execute(
        select(func.count(Person.id), func.coalesce(func.sum(case((ready, 1), else_=0)), 0))
        .where(Person.id.in_(_id_subquery(people).scalar_subquery()))).one()
    return int(total or 0), int(ready_count or 0)


def ready_condition(profile: ProfileSpec | str, as_of: dt.date):
    """A SQL condition on Person: ready for `profile` on `as_of` (the engine's rule, as correlated subqueries)."""
    from sqlalchemy import and_, distinct, exists, func, true

    from trainer.enums import Rating

    spec = load_profile(profile) if isinstance(profile, str) else profile
    conditions = []
    modules = sorted(set(spec.required_modules))
    if modules:
        covered = (select(func.count(distinct(ReadinessInterval.requirement)))
                   .where(ReadinessInterval.person_id == Person.id, ReadinessInterval.requirement.in_(modules),
                          ReadinessInterval.start_on <= as_of, ReadinessInterval.end_on >= as_of)
                   .scalar_subquery())
        conditions.append(covered == len(modules))
    if spec.has_exercise_requirement:
        order = [r.value for r in Rating]
        good = order[:order.index(spec.exercise_min_outcome) + 1] if spec.exercise_min_outcome in order else []
        credit = exists().where(ExerciseCredit.person_id == Person.id,
                                ExerciseCredit.exercise_type.in_(spec.exercise_types), ExerciseCredit.rating.in_(good),
                                ExerciseCredit.ended_on <= as_of,
                                ExerciseCredit.ended_on >= _exercise_since(as_of, spec.exercise_within_months))
        waived = exists().where(ReadinessInterval.person_id == Person.id, ReadinessInterval.requirement == "exercise",
                                ReadinessInterval.start_on <= as_of, ReadinessInterval.end_on >= as_of)
        conditions.append(or_(credit, waived))
    if spec.screening_required:
        conditions.append(Person.screening == "cleared")
    return and_(*conditions) if conditions else true()


def count_ready_many(spans: Select, profile: ProfileSpec | str, days) -> dict[dt.date, tuple[int, int]]:
    """(people, ready) on each of `days`, in one aggregate query.

    `spans` is a SELECT of (person_id, start_on, end_on): a person counts on a day when start_on <= day
    and (end_on is NULL or end_on > day), as for unit assignments. The same rule as count_ready(), but
    each person's intervals and credits are read once and judged against every date in the same pass
    (one column per date), instead of a lookup per person and date."""
    from sqlalchemy import Date, and_, case, false, func, literal, true

    from trainer.enums import Rating

    spec = load_profile(profile) if isinstance(profile, str) else profile
    days = sorted(set(days))
    if not days:
        return {}
    s = spans.subquery("s")
    pid_col, start_col, end_col = list(s.c)[:3]
    on = [literal(day, Date) for day in days]
    members = (select(pid_col.label("pid"),
                      *[func.max(case((and_(start_col <= day, or_(end_col.is_(None), end_col > day)), 1), else_=0))
                        .label(f"in{k}") for k, day in enumerate(on)])
               .group_by(pid_col).cte("members"))
    ids = select(members.c.pid)
    ri, ec = ReadinessInterval, ExerciseCredit
    query = select(members).join(Person, Person.id == members.c.pid)
    ready_on = [[] for _ in days]
    modules = sorted(set(spec.required_modules))
    wanted = modules + (["exercise"] if spec.has_exercise_requirement else [])
    if wanted:
        # Per person and requirement (in index order, no sort): covered on each date; then per person.
        pr = (select(ri.person_id.label("pid"), ri.requirement.label("req"),
                     *[func.max(case((and_(ri.start_on <= day, ri.end_on >= day), 1), else_=0)).label(f"v{k}")
                       for k, day in enumerate(on)])
              .where(ri.person_id.in_(ids), ri.requirement.in_(wanted))
              .group_by(ri.person_id, ri.requirement).subquery("pr"))
        is_module = pr.c.req.in_(modules) if modules else false()
        cols = [pr.c.pid]
        for k in range(len(days)):
            cols.append(func.sum(case((is_module, pr.c[f"v{k}"]), else_=0)).label(f"n{k}"))
            cols.append(func.max(case((pr.c.req == "exercise", pr.c[f"v{k}"]), else_=0)).label(f"w{k}"))
        per = select(*cols).group_by(pr.c.pid).subquery("per")
        query = query.outerjoin(per, per.c.pid == members.c.pid)
        if modules:
            for k in range(len(days)):
                ready_on[k].append(func.coalesce(per.c[f"n{k}"], 0) == len(modules))
    if spec.has_exercise_requirement:
        order = [r.value for r in Rating]
        good = order[:order.index(spec.exercise_min_outcome) + 1] if spec.exercise_min_outcome in order else []
        cols = [ec.person_id.label("pid")]
        for k, day in enumerate(days):
            since = _exercise_since(day, spec.exercise_within_months)
            cols.append(func.max(case((and_(ec.ended_on <= literal(day, Date), ec.ended_on >= literal(since, Date)), 1),
                                      else_=0)).label(f"c{k}"))
        credit = (select(*cols).where(ec.person_id.in_(ids), ec.exercise_type.in_(spec.exercise_types),
                                      ec.rating.in_(good)).group_by(ec.person_id).subquery("credit"))
        query = query.outerjoin(credit, credit.c.pid == members.c.pid)
        for k in range(len(days)):
            ready_on[k].append(or_(func.coalesce(credit.c[f"c{k}"], 0) == 1, func.coalesce(per.c[f"w{k}"], 0) == 1))
    if spec.screening_required:
        for k in range(len(days)):
            ready_on[k].append(Person.screening == "cleared")
    totals = []
    for k in range(len(days)):
        ready = and_(*ready_on[k]) if ready_on[k] else true()
        totals.append(func.coalesce(func.sum(members.c[f"in{k}"]), 0))
        totals.append(func.coalesce(func.sum(case((and_(members.c[f"in{k}"] == 1, ready), 1), else_=0)), 0))
    row = db.session.execute(query.with_only_columns(*totals)).one()
    return {day: (int(row[2 * k]), int(row[2 * k + 1])) for k, day in enumerate(days)}


def evaluate_person(person_id: int, profile_code: str, as_of: dt.date) -> PersonReadiness:
    found = evaluate([person_id], profile_code, as_of)
    if person_id not in found:
        raise NotFound()
    return found[person_id]


def members_as_of(as_of: dt.date, *, unit: Unit | None = None) -> Select:
    """SELECT of (person_id, unit_id): who belonged to `unit`'s subtree (or any unit) on `as_of`."""
    query = (select(UnitAssignment.person_id, UnitAssignment.unit_id)
             .where(UnitAssignment.start_on <= as_of,
                    or_(UnitAssignment.end_on.is_(None), UnitAssignment.end_on > as_of)))
    if unit is not None:
        query = query.join(Unit, Unit.id == UnitAssignment.unit_id).where(Unit.path.startswith(unit.path))
    return query


def member_ids_as_of(as_of: dt.date, *, unit: Unit | None = None) -> Select:
    return members_as_of(as_of, unit=unit).with_only_columns(UnitAssignment.person_id)


__all__ = ["ProfileSpec", "PersonReadiness", "RequirementStatus", "State", "load_profile", "evaluate", "count_ready",
           "count_ready_many",
           "evaluate_person", "members_as_of", "member_ids_as_of"]
