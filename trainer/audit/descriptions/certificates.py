"""Certificates: issued, replaced, revoked, suspended and reinstated; signing keys; demonstration data."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, Ref, describes, fill


def _certificate(e):
    """The event's certificate, by its id, with its serial when it cannot be linked."""
    return e.ref("certificate", e.object_id, fallback=e.value("serial"))


@describes("certificate.issue", _l("Certificate issued"), "certificates")
def issue(e):
    values = {"actor": e.actor, "certificate": _certificate(e), "profile": e.ref("profile", e.value("profile")),
              "person": e.ref("person", e.value("person_id")), "date": e.date(e.value("valid_until"))}
    if e.value("supersedes"):
        return fill(_("%(actor)s issued the certificate %(certificate)s (%(profile)s) to %(person)s, valid until "
                      "%(date)s, replacing %(old)s.", **SLOTS),
                    old=e.ref("certificate_serial", e.value("supersedes")), **values)
    return fill(_("%(actor)s issued the certificate %(certificate)s (%(profile)s) to %(person)s, valid until "
                  "%(date)s.", **SLOTS), **values)


@describes("certificate.supersede", _l("Certificate replaced"), "certificates")
def supersede(e):
    return fill(_("%(actor)s replaced the certificate %(certificate)s with %(new)s.", **SLOTS), actor=e.actor,
                certificate=_certificate(e), new=e.ref("certificate_serial", e.value("replaced_by")))


@describes("certificate.revoke", _l("Certificate revoked"), "certificates")
def revoke(e):
    return fill(_("%(actor)s revoked the certificate %(certificate)s. Reason: %(reason)s", **SLOTS), actor=e.actor,
                certificate=_certificate(e), reason=e.details.get("reason", ""))


@describes("certificate.suspend", _l("Certificate suspended"), "certificates")
def suspend(e):
    return fill(_("%(actor)s put the holder's screening on hold, which suspended the certificate %(certificate)s.",
                  **SLOTS), actor=e.actor, certificate=_certificate(e))


@describes("certificate.reinstate", _l("Certificate reinstated"), "certificates")
def reinstate(e):
    return fill(_("%(actor)s lifted the hold on the holder's screening, which reinstated the certificate "
                  "%(certificate)s.", **SLOTS), actor=e.actor, certificate=_certificate(e))


@describes("certificate.bulk_issue", _l("Certificates issued for a unit"), "certificates")
def bulk_issue(e):
    issued = e.count_of(e.value("issued"))
    return fill(ngettext("%(actor)s issued %(count)s certificate (%(profile)s) to the people of %(unit)s in "
                         "%(item)s; %(skipped)s skipped.",
                         "%(actor)s issued %(count)s certificates (%(profile)s) to the people of %(unit)s in "
                         "%(item)s; %(skipped)s skipped.", issued, **SLOTS),
                actor=e.actor, count=e.number(issued), profile=e.ref("profile", e.value("profile")),
                unit=Ref(str(e.value("unit", ""))), item=e.subject("batch"),
                skipped=e.number(e.count_of(e.value("skipped"))))


@describes("certificate.open_badge_name", _l("Name in Open Badges chosen"), "certificates")
def open_badge_name(e):
    if e.after.get("include_name"):
        return fill(_("%(actor)s chose to show their name in their Open Badges.", **SLOTS), actor=e.actor)
    return fill(_("%(actor)s chose to leave their name out of their Open Badges.", **SLOTS), actor=e.actor)


@describes("certificate.rotate_key", _l("Signing key replaced"), "system")
def rotate_key(e):
    if e.before.get("kid"):
        return fill(_("%(actor)s made the certificate signing key %(new)s current; %(old)s stays published for "
                      "verification.", **SLOTS), actor=e.actor, new=e.after.get("kid", ""), old=e.before["kid"])
    return fill(_("%(actor)s made the certificate signing key %(new)s current.", **SLOTS), actor=e.actor,
                new=e.after.get("kid", ""))


@describes("demo.seed", _l("Demonstration data loaded"), "system")
def demo_seed(e):
    scale = e.value("scale") or e.object_id
    words = {"small": _("small scale"), "large": _("large scale")}
    return fill(_("%(actor)s loaded the demonstration data (%(scale)s).", **SLOTS), actor=e.actor,
                scale=words.get(scale, scale))
