"""The API's paged reads: each takes the query a domain service builds (scoped there, as for the pages) and
pages it by cursor in the list's own order."""
from __future__ import annotations

from flask_babel import gettext as _

from trainer.api.cursor import keyset_page
from trainer.errors import NotFound


def people_after(actor, filters: dict, *, cursor: str | None, limit: int):
    """A page of the people in the actor's reach matching the filters, by Latin name. A unit filter out of
    reach is refused like an unknown unit (the page quietly drops it; a system should be told)."""
    from trainer.org import people, services
    from trainer.org.models import Person

    unit_id = filters.get("unit_id")
    if unit_id is not None and services.find_unit_in_scope(actor, unit_id, "org.read") is None:
        raise NotFound(_("There is no such unit in your scope."), errors=[("query.unit_id", _("No such unit."))])
    query = people.search_people(actor, **filters)
    return keyset_page(query, (Person.family_name_latin, Person.given_names_latin, Person.id),
                       lambda p: (p.family_name_latin, p.given_names_latin, p.id), cursor=cursor, limit=limit)


def assignment(actor, kind: str, assignment_id):
    """A module or profile assignment the actor may manage (the scope the withdrawal checks)."""
    from trainer.auth import scoping

    return scoping.get_scoped(actor, f"{kind}_assignment", assignment_id, "training.record")


def exercises_after(actor, filters: dict, *, cursor: str | None, limit: int):
    """A page of the exercises the actor reaches, matching the filters, by start."""
    from trainer.exercises import services
    from trainer.exercises.models import Exercise

    query = services.exercises_query(actor, **filters)
    return keyset_page(query, (Exercise.start_at, Exercise.id), lambda ex: (ex.start_at, ex.id),
                       cursor=cursor, limit=limit)


def visible(rows: dict, row_id: int):
    """The row with this id among those a service let the actor see; NotFound for any other."""
    if row_id not in rows:
        raise NotFound()
    return rows[row_id]


def certificates_after(actor, filters: dict, *, cursor: str | None, limit: int):
    """A page of the actor's certificates matching the filters, newest first (as the certificates page)."""
    from trainer.certificates.models import Certificate
    from trainer.certificates.services import reads

    query = reads.certificate_query(actor, **filters)
    return keyset_page(query, (Certificate.issued_at, Certificate.id), lambda c: (c.issued_at, c.id),
                       cursor=cursor, limit=limit, descending=True)
