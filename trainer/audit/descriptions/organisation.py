"""Nations, units and personnel records."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, describes, fill

# What the recorded fields of people, units and exercises are called, for "edited ...: name, e-mail".
FIELD_LABELS = {
    "service_number": _l("service number"), "family_name": _l("family name"), "given_names": _l("given names"),
    "family_name_latin": _l("family name (Latin)"), "given_names_latin": _l("given names (Latin)"),
    "rank_code": _l("grade"), "national_rank": _l("national rank"), "category": _l("category"),
    "email": _l("e-mail"), "screening": _l("screening"), "unit": _l("unit"), "status": _l("status"),
    "code": _l("code"), "name": _l("name"), "kind": _l("kind"), "parent": _l("parent unit"), "title": _l("title"),
    "type": _l("type"), "military_name": _l("military name"), "scenario_summary": _l("scenario"),
    "lead_nation_code": _l("lead nation"), "location_name": _l("location"), "timezone": _l("time zone"),
    "start_at": _l("start"), "end_at": _l("end"), "prerequisite_modules": _l("prerequisite modules"),
    "nations": _l("participating nations"), "units": _l("participating units"),
    # MSEL injects
    "number": _l("inject number"), "scenario_time": _l("scenario time"), "planned_at": _l("planned release"),
    "from_text": _l("sender"), "to": _l("recipient"), "method": _l("method"), "message": _l("message"),
    "expected_action": _l("expected player action"), "contingency": _l("contingency inject"),
    "objectives": _l("objectives"),
}


def fields(changed) -> str:
    """The changed fields, named in the reader's language, in a list."""
    keys = list(changed) if isinstance(changed, dict) else []
    return ", ".join(str(FIELD_LABELS.get(key, key)) for key in keys) or "—"


def _via(e) -> bool:
    return e.details.get("via") == "roster import"


@describes("nation.activate", _l("Nation activated"), "organisation")
def nation_activate(e):
    return fill(_("%(actor)s activated the nation %(nation)s.", **SLOTS), actor=e.actor, nation=e.subject("nation"))


@describes("nation.deactivate", _l("Nation deactivated"), "organisation")
def nation_deactivate(e):
    return fill(_("%(actor)s deactivated the nation %(nation)s.", **SLOTS), actor=e.actor, nation=e.subject("nation"))


@describes("unit.create", _l("Unit created"), "organisation")
def unit_create(e):
    return fill(_("%(actor)s created the unit %(unit)s.", **SLOTS), actor=e.actor, unit=e.subject("unit"))


@describes("unit.update", _l("Unit edited"), "organisation")
def unit_update(e):
    return fill(_("%(actor)s edited the unit %(unit)s: %(fields)s.", **SLOTS), actor=e.actor,
                unit=e.subject("unit"), fields=fields(e.after))


def _person(e):
    return e.subject("person")


@describes("person.create", _l("Personnel record created"), "organisation")
def person_create(e):
    if _via(e):
        return fill(_("%(actor)s created the personnel record of %(person)s by roster import.", **SLOTS),
                    actor=e.actor, person=_person(e))
    return fill(_("%(actor)s created the personnel record of %(person)s.", **SLOTS), actor=e.actor, person=_person(e))


@describes("person.update", _l("Personnel record edited"), "organisation")
def person_update(e):
    if _via(e):
        return fill(_("%(actor)s updated the personnel record of %(person)s by roster import: %(fields)s.",
                      **SLOTS), actor=e.actor, person=_person(e), fields=fields(e.after))
    return fill(_("%(actor)s edited the personnel record of %(person)s: %(fields)s.", **SLOTS), actor=e.actor,
                person=_person(e), fields=fields(e.after))


@describes("person.transfer", _l("Person transferred"), "organisation")
def person_transfer(e):
    return fill(_("%(actor)s transferred %(person)s to %(unit)s from %(date)s.", **SLOTS), actor=e.actor,
                person=_person(e), unit=e.ref("unit", e.value("unit")), date=e.date(e.value("on")))


@describes("person.left_service", _l("Person left service"), "organisation")
def person_left(e):
    return fill(_("%(actor)s recorded that %(person)s left service on %(date)s.", **SLOTS), actor=e.actor,
                person=_person(e), date=e.date(e.value("on")))


@describes("people.assign", _l("Training assigned to a selection"), "organisation")
def people_assign(e):
    count = e.count_of(e.value("people"))
    values = {"actor": e.actor, "count": e.number(count), "date": e.date(e.value("due_on"))}
    if e.value("kind") == "profile":
        return fill(ngettext("%(actor)s assigned the readiness profile %(profile)s to %(count)s person.",
                             "%(actor)s assigned the readiness profile %(profile)s to %(count)s people.", count,
                             **SLOTS), profile=e.ref("profile", e.value("code")), **values)
    return fill(ngettext("%(actor)s assigned the module %(module)s to %(count)s person.",
                         "%(actor)s assigned the module %(module)s to %(count)s people.", count, **SLOTS),
                module=e.ref("module", e.value("code")), **values)


@describes("people.transfer", _l("Selection transferred"), "organisation")
def people_transfer(e):
    count = e.count_of(e.value("moved"))
    return fill(ngettext("%(actor)s transferred %(count)s person to %(unit)s from %(date)s.",
                         "%(actor)s transferred %(count)s people to %(unit)s from %(date)s.", count, **SLOTS),
                actor=e.actor, count=e.number(count), unit=e.subject("unit"), date=e.date(e.value("on")))


@describes("people.export", _l("Personnel exported"), "organisation")
def people_export(e):
    count = e.count_of(e.value("people"))
    return fill(ngettext("%(actor)s exported %(count)s personnel record as %(format)s.",
                         "%(actor)s exported %(count)s personnel records as %(format)s.", count, **SLOTS),
                actor=e.actor, count=e.number(count), format=str(e.value("format", "")).upper())


@describes("roster.import", _l("Roster imported"), "organisation")
def roster_import(e):
    return fill(_("%(actor)s imported the roster %(file)s: new people: %(created)s; updated: %(updated)s "
                  "(transferred: %(transfers)s); unchanged: %(unchanged)s.", **SLOTS),
                actor=e.actor, file=e.value("file") or e.object_id, created=e.number(e.value("create", 0)),
                updated=e.number(e.value("update", 0)), transfers=e.number(e.value("transfers", 0)),
                unchanged=e.number(e.value("unchanged", 0)))
