"""Readiness: waivers, deployments and commanders' assessed levels."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, Ref, describes, fill


def _requirement(e, value):
    if value == "exercise":
        return Ref(_("the exercise requirement"))
    return e.ref("module", value)


def _level(value) -> str:
    from trainer.readiness.models import Level

    try:
        return Level(value).label
    except ValueError:
        return str(value or "—")


@describes("waiver.grant", _l("Waiver granted"), "readiness")
def waiver_grant(e):
    return fill(_("%(actor)s waived %(requirement)s for %(person)s until %(date)s (authority: %(code)s). Reason: "
                  "%(reason)s", **SLOTS), actor=e.actor, requirement=_requirement(e, e.value("requirement")),
                person=e.ref("person", e.value("person")), date=e.date(e.value("expires_on")),
                code=e.value("authority", ""), reason=e.value("reason", ""))


@describes("waiver.revoke", _l("Waiver revoked"), "readiness")
def waiver_revoke(e):
    return fill(_("%(actor)s revoked the waiver of %(requirement)s for %(person)s. Reason: %(reason)s", **SLOTS),
                actor=e.actor, requirement=_requirement(e, e.value("requirement")),
                person=e.ref("person", e.value("person")), reason=e.value("reason", ""))


@describes("deployment.create", _l("Deployment created"), "readiness")
def deployment_create(e):
    count = e.count_of(e.value("people"))
    return fill(ngettext("%(actor)s created the deployment %(deployment)s: %(count)s person, departing %(departure)s "
                         "and returning %(return)s, against %(profile)s.",
                         "%(actor)s created the deployment %(deployment)s: %(count)s people, departing %(departure)s "
                         "and returning %(return)s, against %(profile)s.", count, **SLOTS),
                actor=e.actor, deployment=e.subject("deployment"), count=e.number(count),
                departure=e.date(e.value("departure_on")), **{"return": e.date(e.value("return_on"))},
                profile=e.ref("profile", e.value("profile")))


@describes("deployment.remove_person", _l("Person removed from a deployment"), "readiness")
def deployment_remove(e):
    return fill(_("%(actor)s removed %(person)s from the deployment %(deployment)s.", **SLOTS), actor=e.actor,
                person=e.ref("person", e.value("person")), deployment=e.subject("deployment"))


@describes("unit.assessed_level", _l("Unit readiness assessed"), "readiness")
def assessed_level(e):
    return fill(_("%(actor)s assessed %(unit)s as %(level)s against %(profile)s on %(date)s (computed: "
                  "%(computed)s). Reason: %(reason)s", **SLOTS), actor=e.actor, unit=e.ref("unit", e.value("unit")),
                level=_level(e.value("assessed")), profile=e.ref("profile", e.value("profile")),
                date=e.date(e.value("as_of")), computed=_level(e.value("computed")), reason=e.value("reason", ""))
