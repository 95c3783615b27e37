"""The personnel list: filters, sorting by column and the actions offered on a selection."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select

from trainer.auth.policy import has_ability
from trainer.org.grades import grade_codes
from trainer.org.models import Person, Unit
from trainer.org.people import AllowedActions, screening_rank, search_people
from trainer.org.services import find_unit_in_scope, list_units
from trainer.pagination import paginate

PEOPLE_PER_PAGE = 50
SORT_KEYS = ("name", "service_number", "rank", "unit", "screening")


@dataclass(frozen=True)
class Order:
    """A column of the list and its direction; names are the default."""
    key: str = "name"
    descending: bool = False

    @classmethod
    def from_args(cls, key: str | None, direction: str | None) -> "Order":
        return cls(key if key in SORT_KEYS else "name", direction == "desc")

    def terms(self) -> list:
        names = [Person.family_name_latin, Person.given_names_latin]
        if self.key == "service_number":
            primary = [Person.nation_code, Person.service_number]
        elif self.key == "rank":
            # The grade file lists codes junior to senior within each group.
            primary = [case({code: i for i, code in enumerate(grade_codes())}, value=Person.rank_code,
                            else_=len(grade_codes()))]
        elif self.key == "unit":
            primary = [select(Unit.code).where(Unit.id == Person.unit_id).scalar_subquery()]
        elif self.key == "screening":
            primary = [screening_rank()]
        else:
            primary, names = names, []
        primary = [term.desc() if self.descending else term.asc() for term in primary]
        return primary + names


@dataclass
class SelectionActions(AllowedActions):
    """The bulk actions the actor's abilities allow on the people they select."""
    assign: bool
    accounts: bool
    transfer: bool
    export: bool


@dataclass
class PeopleList:
    page: object
    filters: dict
    units: list[Unit]
    nation_codes: list[str]
    actions: SelectionActions


def get_people_list(actor, filters: dict, *, order: Order = Order(), page: int | None = 1) -> PeopleList:
    """One page of the people in reach matching the filters, in the chosen order (ties broken by name and
    id, so pages never shuffle); a unit filter out of reach is dropped."""
    if filters.get("unit_id") is not None and find_unit_in_scope(actor, filters["unit_id"], "org.read") is None:
        filters = filters | {"unit_id": None}
    rows = paginate(search_people(actor, **filters, order=order.terms()), page=page, per_page=PEOPLE_PER_PAGE)
    units = list_units(actor)
    actions = SelectionActions(assign=has_ability(actor, "training.record"), accounts=has_ability(actor, "org.write"),
                               transfer=has_ability(actor, "org.write"), export=has_ability(actor, "org.read"))
    return PeopleList(rows, filters, units, sorted({u.nation_code for u in units}), actions)
