"""Finding one person by name or service number, for the person picker: only people the actor reaches
through the ability the asking form needs, a small page at a time."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from trainer.auth import scoping
from trainer.auth.policy import ABILITIES
from trainer.enums import PersonStatus
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.models import Person
from trainer.org.names import fold

LOOKUP_PER_PAGE = 10
MIN_QUERY = 2
DEFAULT_ABILITY = "org.read"


def picker_ability(name: str | None) -> str:
    """The ability a picker asks for, or the default when the name is none of the policy's."""
    return name if name in ABILITIES else DEFAULT_ABILITY


@dataclass
class LookupPage:
    query: str
    people: list[Person]
    page: int
    more: bool

    @property
    def too_short(self) -> bool:
        return len(fold(self.query)) < MIN_QUERY


def lookup_people(actor, query: str, *, ability: str = DEFAULT_ABILITY, page: int = 1,
                  per_page: int = LOOKUP_PER_PAGE) -> LookupPage:
    """People in service the actor reaches (through `ability`) whose names, in any script and without
    accents, or service number contain every word of the query; an exact service number comes first."""
    query = (query or "").strip()[:200]
    page = max(1, min(page or 1, 1000))
    tokens = fold(query).split()
    if len(fold(query)) < MIN_QUERY:
        return LookupPage(query, [], page, False)
    statement = select(Person).where(scoping.scope_condition(actor, "person", picker_ability(ability)),
                                     Person.status == PersonStatus.ACTIVE.value)
    for token in tokens:
        statement = statement.where(Person.search_text.contains(token))
    exact = case((func.lower(Person.service_number) == query.lower(), 0), else_=1)
    statement = (statement.order_by(exact, Person.family_name_latin, Person.given_names_latin, Person.id)
                 .offset((page - 1) * per_page).limit(per_page + 1))
    people = list(db.session.scalars(statement).unique())
    return LookupPage(query, people[:per_page], page, len(people) > per_page)


def person_choice(actor, person_id, ability: str = DEFAULT_ABILITY) -> Person | None:
    """The person with this id if the actor reaches them through `ability`, else None (a stale or
    foreign choice shows as no choice; the service that acts on it refuses it)."""
    if person_id in (None, ""):
        return None
    try:
        return scoping.get_scoped(actor, "person", person_id, picker_ability(ability))
    except NotFound:
        return None


def person_label(person: Person) -> str:
    """How a chosen person reads in the picker: names, service number and unit."""
    return f"{person.display_name} · {person.nation_code} {person.service_number} · {person.unit.code}"


def as_json(person: Person) -> dict:
    return {"id": person.id, "label": person_label(person), "name": person.full_name,
            "name_latin": person.full_name_latin if person.full_name_latin != person.full_name else "",
            "service_number": person.service_number, "nation": person.nation_code, "unit": person.unit.code,
            "rank": person.rank_code}
