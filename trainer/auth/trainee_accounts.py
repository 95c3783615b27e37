"""Trainee accounts for many people at once: everyone in a unit who has none, or a chosen list. Each gets a
one-time password, returned once for the printed sheet and stored only as a hash."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from trainer.audit.services import record_event
from trainer.auth import policy
from trainer.auth.models import Grant, User
from trainer.auth.passwords import hash_password
from trainer.auth.services import AuthSettings, generate_one_time_password
from trainer.enums import ScopeKind
from trainer.extensions import db


@dataclass
class NewAccount:
    person: object
    username: str
    one_time_password: str


def list_people_without_account(actor, unit, include_subunits: bool = True) -> list:
    """The people of a unit in the actor's reach (the caller got `unit` through the scoping helper)
    who have no account yet."""
    return list(db.session.scalars(people_without_account(unit, include_subunits)).unique())


def people_without_account(unit, include_subunits: bool = True):
    """Active people of a unit (and its sub-units) that no account is linked to."""
    from trainer.org.models import Person, Unit

    units = select(Unit.id).where(Unit.path.startswith(unit.path)) if include_subunits else select(Unit.id).where(
        Unit.id == unit.id)
    return (select(Person).where(Person.unit_id.in_(units), Person.status == "active",
                                 ~Person.id.in_(select(User.person_id).where(User.person_id.is_not(None))))
            .order_by(Person.family_name_latin, Person.given_names_latin, Person.id))


def _username_for(person, taken: set[str]) -> str:
    import re

    base = re.sub(r"[^a-z0-9]+", "-", f"{person.nation_code}-{person.service_number}".lower()).strip("-")[:70]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def create_trainee_accounts(settings: AuthSettings, actor, unit, *, include_subunits: bool = True) -> list[NewAccount]:
    """An account with a one-time password for every active person of the unit without one.

    The caller checks that `unit` is in the actor's scope. The passwords are returned once, for the
    printed sheet, and stored only as hashes; each account must set its own password at first sign-in.
    """
    people = db.session.scalars(people_without_account(unit, include_subunits)).unique().all()
    created = _trainee_accounts(settings, people)
    if created:
        record_event(actor, "user.bulk_create", unit, object_type="units", object_id=unit.id,
                     after={"count": len(created), "usernames": [a.username for a in created]})
        db.session.flush()
    return created


def create_trainee_accounts_for(settings: AuthSettings, actor, people: list) -> list[NewAccount]:
    """An account with a one-time password for each of these people (chosen one by one, e.g. on the
    personnel list). The caller reached them through the scoping helper and left out anyone who has an
    account or left service."""
    created = _trainee_accounts(settings, people)
    if created:
        record_event(actor, "user.bulk_create", None, object_type="people",
                     after={"count": len(created), "usernames": [a.username for a in created],
                            "people": [a.person.id for a in created]})
        db.session.flush()
    return created


def _trainee_accounts(settings: AuthSettings, people: list) -> list[NewAccount]:
    import os
    from concurrent.futures import ThreadPoolExecutor

    if not people:
        return []
    taken = set(db.session.scalars(select(User.username).where(
        func.substr(User.username, 1, 3).in_({p.nation_code.lower() for p in people}))))
    passwords = [generate_one_time_password() for _ in people]
    # argon2 releases the GIL: hash on every core, a unit of a few hundred takes seconds, not minutes.
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        hashes = list(pool.map(lambda pw: hash_password(settings.hasher, pw), passwords))
    created = []
    for person, password, hashed in zip(people, passwords, hashes):
        username = _username_for(person, taken)
        # A person's names may hold 320 characters together; an account's shown name 200.
        user = User(username=username, display_name=(person.full_name_latin or person.full_name)[:200],
                    email=person.email, password_hash=hashed, person_id=person.id, must_change_password=True)
        user.grants.append(Grant(role=policy.SELF_ROLE.value, scope_kind=ScopeKind.SELF.value))
        db.session.add(user)
        created.append(NewAccount(person, username, password))
    db.session.flush()
    return created
