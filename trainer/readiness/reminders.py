"""Reminders for one day, idempotent: expiries in 90, 30 and 7 days of modules and of the exercise
requirement (to the person and their training officers), nominations waiting for the lead nation's
confirmation, and overdue improvement items.

Each reminder is an in-app notification with a dedupe key, so running the same day twice adds
nothing; new notifications are also e-mailed when SMTP_HOST is configured. Each is written in its recipient's
language (notifications are stored text, so they are worded when created).
"""
from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, func, insert, or_, select, tuple_
from sqlalchemy.orm import aliased

from trainer.auth.models import Grant, Notification, User
from trainer.db import utcnow
from trainer.auth.policy import roles_with
from trainer.enums import ScopeKind
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness import reminder_words as words
from trainer.readiness.models import ReadinessInterval

EXPIRY_DAYS = (90, 30, 7)


@dataclass
class ReminderRun:
    day: dt.date
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    emailed: int = 0
    email_failures: int = 0

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _receives_reminders():
    """Condition on Grant: a grant whose role is sent reminders (the policy's "reminders.receive")."""
    return Grant.role.in_(sorted(role.value for role in roles_with("reminders.receive")))


def _officer_grants_for_people():
    """(person_id, user_id) of training officers whose grant covers the person (set-based join)."""
    grant_unit = aliased(Unit)
    return (select(Person.id.label("person_id"), Grant.user_id.label("user_id"))
            .join(Unit, Unit.id == Person.unit_id)
            .join(Grant, _receives_reminders())
            .outerjoin(grant_unit, grant_unit.id == Grant.unit_id)
            .where(or_(Grant.scope_kind == ScopeKind.MISSION.value,
                       and_(Grant.scope_kind == ScopeKind.NATION.value, Grant.nation_code == Person.nation_code),
                       and_(Grant.scope_kind == ScopeKind.UNIT.value, Unit.path.startswith(grant_unit.path, autoescape=False)))))


def _expiries(day: dt.date) -> list[dict]:
    """Coverage by a completion that ends on day+90/30/7 with nothing continuing it the next day."""
    ends = [day + dt.timedelta(days=d) for d in EXPIRY_DAYS]
    candidates = [dict(r._mapping) for r in db.session.execute(
        select(ReadinessInterval.person_id, ReadinessInterval.requirement, ReadinessInterval.end_on,
               ReadinessInterval.module_version, ReadinessInterval.cut)
        .join(Person, Person.id == ReadinessInterval.person_id)
        .where(ReadinessInterval.basis == "completion", ReadinessInterval.end_on.in_(ends), Person.status == "active"))]
    if not candidates:
        return []
    following = defaultdict(list)
    person_ids = sorted({c["person_id"] for c in candidates})
    for start in range(0, len(person_ids), 2000):
        for row in db.session.execute(
                select(ReadinessInterval.person_id, ReadinessInterval.requirement, ReadinessInterval.start_on,
                       ReadinessInterval.end_on)
                .where(ReadinessInterval.person_id.in_(person_ids[start:start + 2000]), ReadinessInterval.end_on > ends[-1])):
            following[(row.person_id, row.requirement)].append(row)
    one_day = dt.timedelta(days=1)
    return [c for c in candidates
            if not any(f.start_on <= c["end_on"] + one_day and f.end_on > c["end_on"]
                       for f in following.get((c["person_id"], c["requirement"]), ()))]


def _notify(rows: list[dict], run: ReminderRun, kind: str) -> None:
    """Insert the notifications whose (user, dedupe_key) is new, each worded in its recipient's language: a row's
    "words" gives (subject, body) in the current language."""
    if not rows:
        return
    unique = {(r["user_id"], r["dedupe_key"]): r for r in rows}
    keys = list(unique)
    existing = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        existing.update(db.session.execute(select(Notification.user_id, Notification.dedupe_key).where(
            tuple_(Notification.user_id, Notification.dedupe_key).in_(chunk))).all())
    fresh = [r for k, r in unique.items() if k not in existing]
    if not fresh:
        return
    words.word_rows(fresh)
    now = utcnow()
    payload = [{"user_id": r["user_id"], "kind": kind, "dedupe_key": r["dedupe_key"], "subject": r["subject"][:300],
                "body": r["body"], "link": r.get("link"), "created_at": now} for r in fresh]
    db.session.execute(insert(Notification), payload)
    run.created[kind] += len(payload)


def _recipients(person_ids: set[int]) -> tuple[dict, dict[int, int], dict[int, set[int]]]:
    """The people an expiry is about, each one's own enabled account, and the officers whose grants reach them."""
    people = {p.id: p for p in db.session.execute(select(Person.id, Person.family_name_latin, Person.given_names_latin,
                                                         Person.nation_code, Person.service_number)
                                                  .where(Person.id.in_(person_ids)))}
    own = dict(db.session.execute(select(User.person_id, User.id).where(User.person_id.in_(person_ids), User.disabled.is_(False))).all())
    officers = defaultdict(set)
    for pid, uid in db.session.execute(_officer_grants_for_people().where(Person.id.in_(person_ids))):
        officers[pid].add(uid)
    return people, own, officers


