"""What trainees are told about their training: a new assignment (to them, or to a unit above them) and a
reminder from a training officer about modules overdue or expiring. Each account reads it in its own language
(trainer.auth.notifications.notify_people)."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from flask_babel import get_locale, ngettext
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.auth.models import User
from trainer.auth.notifications import notify_people
from trainer.curricula.models import Module, ReadinessProfile, pick
from trainer.extensions import db
from trainer.org.models import Person, Unit


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _day(value: dt.date) -> str:
    from trainer.templating import format_date

    return format_date(value)


def _linked_people(unit: Unit) -> list[int]:
    """The people of a unit's subtree who have an account that can read a notification (one query)."""
    return list(db.session.scalars(
        select(User.person_id).join(Person, Person.id == User.person_id)
        .where(Person.status == "active", User.disabled.is_(False),
               Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))).distinct()))


def notify_assignment(row) -> int:
    """Tell the people an assignment reaches (one person, or everyone with an account in the unit's subtree)."""
    person_ids = [row.person_id] if row.person_id else _linked_people(row.unit)
    if not person_ids:
        return 0
    due_on = row.due_on
    if row.kind == "module":
        module = db.session.scalar(select(Module).where(Module.code == row.code, Module.is_current.is_(True)))
        title, link = (module.title if module else {}), f"/curricula/modules/{row.code}"
    else:
        profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == row.code))
        title, link = (profile.title if profile else {}), "/learning/"

    def message(gettext):
        name = pick(title, _language()) or row.code
        if row.kind == "module":
            subject = gettext("New training for you: %(code)s %(title)s", code=row.code, title=name)
            body = (gettext("You must complete module %(code)s, %(title)s, by %(date)s.", code=row.code, title=name,
                            date=_day(due_on)) if due_on else
                    gettext("You must complete module %(code)s, %(title)s.", code=row.code, title=name))
        else:
            subject = gettext("New readiness profile for you: %(title)s", title=name)
            body = (gettext("You must meet the readiness profile %(title)s (%(code)s) by %(date)s. My training lists "
                            "its modules.", code=row.code, title=name, date=_day(due_on)) if due_on else
                    gettext("You must meet the readiness profile %(title)s (%(code)s). My training lists its "
                            "modules.", code=row.code, title=name))
        return subject, body

    return notify_people(person_ids, "assignment", f"assignment:{row.kind}:{row.id}", message, link=link)


class Reminded(StrEnum):
    SENT = "sent"
    ALREADY = "already"         # reminded today already
    NO_ACCOUNT = "no_account"   # nobody to tell: no linked account, or a disabled one
    NOTHING = "nothing"         # nothing overdue or expiring


def remind_person(actor, person_id, today: dt.date, days: int = 60) -> tuple[Person, Reminded]:
    """Remind one person in scope of what the overdue-and-expiring list shows for them (modules overdue, and
    completions expiring within `days`): one notification a day at most."""
    from trainer.learning.attention import attention_list

    person = scoping.get_scoped(actor, "person", person_id, "training.view")
    found = attention_list(actor, today, person_id=person.id, days=days, page=None)
    items = [(i.module, i.overdue, i.day) for row in found.rows for i in row.overdue + row.expiring]
    if not items:
        return person, Reminded.NOTHING
    if not db.session.scalar(select(User.id).where(User.person_id == person.id, User.disabled.is_(False)).limit(1)):
        return person, Reminded.NO_ACCOUNT

    def message(gettext):
        language = _language()
        lines = [(gettext("%(code)s %(title)s: overdue since %(date)s") if overdue else
                  gettext("%(code)s %(title)s: valid only through %(date)s")) % {
                      "code": module.code, "title": pick(module.title, language), "date": _day(day)}
                 for module, overdue, day in items]
        subject = ngettext("Training reminder: %(num)d module needs your attention",
                           "Training reminder: %(num)d modules need your attention", len(items))
        return subject, "\n".join([gettext("Your training officer reminds you of:"), *lines,
                                   gettext("Open My training to continue.")])

    added = notify_people([person.id], "reminder", f"training-reminder:{person.id}:{today.isoformat()}", message,
                          link="/learning/")
    if not added:
        return person, Reminded.ALREADY
    record_event(actor, "training.remind", person, after={"modules": [item[0].code for item in items],
                                                          "on": today.isoformat()})
    return person, Reminded.SENT


def reminded_today(person_ids, today: dt.date) -> set[int]:
    """Which of these people were reminded today (one query)."""
    from trainer.auth.models import Notification

    keys = {f"training-reminder:{pid}:{today.isoformat()}": pid for pid in person_ids}
    if not keys:
        return set()
    return {keys[key] for key in db.session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_(list(keys))).distinct())}
