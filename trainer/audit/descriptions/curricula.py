"""Curriculum packs: modules and readiness profiles imported or changed."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from trainer.audit.descriptions.core import SLOTS, describes, fill


@describes("module.import", _l("Module imported"), "curricula")
def module_import(e):
    return fill(_("%(actor)s imported version %(version)s of the module %(module)s.", **SLOTS), actor=e.actor,
                version=e.value("version", ""), module=e.ref("module", e.value("code")))


@describes("profile.import", _l("Readiness profile imported"), "curricula")
def profile_import(e):
    return fill(_("%(actor)s imported the readiness profile %(profile)s.", **SLOTS), actor=e.actor,
                profile=e.ref("profile", e.value("code")))


@describes("profile.update", _l("Readiness profile changed"), "curricula")
def profile_update(e):
    profile = e.subject("profile_id")
    before = set(e.before.get("required_modules") or []) if isinstance(e.before, dict) else set()
    after = set(e.after.get("required_modules") or []) if isinstance(e.after, dict) else set()
    if before != after:
        return fill(_("%(actor)s changed the readiness profile %(profile)s: modules added: %(after)s; modules "
                      "removed: %(before)s.", **SLOTS), actor=e.actor, profile=profile,
                    after=", ".join(sorted(after - before)) or "—", before=", ".join(sorted(before - after)) or "—")
    return fill(_("%(actor)s changed the readiness profile %(profile)s.", **SLOTS), actor=e.actor, profile=profile)


@describes("curricula.import", _l("Curriculum packs imported"), "curricula")
def curricula_import(e):
    return fill(_("%(actor)s imported curriculum packs: new module versions: %(modules)s; new profiles: "
                  "%(profiles)s; changed profiles: %(changed)s.", **SLOTS), actor=e.actor,
                modules=e.number(e.count_of(e.value("modules_added"))),
                profiles=e.number(e.count_of(e.value("profiles_added"))),
                changed=e.number(e.count_of(e.value("profiles_changed"))))