def _expiry_rows(person_id: int, key: str, own: dict, officers: dict, worded, person) -> list[dict]:
    """The reminders of one expiry: to the person's own account, worded to them (`worded(None)`), and to each
    officer whose grants reach them, worded about them (`worded(person)`); an officer who is the person gets one."""
    link = f"/readiness/people/{person_id}"
    rows = []
    if person_id in own:
        rows.append({"user_id": own[person_id], "dedupe_key": key, "link": link, "words": worded(None)})
    for uid in officers.get(person_id, ()):
        if uid == own.get(person_id):
            continue
        rows.append({"user_id": uid, "dedupe_key": key, "link": link, "words": worded(person)})
    return rows


def _remind_of_expiries(day: dt.date, run: ReminderRun, expiries: list[dict], worded) -> None:
    """One reminder per expiry (a person's requirement ending on its "end_on") and recipient, keyed by the days left,
    the person, the requirement and the end; `worded(expiry, days, about)` words it."""
    people, own, officers = _recipients({e["person_id"] for e in expiries})
    rows = []
    for e in expiries:
        days = (e["end_on"] - day).days
        key = f"expiry:{days}:{e['person_id']}:{e['requirement']}:{e['end_on'].isoformat()}"
        rows += _expiry_rows(e["person_id"], key, own, officers, lambda about: worded(e, days, about),
                             people[e["person_id"]])
    _notify(rows, run, "expiry")


def _expiry_reminders(day: dt.date, run: ReminderRun) -> None:
    expiries = _expiries(day)
    if expiries:
        titles = _module_titles({e["requirement"] for e in expiries})
        _remind_of_expiries(day, run, expiries,
                            lambda e, days, about: words.module_words(e, days, titles, about))


def _exercise_expiries(day: dt.date) -> list[dict]:
    """People whose exercise requirement stops being met 90, 30 or 7 days after `day`: for each profile with
    an exercise requirement (one query per profile, never per person), the last qualifying credit of each
    person the profile applies to, counted forward by the profile's window."""
    from trainer.curricula.models import ReadinessProfile
    from trainer.enums import Rating
    from trainer.readiness.profiles import profile_condition
    from trainer.readiness.models import ExerciseCredit
    from trainer.calendar_months import add_months
    from trainer.org.models import UnitAssignment

    order = [r.value for r in Rating]
    found: dict[tuple[int, dt.date], dict] = {}
    profiles = db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title, ReadinessProfile.exercise_types,
                                         ReadinessProfile.exercise_within_months, ReadinessProfile.exercise_min_outcome)).all()
    for code, title, types, months, min_outcome in profiles:
        if not types or not months or min_outcome not in order:
            continue
        members = (select(UnitAssignment.person_id).join(Unit, Unit.id == UnitAssignment.unit_id)
                   .where(UnitAssignment.start_on <= day,
                          or_(UnitAssignment.end_on.is_(None), UnitAssignment.end_on > day)))
        condition = profile_condition(code)
        if condition is not None:
            members = members.where(condition)
        last = func.max(ExerciseCredit.ended_on)
        rows = db.session.execute(
            select(ExerciseCredit.person_id, last.label("ended_on"))
            .join(Person, Person.id == ExerciseCredit.person_id)
            .where(ExerciseCredit.person_id.in_(members.scalar_subquery()), Person.status == "active",
                   ExerciseCredit.exercise_type.in_(types), ExerciseCredit.ended_on <= day,
                   ExerciseCredit.rating.in_(order[:order.index(min_outcome) + 1]))
            .group_by(ExerciseCredit.person_id)).all()
        for person_id, ended_on in rows:
            if isinstance(ended_on, str):  # SQLite hands back MAX(date) as text
                ended_on = dt.date.fromisoformat(ended_on)
            until = add_months(ended_on, months)
            if (until - day).days in EXPIRY_DAYS:
                found.setdefault((person_id, until), {"person_id": person_id, "requirement": "exercise", "end_on": until,
                                                      "ended_on": ended_on, "profiles": []})["profiles"].append((title, code))
    return list(found.values())


def _exercise_expiry_reminders(day: dt.date, run: ReminderRun) -> None:
    expiries = _exercise_expiries(day)
    if expiries:
        _remind_of_expiries(day, run, expiries, words.exercise_words)


def _module_titles(codes: set[str]) -> dict[str, dict]:
    """Each module's title by language (of its latest major version)."""
    try:
        from trainer.curricula.models import Module
    except ImportError:
        return {}
    return {code: title for code, title in
            db.session.execute(select(Module.code, Module.title).where(Module.code.in_(codes)).order_by(Module.major))}


