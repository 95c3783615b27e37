"""Reads for learning: what a person must complete and why, their status per module, the completion
matrix of a unit, overdue and expiring lists, and their CSV/XLSX exports. Set-based: a fixed
number of queries whatever the number of people."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.auth import scoping
from trainer.curricula.models import Lesson, Module, ReadinessProfile
from trainer.extensions import db
from trainer.learning import rules, wording
from trainer.learning.models import Attempt, Completion, LessonProgress, ModuleAssignment, ProfileAssignment
from trainer.learning.services import not_superseded
from trainer.org.models import Person, Unit
from trainer.pagination import Page

DEFAULT_WARNING_DAYS = 60


@dataclass
class Requirement:
    code: str
    due_on: dt.date | None = None
    reasons: list[str] = field(default_factory=list)
    profile_warning_days: int | None = None

    @property
    def warning_days(self) -> int:
        return DEFAULT_WARNING_DAYS if self.profile_warning_days is None else self.profile_warning_days

    def add(self, reason: str, due_on: dt.date | None, warning_days: int | None = None) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if due_on and (self.due_on is None or due_on < self.due_on):
            self.due_on = due_on
        if warning_days is not None:
            # The widest window of the profiles that require the module: warn early rather than late.
            self.profile_warning_days = max(self.profile_warning_days or 0, warning_days)


@dataclass
class ModuleRow:
    module: Module
    requirement: Requirement | None
    status: rules.Status
    reason: str
    completion: Completion | None
    lessons_read: int
    lessons_total: int
    prerequisites_missing: list[str]
    overdue: bool

    @property
    def done(self) -> bool:
        """Passed and still valid today (expiring soon included)."""
        return self.status in (rules.Status.PASSED, rules.Status.EXPIRING)


def _ancestor_ids(unit_path: str) -> list[int]:
    return [int(part) for part in unit_path.strip("/").split("/") if part]


def requirements_for(people: list[Person]) -> dict[int, dict[str, Requirement]]:
    """For each person: the modules they must complete, with the earliest due date and the reasons."""
    if not people:
        return {}
    unit_paths = {p.unit_id: p.unit.path for p in people}
    unit_ids = {uid for path in unit_paths.values() for uid in _ancestor_ids(path)}
    person_ids = [p.id for p in people]
    module_rows = db.session.scalars(select(ModuleAssignment).where(
        ModuleAssignment.unit_id.in_(unit_ids) | ModuleAssignment.person_id.in_(person_ids),
        ModuleAssignment.withdrawn_at.is_(None))).all()
    profile_rows = db.session.scalars(select(ProfileAssignment).where(
        ProfileAssignment.unit_id.in_(unit_ids) | ProfileAssignment.person_id.in_(person_ids),
        ProfileAssignment.withdrawn_at.is_(None))).all()
    profiles = {p.code: p for p in db.session.scalars(select(ReadinessProfile))}
    unit_codes = dict(db.session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(unit_ids))).all())
    by_unit_module, by_person_module = defaultdict(list), defaultdict(list)
    for row in module_rows:
        (by_unit_module[row.unit_id] if row.unit_id else by_person_module[row.person_id]).append(row)
    by_unit_profile, by_person_profile = defaultdict(list), defaultdict(list)
    for row in profile_rows:
        (by_unit_profile[row.unit_id] if row.unit_id else by_person_profile[row.person_id]).append(row)

    result: dict[int, dict[str, Requirement]] = {}
    for person in people:
        needs: dict[str, Requirement] = {}
        ancestors = _ancestor_ids(unit_paths[person.unit_id])
        module_assignments = by_person_module[person.id] + [r for u in ancestors for r in by_unit_module[u]]
        for row in module_assignments:
            why = (wording.assigned_to_person() if row.person_id
                   else wording.assigned_to_unit(unit_codes.get(row.unit_id, row.unit_id)))
            needs.setdefault(row.module_code, Requirement(row.module_code)).add(why, row.due_on)
        profile_assignments = by_person_profile[person.id] + [r for u in ancestors for r in by_unit_profile[u]]
        for row in profile_assignments:
            profile = profiles.get(row.profile_code)
            if profile is None:
                continue
            why = wording.required_by_profile(profile.code, None if row.person_id
                                              else unit_codes.get(row.unit_id, row.unit_id))
            for code in profile.required_modules:
                needs.setdefault(code, Requirement(code)).add(why, row.due_on, profile.warning_days)
        result[person.id] = needs
    return result


def current_completions(person_ids) -> dict[tuple[int, str], Completion]:
    rows = db.session.scalars(select(Completion).where(Completion.person_id.in_(person_ids), not_superseded()))
    return {(c.person_id, c.module_code): c for c in rows}


def started_modules(person_ids) -> set[tuple[int, str]]:
    started = set(db.session.execute(select(LessonProgress.person_id, LessonProgress.module_code)
                                     .where(LessonProgress.person_id.in_(person_ids)).distinct()).all())
    started |= set(db.session.execute(select(Attempt.person_id, Attempt.module_code)
                                      .where(Attempt.person_id.in_(person_ids)).distinct()).all())
    return {(p, c) for p, c in started}


def current_modules() -> dict[str, Module]:
    return {m.code: m for m in db.session.scalars(select(Module).where(Module.is_current.is_(True)))}


def status_of(module: Module, completion: Completion | None, started: bool, warning_days: int,
              today: dt.date) -> tuple[rules.Status, str]:
    """The status and, in the reader's language, why."""
    status, reason = rules.module_status(
        today=today, completed_on=completion.completed_on if completion else None,
        until=completion.valid_until if completion else None,
        completion_major=completion.module_major if completion else None, current_major=module.major,
        retrain_on_major=module.retrain_on_major, started=started, warning_days=warning_days)
    return status, wording.reason_text(reason)


