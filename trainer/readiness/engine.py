"""The readiness engine: who is ready for a profile as of any date, in a fixed number of queries.

For any set of people (given as a SELECT of person ids, never one query per person) it reads:
the profile, the people's screening, their validity intervals for the required modules (and
exercise waivers), and their exercise credits — four or five queries whether the set holds 100
people or 10,000 — and classifies each requirement with the pure rules in rules.py.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select

from trainer.db import among_ids
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.models import Person, Unit, UnitAssignment
from trainer.readiness import states
from trainer.readiness.models import ExerciseCredit, FiguresVersion, ReadinessInterval
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
    # The figures counter (figures_cache) as it stood when the profile was read: figures counted with this spec are
    # kept only when the counter had not moved by the time the kept figures' counters were read (aggregate.py).
    read_at_version: int | None = field(default=None, compare=False)

    @property
    def has_exercise_requirement(self) -> bool:
        return bool(self.exercise_types) and bool(self.exercise_within_months) and bool(self.exercise_min_outcome)


def _text(value) -> str:
    """A title in the reader's language where the pack has it, else English."""
    from trainer.readiness.wording import reader_language

    if isinstance(value, dict):
        return value.get(reader_language()) or value.get("en") or next(iter(value.values()), "")
    return value or ""


def _figures_counter():
    return select(FiguresVersion.version).where(FiguresVersion.id == 1).scalar_subquery()


def load_profile(code: str) -> ProfileSpec:
    from trainer.curricula.models import ReadinessProfile

    found = db.session.execute(select(ReadinessProfile, _figures_counter()).where(ReadinessProfile.code == code)
                               .execution_options(populate_existing=True)).first()
    if found is None:
        raise NotFound(_("No readiness profile %(code)s.", code=code))
    return spec_of(*found)


def read_profiles() -> tuple[list, int | None]:
    """Every readiness profile (by code) and the figures counter, read in one statement: a page that lists the
    profiles and shows one builds its spec from these (spec_of) without reading the profile again."""
    from trainer.curricula.models import ReadinessProfile

    found = db.session.execute(select(ReadinessProfile, _figures_counter()).order_by(ReadinessProfile.code)
                               .execution_options(populate_existing=True)).all()
    return [profile for profile, _counter in found], (found[0][1] if found else None)


def spec_of(profile, read_at_version: int | None) -> ProfileSpec:
    """The spec of a profile read with the figures counter (load_profile, read_profiles); reads its modules' titles."""
    from trainer.curricula.models import Module

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
        warning_days=int(profile.warning_days or 0), read_at_version=read_at_version,
    )


PAIRS_PER_STATEMENT = 5000  # (person, requirement) pairs: one parameter each, well under SQLite's 32,766


def _id_subquery(people) -> Select:
    if isinstance(people, Select):
        return people
    ids = [int(p) for p in people]
    return select(Person.id).where(Person.id.in_(ids))


def _pairs_by_requirement(only: dict[int, set[str]], wanted: list[str]):
    """The (person, requirement) pairs of `only` whose requirement is `wanted`, as {requirement: [person ids]}, at
    most about PAIRS_PER_STATEMENT pairs at a time. Asked this way each requirement's people seek the (person,
    requirement) index; asked as a list of row values, SQLite scans every interval instead."""
    groups: dict[str, list[int]] = defaultdict(list)
    count = 0
    for person_id, keys in only.items():
        for key in keys:
            if key in wanted:
                groups[key].append(person_id)
                count += 1
        if count >= PAIRS_PER_STATEMENT:
            yield groups
            groups, count = defaultdict(list), 0
    if groups:
        yield groups


def evaluate(people, profile: ProfileSpec | str, as_of: dt.date, *,
             only: dict[int, set[str]] | None = None) -> dict[int, PersonReadiness]:
    """Readiness of every person in `people` (a SELECT of person ids, or ids) for `profile` on `as_of`. `only`
    (person id -> requirement keys) judges just those of each person's requirements, and screening, reading the
    evidence of those alone: for lists that word the gaps already known from the readiness stretches."""
    spec = load_profile(profile) if isinstance(profile, str) else profile
    dialect = db.session.get_bind().dialect.name
    ids = _id_subquery(people).scalar_subquery() if isinstance(people, Select) else None
    id_filter = (Person.id.in_(ids) if ids is not None else among_ids(Person.id, people, dialect))
    persons = db.session.execute(select(Person.id, Person.screening).where(id_filter)).all()
    if not persons:
        return {}

    person_filter_col = lambda col: (col.in_(ids) if ids is not None  # noqa: E731
                                     else among_ids(col, [p.id for p in persons], dialect))
    wanted = list(spec.required_modules) + (["exercise"] if spec.has_exercise_requirement else [])
    if only is not None:
        asked = set().union(*only.values()) if only else set()
        wanted = [key for key in wanted if key in asked]
    spans = _spans(wanted, only, person_filter_col, dialect)
    credits = _credits(spec, person_filter_col) if spec.has_exercise_requirement and "exercise" in wanted else {}

    result: dict[int, PersonReadiness] = {}
    for person_id, screening in persons:
        statuses: list[RequirementStatus] = []
        keys = only.get(person_id, ()) if only is not None else None
        for code in spec.required_modules:
            if keys is not None and code not in keys:
                continue
            statuses.append(module_status(code, spec.module_titles.get(code, code), spans.get((person_id, code), []),
                                          as_of, spec.warning_days))
        if spec.has_exercise_requirement and (keys is None or "exercise" in keys):
            statuses.append(_exercise_status(spec, credits.get(person_id, []), spans.get((person_id, "exercise")),
                                             as_of))
        if spec.screening_required:
            statuses.append(screening_status(screening))
        result[person_id] = PersonReadiness(person_id, spec.code, as_of, statuses)
    return result