def _nomination_reminders(day: dt.date, run: ReminderRun) -> None:
    try:
        from trainer.exercises.models import Exercise, Participant
    except ImportError:
        return
    waiting = db.session.execute(
        select(Exercise.id, Exercise.code, Exercise.title, Exercise.lead_nation_code, Exercise.start_at,
               Participant.id.label("participant_id"))
        .join(Participant, Participant.exercise_id == Exercise.id)
        .where(Participant.status == "nominated", Exercise.status.notin_(("cancelled", "closed")))).all()
    if not waiting:
        return
    by_exercise: dict[int, list] = defaultdict(list)
    for row in waiting:
        by_exercise[row.id].append(row)
    nations = {row.lead_nation_code for row in waiting}
    officers = defaultdict(set)
    for nation, uid in db.session.execute(select(Grant.nation_code, Grant.user_id).where(
            _receives_reminders(), Grant.scope_kind == ScopeKind.NATION.value,
            Grant.nation_code.in_(nations))):
        officers[nation].add(uid)
    week = day.isocalendar()
    rows = []
    for exercise_id, items in by_exercise.items():
        first = items[0]
        for uid in officers.get(first.lead_nation_code, ()):
            rows.append({"user_id": uid, "dedupe_key": f"nominations:{exercise_id}:{week.year}-W{week.week:02d}",
                         "words": words.nomination_words(first, len(items)), "link": f"/exercises/{exercise_id}"})
    _notify(rows, run, "nomination")


def _improvement_reminders(day: dt.date, run: ReminderRun) -> None:
    try:
        from trainer.assessments.models import ImprovementItem
        from trainer.exercises.models import Exercise
    except ImportError:
        return
    overdue = db.session.execute(
        select(ImprovementItem.id, ImprovementItem.finding, ImprovementItem.corrective_action, ImprovementItem.due_on,
               ImprovementItem.owner_nation_code, ImprovementItem.owner_unit_id, ImprovementItem.exercise_id,
               Exercise.code.label("exercise_code"), Exercise.lead_nation_code)
        .join(Exercise, Exercise.id == ImprovementItem.exercise_id)
        .where(ImprovementItem.due_on < day, ImprovementItem.status.in_(("open", "in_progress")))).all()
    if not overdue:
        return
    unit_paths = dict(db.session.execute(select(Unit.id, Unit.path).where(
        Unit.id.in_({r.owner_unit_id for r in overdue if r.owner_unit_id})))) if any(r.owner_unit_id for r in overdue) else {}
    grants = db.session.execute(
        select(Grant.user_id, Grant.scope_kind, Grant.nation_code, Unit.path)
        .outerjoin(Unit, Unit.id == Grant.unit_id)
        .where(_receives_reminders(),
               Grant.scope_kind.in_((ScopeKind.NATION.value, ScopeKind.UNIT.value)))).all()
    week = day.isocalendar()
    rows = []
    for item in overdue:
        nation = item.owner_nation_code or item.lead_nation_code
        path = unit_paths.get(item.owner_unit_id)
        users = set()
        for g in grants:
            if g.scope_kind == ScopeKind.NATION.value and g.nation_code == nation:
                users.add(g.user_id)
            elif g.scope_kind == ScopeKind.UNIT.value and path and g.path and path.startswith(g.path):
                users.add(g.user_id)
        for uid in users:
            rows.append({"user_id": uid, "dedupe_key": f"improvement:{item.id}:{week.year}-W{week.week:02d}",
                         "words": words.improvement_words(item), "link": f"/exercises/{item.exercise_id}"})
    _notify(rows, run, "improvement")


def _send_emails(run: ReminderRun) -> None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return
    pending = db.session.execute(
        select(Notification, User.email).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None),
               User.email.is_not(None), User.disabled.is_(False))).all()
    if not pending:
        return
    base = config.get("PUBLIC_URL", "").rstrip("/")
    try:
        smtp = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=30)
    except OSError as exc:
        current_app.logger.warning("reminders: cannot reach SMTP server: %s", exc)
        run.email_failures += len(pending)
        return
    with smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
        for note, address in pending:
            message = EmailMessage()
            message["From"] = config.get("SMTP_FROM") or "trainer@localhost"
            message["To"] = address
            message["Subject"] = note.subject
            message.set_content(note.body + (f"\n\n{base}{note.link}" if note.link else ""))
            try:
                smtp.send_message(message)
            except smtplib.SMTPException as exc:
                current_app.logger.warning("reminders: e-mail to user %s failed: %s", note.user_id, exc)
                run.email_failures += 1
                continue
            note.emailed_at = utcnow()
            run.emailed += 1
    db.session.flush()


def run_reminders(day: dt.date) -> ReminderRun:
    """Create (and e-mail) the reminders due on `day`. Running it again for the same day adds nothing."""
    run = ReminderRun(day)
    _expiry_reminders(day, run)
    _exercise_expiry_reminders(day, run)
    _nomination_reminders(day, run)
    _improvement_reminders(day, run)
    db.session.flush()
    _send_emails(run)
    return run