def own_training(actor, today: dt.date) -> tuple[Person | None, list[ModuleRow], list[ModuleRow]]:
    """The actor's own person record and its training (none when the account has no person)."""
    person = db.session.get(Person, actor.person_id) if getattr(actor, "person_id", None) else None
    if person is None:
        return None, [], []
    return (person, *my_training(person, today))


def my_training(person: Person, today: dt.date) -> tuple[list[ModuleRow], list[ModuleRow]]:
    """(required modules, other modules the person has started or completed), each with its status."""
    modules = current_modules()
    needs = requirements_for([person]).get(person.id, {})
    completions = current_completions([person.id])
    started = started_modules([person.id])
    read_counts = defaultdict(int)
    for code, in db.session.execute(select(Lesson.module_id).join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
                                    .where(LessonProgress.person_id == person.id, LessonProgress.read_at.is_not(None))):
        read_counts[code] += 1
    lesson_totals = dict(db.session.execute(
        select(Lesson.module_id, db.func.count()).where(Lesson.module_id.in_([m.id for m in modules.values()]))
        .group_by(Lesson.module_id)).all())

    def row(code: str, requirement: Requirement | None) -> ModuleRow | None:
        module = modules.get(code)
        if module is None:
            return None
        completion = completions.get((person.id, code))
        warning = requirement.warning_days if requirement else DEFAULT_WARNING_DAYS
        status, reason = status_of(module, completion, (person.id, code) in started, warning, today)
        missing = []
        for prerequisite in module.prerequisites:
            done = completions.get((person.id, prerequisite))
            if done is None or not rules.is_valid_on(done.completed_on, done.valid_until, today):
                missing.append(prerequisite)
        overdue = bool(requirement and requirement.due_on and requirement.due_on < today
                       and status not in (rules.Status.PASSED, rules.Status.EXPIRING))
        return ModuleRow(module=module, requirement=requirement, status=status, reason=reason, completion=completion,
                         lessons_read=read_counts.get(module.id, 0), lessons_total=lesson_totals.get(module.id, 0),
                         prerequisites_missing=missing, overdue=overdue)

    required = [r for r in (row(code, req) for code, req in sorted(needs.items())) if r]
    required.sort(key=lambda r: (r.requirement.due_on or dt.date.max, r.module.code))
    others_codes = sorted({c for (_, c) in completions} | {c for (_, c) in started} - set(needs))
    others = [r for r in (row(code, None) for code in others_codes if code not in needs) if r]
    return required, others


# --- training officer views -----------------------------------------------------------------

def people_query(actor, unit: Unit, search: str = ""):
    query = (select(Person).where(Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path))),
                                  Person.status == "active", scoping.scope_condition(actor, "person", "training.view"))
             .order_by(Person.family_name_latin, Person.given_names_latin, Person.id))
    if search:
        query = query.where(Person.search_text.contains(search.strip().lower()))
    return query


def people_in_unit(actor, unit: Unit, search: str = "", limit: int | None = None) -> list[Person]:
    query = people_query(actor, unit, search)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


MATRIX_PAGE_SIZE = 50


@dataclass
class MatrixCell:
    status: rules.Status
    required: bool
    valid_until: dt.date | None
    due_on: dt.date | None
    overdue: bool