def _spans(wanted: list[str], only, person_filter_col, dialect: str) -> dict[tuple[int, str], list[Span]]:
    """(person id, requirement) -> the validity intervals (and waivers) of the requirements `wanted` of the people
    asked about (with `only`, just the pairs asked for)."""
    spans: dict[tuple[int, str], list[Span]] = defaultdict(list)
    if not wanted:
        return spans
    ri = ReadinessInterval
    query = select(ri.person_id, ri.requirement, ri.start_on, ri.end_on, ri.basis, ri.source_id, ri.cut,
                   ri.module_version, ri.completed_on, ri.valid_until)
    if only is None:
        wheres = [(person_filter_col(ri.person_id), ri.requirement.in_(wanted))]
    else:  # just the (person, requirement) pairs asked for, as the people asked about each requirement
        wheres = [(or_(*(and_(ri.requirement == key, among_ids(ri.person_id, ids, dialect))
                         for key, ids in groups.items())),)
                  for groups in _pairs_by_requirement(only, wanted)]
    for where in wheres:
        for row in db.session.execute(query.where(*where)).tuples():
            spans[row[:2]].append(Span(*row[2:]))  # the columns above are Span's fields, in order
    return spans


def _credits(spec: ProfileSpec, person_filter_col) -> dict[int, list[dict]]:
    """Person id -> their credits from exercises of the profile's types, each as a dict of its columns."""
    credits: dict[int, list[dict]] = defaultdict(list)
    found = db.session.execute(
        select(ExerciseCredit.person_id, ExerciseCredit.exercise_id, ExerciseCredit.exercise_code,
               ExerciseCredit.exercise_title, ExerciseCredit.exercise_type, ExerciseCredit.rating,
               ExerciseCredit.ended_on)
        .where(person_filter_col(ExerciseCredit.person_id), ExerciseCredit.exercise_type.in_(spec.exercise_types)))
    names = tuple(found.keys())  # each row as a dict of its columns, the names read once
    for row in found.tuples():
        credits[row[0]].append(dict(zip(names, row)))
    return credits


def _exercise_status(spec: ProfileSpec, credits: list[dict], waivers: list[Span] | None,
                     as_of: dt.date) -> RequirementStatus:
    """The exercise requirement of one person on `as_of`: their credits, and a waiver covering the day (or the
    end of the last one, for the wording)."""
    waiver_span = max((s for s in waivers if s.start_on <= as_of <= s.end_on), key=lambda s: s.end_on,
                      default=None) if waivers else None  # most people have none
    waiver = {"id": waiver_span.source_id, "expires_on": waiver_span.end_on} if waiver_span else None
    ended = max((s.end_on for s in waivers if s.end_on < as_of), default=None) if waivers else None
    return exercise_status(credits, as_of, types=list(spec.exercise_types), within_months=spec.exercise_within_months,
                           min_outcome=spec.exercise_min_outcome, warning_days=spec.warning_days, waiver=waiver,
                           waiver_ended_on=ended)


def count_ready(people: Select, profile: ProfileSpec | str, as_of: dt.date) -> tuple[int, int]:
    """(people, ready) for a SELECT of person ids on `as_of`, in one aggregate query over the readiness
    stretches (states.py: the engine's rules, kept exact on every change)."""
    from sqlalchemy import case, func

    ready = ready_condition(profile, as_of)
    total, ready_count = db.session.execute(
        select(func.count(Person.id), func.coalesce(func.sum(case((ready, 1), else_=0)), 0))
        .where(Person.id.in_(_id_subquery(people).scalar_subquery()))).one()
    return int(total or 0), int(ready_count or 0)


def ready_condition(profile: ProfileSpec | str, as_of: dt.date):
    """A SQL condition on Person: ready for `profile` on `as_of` (among the people with a ready stretch covering
    the date, screening included)."""
    spec = load_profile(profile) if isinstance(profile, str) else profile
    query, c = states.ready_select(states.profile_of(spec), as_of, screening_required=spec.screening_required)
    return Person.id.in_(query.with_only_columns(c.person_id))


def evaluate_person(person_id: int, profile: ProfileSpec | str, as_of: dt.date) -> PersonReadiness:
    found = evaluate([person_id], profile, as_of)
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
           "evaluate_person", "members_as_of", "member_ids_as_of"]
