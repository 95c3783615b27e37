"""The overdue-and-expiring list: who, in the actor's whole scope or one unit's subtree, has required modules
past their due date and not passed, or completions that expire soon. One row per person listing all their
modules; sortable; exported as CSV and XLSX; a person can be reminded (once a day) from it.

Set-based: a fixed number of queries whatever the size of the scope. Only assignments already past their due
date can make anything overdue, so the people reached through them are found in SQL, and completions are read
only for those people and for completions about to expire."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from trainer.auth import scoping
from trainer.curricula.models import Module, ReadinessProfile
from trainer.extensions import db
from trainer.learning import rules, wording
from trainer.learning.models import Attempt, Completion, LessonProgress, ModuleAssignment, ProfileAssignment
from trainer.learning.reports import current_modules
from trainer.learning.services import not_superseded
from trainer.org.models import Person, Unit
from trainer.pagination import Page

PER_PAGE = 50
# What a status needs of a completion (whole rows would load each completion's person too).
FACTS = (Completion.person_id, Completion.module_code, Completion.module_version, Completion.module_major,
         Completion.completed_on, Completion.valid_until)
CHUNK = 2000
SORTS = ("late", "expiry", "name", "unit")
SHOW = ("all", "overdue", "expiring")


@dataclass
class Item:
    module: Module
    overdue: bool
    day: dt.date            # due date (overdue) or the last valid day (expiring)
    days: int               # days late, or days left
    status: rules.Status | None = None
    why: rules.Reason | None = None
    version: str = ""

    @property
    def reason(self) -> str:
        """Why the module has its status, in words (worded only for the rows shown)."""
        return wording.reason_text(self.why) if self.why else ""


@dataclass
class Row:
    person: Person
    overdue: list[Item] = field(default_factory=list)
    expiring: list[Item] = field(default_factory=list)

    @property
    def most_late(self) -> int:
        return max((i.days for i in self.overdue), default=-1)

    @property
    def soonest(self) -> dt.date | None:
        return min((i.day for i in self.expiring), default=None)


@dataclass
class Attention:
    unit: Unit | None
    rows: list[Row]
    page: Page
    overdue_people: int
    expiring_people: int


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _people_condition(actor, unit: Unit | None, person_id: int | None = None):
    conditions = [Person.status == "active", scoping.scope_condition(actor, "person", "training.view")]
    if unit is not None:
        conditions.append(Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path))))
    if person_id is not None:
        conditions.append(Person.id == person_id)
    return conditions


def _past_due(actor, unit: Unit | None, today: dt.date, person_id: int | None = None) -> dict[tuple[int, str], dt.date]:
    """(person id, module code) -> the earliest due date already passed, for the people in reach."""
    people = _people_condition(actor, unit, person_id)
    required = {p.code: p.required_modules or [] for p in db.session.scalars(select(ReadinessProfile))}
    due: dict[tuple[int, str], dt.date] = {}

    def note(who, codes, day):
        for code in codes:
            key = (who, code)
            if key not in due or day < due[key]:
                due[key] = day

    home, target = aliased(Unit), aliased(Unit)
    for model, code_column in ((ModuleAssignment, ModuleAssignment.module_code),
                               (ProfileAssignment, ProfileAssignment.profile_code)):
        live = (model.withdrawn_at.is_(None), model.due_on.is_not(None), model.due_on < today)
        direct = select(Person.id, code_column, model.due_on).join(model, model.person_id == Person.id).where(
            *live, *people)
        through_unit = (select(Person.id, code_column, model.due_on)
                        .join(home, home.id == Person.unit_id)
                        .join(target, home.path.startswith(target.path, autoescape=False))
                        .join(model, model.unit_id == target.id).where(*live, *people))
        for query in (direct, through_unit):
            for who, code, day in db.session.execute(query):
                note(who, [code] if model is ModuleAssignment else required.get(code, []), day)
    return due


def attention_list(actor, today: dt.date, *, unit: Unit | None = None, days: int = 60, show: str = "all",
                   sort: str = "late", descending: bool | None = None, page: int | None = 1,
                   per_page: int = PER_PAGE, person_id: int | None = None) -> Attention:
    """The people needing attention in the actor's scope (or `unit`'s subtree, or one person), one row each,
    sorted and cut to a page (`page=None`: every row, for exports)."""
    modules = current_modules()
    due = {key: day for key, day in _past_due(actor, unit, today, person_id).items() if key[1] in modules}
    person_ids = {who for who, _code in due}
    completions = {}
    started: set[tuple[int, str]] = set()
    for ids in _chunks(person_ids):
        for c in db.session.execute(select(*FACTS).where(Completion.person_id.in_(ids), not_superseded())):
            completions[(c.person_id, c.module_code)] = c
        for model in (LessonProgress, Attempt):
            started |= set(db.session.execute(select(model.person_id, model.module_code)
                                              .where(model.person_id.in_(ids)).distinct()).tuples())
    rows: dict[int, Row] = {}
    if show in ("all", "overdue"):
        for (who, code), day in due.items():
            module, completion = modules[code], completions.get((who, code))
            status, why = rules.module_status(
                today=today, completed_on=completion.completed_on if completion else None,
                until=completion.valid_until if completion else None,
                completion_major=completion.module_major if completion else None, current_major=module.major,
                retrain_on_major=module.retrain_on_major, started=(who, code) in started, warning_days=0)
            if status in (rules.Status.PASSED, rules.Status.EXPIRING):
                continue
            rows.setdefault(who, Row(None)).overdue.append(
                Item(module, True, day, (today - day).days, status, why))
    if show in ("all", "expiring"):
        expiring = (select(*FACTS).where(
            not_superseded(), Completion.valid_until >= today, Completion.valid_until <= today + dt.timedelta(days=days),
            Completion.person_id.in_(select(Person.id).where(*_people_condition(actor, unit, person_id)))))
        for c in db.session.execute(expiring):
            module = modules.get(c.module_code)
            if module is None or (module.retrain_on_major and c.module_major < module.major):
                continue
            rows.setdefault(c.person_id, Row(None)).expiring.append(
                Item(module, False, c.valid_until, (c.valid_until - today).days, version=c.module_version))
    people = {}
    for ids in _chunks(rows):
        people.update({p.id: p for p in db.session.scalars(
            select(Person).options(joinedload(Person.unit)).where(Person.id.in_(ids)))})
    result = []
    for who, row in rows.items():
        row.person = people[who]
        row.overdue.sort(key=lambda i: (i.day, i.module.code))
        row.expiring.sort(key=lambda i: (i.day, i.module.code))
        result.append(row)
    _sort(result, sort, descending)
    overdue_people = sum(1 for r in result if r.overdue)
    expiring_people = sum(1 for r in result if r.expiring)
    if page is None:
        return Attention(unit, result, Page(1, max(1, len(result)), len(result)), overdue_people, expiring_people)
    pager = Page(min(max(page, 1), max(1, -(-len(result) // per_page))), per_page, len(result))
    return Attention(unit, result[(pager.page - 1) * per_page:pager.page * per_page], pager, overdue_people,
                     expiring_people)


def default_descending(sort: str) -> bool:
    """Most days late first; soonest expiry, names and units in alphabetical order."""
    return sort == "late"


def _sort(rows: list[Row], sort: str, descending: bool | None) -> None:
    sort = sort if sort in SORTS else "late"
    descending = default_descending(sort) if descending is None else descending
    name = lambda r: (r.person.family_name_latin.casefold(), r.person.given_names_latin.casefold(), r.person.id)  # noqa: E731
    keys = {
        "name": name,
        "unit": lambda r: (r.person.unit.code, *name(r)),
        "late": lambda r: (r.most_late, *name(r)),
        "expiry": lambda r: (r.soonest or dt.date.max, *name(r)),
    }
    rows.sort(key=keys[sort], reverse=descending)


def attention_table(attention: Attention) -> list[list]:
    """One spreadsheet line per person and module, the person's columns repeated so that a filter keeps them."""
    header = [_("Nation"), _("Service number"), _("Family name"), _("Given names"), _("Unit"), _("Module"),
              _("Attention"), _("Due on"), _("Days late"), _("Valid through"), _("Days left"), _("Status")]
    table = [header]
    for row in attention.rows:
        p = row.person
        who = [p.nation_code, p.service_number, p.family_name_latin, p.given_names_latin, p.unit.code]
        for item in row.overdue:
            table.append(who + [item.module.code, _("Overdue"), item.day.isoformat(), item.days, "", "",
                                f"{item.status.label}: {item.reason}" if item.reason else item.status.label])
        for item in row.expiring:
            table.append(who + [item.module.code, _("Expiring"), "", "", item.day.isoformat(),
                                item.days, rules.Status.EXPIRING.label])
    return table