def completion_matrix(actor, unit: Unit, today: dt.date, *, codes: list[str] | None = None, status: str = "",
                      search: str = "", required_only: bool = False, page: int | None = None,
                      per_page: int = MATRIX_PAGE_SIZE):
    """Personnel x modules for a unit and its sub-units: (modules, [(person, {code: MatrixCell})], Page).

    Without `page`, every matching person (for exports). A fixed number of queries whatever the page:
    without a status filter the page is cut in SQL; with one, every person's cells are computed in the
    same few set-based queries and the page is cut after filtering."""
    modules = current_modules()
    columns = [modules[c] for c in sorted(modules) if not codes or c in codes]
    query = people_query(actor, unit, search)
    filtered = bool(status or required_only)
    if page is not None and not filtered:
        total = db.session.scalar(select(db.func.count()).select_from(query.order_by(None).subquery()))
        pager = Page(min(max(page, 1), max(1, -(-total // per_page))), per_page, total)
        people = list(db.session.scalars(query.offset((pager.page - 1) * per_page).limit(per_page)))
    else:
        people = list(db.session.scalars(query))
    rows = _matrix_rows(people, columns, today, status, required_only)
    if page is None:
        return columns, rows, Page(1, max(1, len(rows)), len(rows))
    if filtered:
        pager = Page(min(max(page, 1), max(1, -(-len(rows) // per_page))), per_page, len(rows))
        rows = rows[(pager.page - 1) * per_page:pager.page * per_page]
    return columns, rows, pager


def _matrix_rows(people: list[Person], columns: list[Module], today: dt.date, status: str, required_only: bool):
    ids = [p.id for p in people]
    needs = requirements_for(people)
    completions = current_completions(ids) if ids else {}
    started = started_modules(ids) if ids else set()
    rows = []
    for person in people:
        cells = {}
        for module in columns:
            requirement = needs[person.id].get(module.code)
            completion = completions.get((person.id, module.code))
            state, _ = status_of(module, completion, (person.id, module.code) in started,
                                 requirement.warning_days if requirement else DEFAULT_WARNING_DAYS, today)
            overdue = bool(requirement and requirement.due_on and requirement.due_on < today
                           and state not in (rules.Status.PASSED, rules.Status.EXPIRING))
            cells[module.code] = MatrixCell(state, requirement is not None,
                                            completion.valid_until if completion else None,
                                            requirement.due_on if requirement else None, overdue)
        if status == "overdue":
            if not any(c.overdue for c in cells.values()):
                continue
        elif status and not any(c.status == status and (c.required or not required_only) for c in cells.values()):
            continue
        if required_only and not any(c.required for c in cells.values()):
            continue
        rows.append((person, cells))
    return rows


def overdue_and_expiring(actor, unit: Unit, today: dt.date, days: int = DEFAULT_WARNING_DAYS, limit: int = 1000):
    """Required modules past their due date and not passed, and completions expiring within `days`."""
    modules = current_modules()
    people = people_in_unit(actor, unit)
    ids = [p.id for p in people]
    needs = requirements_for(people)
    completions = current_completions(ids)
    started = started_modules(ids)
    overdue, expiring = [], []
    for person in people:
        for code, requirement in needs[person.id].items():
            module = modules.get(code)
            if module is None:
                continue
            completion = completions.get((person.id, code))
            state, reason = status_of(module, completion, (person.id, code) in started, requirement.warning_days, today)
            if requirement.due_on and requirement.due_on < today and state not in (rules.Status.PASSED,
                                                                                   rules.Status.EXPIRING):
                overdue.append({"person": person, "module": module, "due_on": requirement.due_on, "status": state,
                                "reason": reason, "days": (today - requirement.due_on).days})
    for (person_id, code), completion in completions.items():
        if today <= completion.valid_until <= today + dt.timedelta(days=days):
            module = modules.get(code)
            if module is None or (module.retrain_on_major and completion.module_major < module.major):
                continue
            expiring.append({"person": completion.person, "module": module, "completion": completion,
                             "days": (completion.valid_until - today).days})
    overdue.sort(key=lambda r: (r["due_on"], r["person"].family_name_latin))
    expiring.sort(key=lambda r: (r["completion"].valid_until, r["person"].family_name_latin))
    return overdue[:limit], expiring[:limit]


# --- exports --------------------------------------------------------------------------------

def matrix_table(columns, rows) -> list[list]:
    """The completion matrix as a spreadsheet, in the reader's language: a line per person, a column per module."""
    header = [_("Nation"), _("Service number"), _("Family name"), _("Given names"), _("Unit")] + [m.code for m in columns]
    table = [header]
    for person, cells in rows:
        line = [person.nation_code, person.service_number, person.family_name_latin, person.given_names_latin,
                person.unit.code]
        for module in columns:
            cell = cells[module.code]
            parts = [str(cell.status.label)]
            if cell.valid_until:
                parts.append(_("(valid through %(date)s)", date=cell.valid_until.isoformat()))
            if cell.overdue:
                parts.append(_("overdue since %(date)s", date=cell.due_on.isoformat()))
            elif cell.required and cell.due_on:
                parts.append(_("due %(date)s", date=cell.due_on.isoformat()))
            line.append(" ".join(parts) if cell.required or cell.valid_until else "")
        table.append(line)
    return table
