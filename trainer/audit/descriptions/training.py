"""Learning: lessons read, knowledge checks, completions, assignments and classroom sessions."""
from __future__ import annotations

from flask_babel import format_percent, gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, Ref, describes, fill, join


def _module(e, recorded) -> tuple[Ref, str]:
    """A module recorded as "HR-03 1.2" (code and version) or as its code alone."""
    code, _space, version = str(recorded or "").partition(" ")
    return e.ref("module", code), version


def _percent(value) -> str:
    try:
        return format_percent(float(value) / 100, format="#,##0%")
    except (TypeError, ValueError):
        return str(value)


@describes("lesson.read", _l("Lesson read"), "training")
def lesson_read(e):
    return fill(_("%(actor)s read the lesson %(lesson)s of %(module)s.", **SLOTS), actor=e.actor,
                lesson=e.value("lesson", ""), module=e.ref("module", e.value("module")))


@describes("attempt.start", _l("Knowledge check started"), "training")
def attempt_start(e):
    module, version = _module(e, e.value("module"))
    return fill(_("%(actor)s started a knowledge check of %(module)s (version %(version)s).", **SLOTS),
                actor=e.actor, module=module, version=version or "—")


@describes("attempt.submit", _l("Knowledge check submitted"), "training")
def attempt_submit(e):
    module, _version = _module(e, e.value("module"))
    if e.value("passed"):
        return fill(_("%(actor)s passed the knowledge check of %(module)s with %(score)s.", **SLOTS), actor=e.actor,
                    module=module, score=_percent(e.value("score")))
    return fill(_("%(actor)s did not pass the knowledge check of %(module)s (%(score)s).", **SLOTS), actor=e.actor,
                module=module, score=_percent(e.value("score")))


@describes("training.remind", _l("Reminder sent"), "training")
def remind(e):
    modules = [e.ref("module", code) for code in (e.value("modules") or [])]
    return fill(ngettext("%(actor)s reminded %(person)s of %(count)s module to complete: %(modules)s.",
                         "%(actor)s reminded %(person)s of %(count)s modules to complete: %(modules)s.", len(modules),
                         **SLOTS), actor=e.actor, person=e.subject("person"), count=e.number(len(modules)),
                modules=join(modules))


def _method(value) -> str:
    from trainer.learning.models import Method

    return str(Method.LABELS.get(value, value or ""))


@describes("completion.record", _l("Completion recorded"), "training")
def completion(e):
    module, version = _module(e, e.value("module"))
    return fill(_("%(actor)s recorded a completion of %(module)s (version %(version)s) for %(person)s on "
                  "%(date)s: %(method)s.", **SLOTS), actor=e.actor, module=module, version=version or "—",
                person=e.ref("person", e.value("person_id")), date=e.date(e.value("completed_on")),
                method=_method(e.value("method")))


def _target(e, values: dict) -> Ref:
    if values.get("person_id"):
        return e.ref("person", values["person_id"])
    return e.ref("unit", values.get("unit_id"))


def _assigned(e, values: dict, kind: str):
    code = values.get("code")
    return e.ref("module", code) if kind == "module" else e.ref("profile", code)


@describes("module_assignment.create", _l("Module assigned"), "training")
def module_assignment(e):
    return fill(_("%(actor)s assigned the module %(module)s to %(target)s.", **SLOTS), actor=e.actor,
                module=_assigned(e, e.after, "module"), target=_target(e, e.after))


@describes("profile_assignment.create", _l("Readiness profile assigned"), "training")
def profile_assignment(e):
    return fill(_("%(actor)s assigned the readiness profile %(profile)s to %(target)s.", **SLOTS), actor=e.actor,
                profile=_assigned(e, e.after, "profile"), target=_target(e, e.after))


@describes("module_assignment.withdraw", _l("Module assignment withdrawn"), "training")
def module_withdraw(e):
    return fill(_("%(actor)s withdrew the assignment of the module %(module)s to %(target)s. Reason: %(reason)s",
                  **SLOTS), actor=e.actor, module=_assigned(e, e.before, "module"), target=_target(e, e.before),
                reason=e.value("reason", ""))


@describes("profile_assignment.withdraw", _l("Readiness profile assignment withdrawn"), "training")
def profile_withdraw(e):
    return fill(_("%(actor)s withdrew the assignment of the readiness profile %(profile)s to %(target)s. Reason: "
                  "%(reason)s", **SLOTS), actor=e.actor, profile=_assigned(e, e.before, "profile"),
                target=_target(e, e.before), reason=e.value("reason", ""))


@describes("session.create", _l("Classroom session scheduled"), "training")
def session_create(e):
    module, _version = _module(e, e.value("module"))
    return fill(_("%(actor)s recorded a classroom session of %(module)s for %(unit)s on %(date)s.", **SLOTS),
                actor=e.actor, module=module, unit=e.ref("unit", e.value("unit_id")), date=e.date(e.value("held_on")))


@describes("session.attendance", _l("Classroom attendance recorded"), "training")
def session_attendance(e):
    count = e.count_of(e.value("rows"))
    return fill(ngettext("%(actor)s recorded the attendance of %(count)s person at the classroom session %(session)s.",
                         "%(actor)s recorded the attendance of %(count)s people at the classroom session %(session)s.",
                         count, **SLOTS), actor=e.actor, count=e.number(count), session=e.subject("session"))
