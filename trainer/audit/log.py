"""Reading the audit log: the filters an investigator chooses (a date range, an account, an action or a
group of actions, and one object), a page of events with their descriptions, and the filters' choices,
taken from what the log holds."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import distinct, select

from trainer.audit.descriptions import action_groups, actions_in_group, describe_events
from trainer.audit.models import AuditEvent
from trainer.extensions import db
from trainer.pagination import paginate

EVENTS_PER_PAGE = 50
GROUP_PREFIX = "group:"
SYSTEM_ACTOR = "system"


@dataclass
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, args) -> "Filters":
        """The filters from the query string; a date that cannot be read is reported and left out."""
        filters = cls(actor=_text(args.get("actor")), action=_text(args.get("action")),
                      object_type=_text(args.get("object_type"), 40), object_id=_text(args.get("object_id"), 64))
        for name in ("since", "until"):
            raw = _text(args.get(name), 20)
            if raw:
                try:
                    setattr(filters, name, dt.date.fromisoformat(raw))
                except ValueError:
                    filters.errors[name] = _("Enter a date as YYYY-MM-DD.")
        if filters.since and filters.until and filters.until < filters.since:
            filters.errors["until"] = _("The end of the range is before its start.")
            filters.until = None
        return filters

    def args(self) -> dict:
        """The filters as query-string arguments (for the export link and the pages)."""
        values = {"since": self.since.isoformat() if self.since else None,
                  "until": self.until.isoformat() if self.until else None, "actor": self.actor,
                  "action": self.action, "object_type": self.object_type, "object_id": self.object_id}
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args())


def _text(value, length: int = 100) -> str | None:
    value = (value or "").strip()[:length]
    return value or None


def events_query(filters: Filters):
    """The events the filters keep, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if filters.since:
        query = query.where(AuditEvent.at >= _midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _midnight(filters.until + dt.timedelta(days=1)))
    if filters.actor:
        query = query.where(AuditEvent.actor_name == filters.actor)
    if filters.action and filters.action.startswith(GROUP_PREFIX):
        query = query.where(AuditEvent.action.in_(actions_in_group(filters.action[len(GROUP_PREFIX):])))
    elif filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


def page_of_events(actor, filters: Filters, *, page: int | None):
    """One page of the filtered events (for the audit log's readers: the policy lets only admins in), each
    with its description in the reader's language. The page's `items` are `Described` events."""
    result = paginate(events_query(filters), page=page, per_page=EVENTS_PER_PAGE)
    result.items = describe_events(actor, result.items)
    return result


@dataclass
class Choices:
    actors: list[tuple[str, str]]
    groups: list[tuple[str, str, list[tuple[str, str]]]]


def filter_choices(actor) -> Choices:
    """The accounts and actions the log holds, for the filters' lists."""
    from trainer.auth.models import User

    names = db.session.execute(select(AuditEvent.actor_name, AuditEvent.actor_id)
                               .group_by(AuditEvent.actor_name, AuditEvent.actor_id)).all()
    ids = {actor_id for _name, actor_id in names if actor_id is not None}
    shown = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    actors: dict[str, str] = {}
    for name, actor_id in names:
        if actor_id is None and name == SYSTEM_ACTOR:
            actors[name] = _("The system")
        elif name not in actors:
            display = shown.get(actor_id)
            actors[name] = f"{display} ({name})" if display and display != name else name
    actions = db.session.scalars(select(distinct(AuditEvent.action))).all()
    return Choices(actors=sorted(actors.items(), key=lambda item: (item[0] != SYSTEM_ACTOR, item[1].casefold())),
                   groups=action_groups(actions))


# The kinds of object the log can be narrowed to by name (table name -> the names' kind).
OBJECT_KINDS = {"users": "user", "people": "person", "units": "unit", "nations": "nation", "exercises": "exercise",
                "certificates": "certificate", "deployments": "deployment", "classroom_sessions": "session",
                "improvement_items": "item", "certificate_batches": "batch"}


def get_filtered_object(actor, filters: Filters):
    """The object the log is narrowed to, named (and linked) as descriptions name it; None without one."""
    from trainer.audit.descriptions.core import Ref
    from trainer.audit.descriptions.names import Names

    if not filters.object_type:
        return None
    kind = OBJECT_KINDS.get(filters.object_type)
    if kind is None or not filters.object_id:
        return Ref(f"{filters.object_type} {filters.object_id or ''}".strip())
    names = Names(actor)
    names.ref(kind, filters.object_id)
    names.load()
    return names.ref(kind, filters.object_id)
