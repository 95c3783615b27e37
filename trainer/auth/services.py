"""Accounts: sign-in with throttling, passwords, grants, disabling, one-time passwords, bulk trainee accounts."""
from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from trainer.audit.services import record_event
from trainer.auth import policy
from trainer.auth.models import Grant, LoginAttempt, User
from trainer.auth.passwords import hash_password, password_problems, verify_password
from trainer.db import utcnow
from trainer.enums import Role, ScopeKind
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.pagination import paginate

# A hash to verify against when the account does not exist, so that timing does not reveal it: made
# once per hasher, so that an unknown name costs one verification, exactly as a wrong password does.
_DUMMY_HASH_CACHE: dict[int, str] = {}


def _dummy_hash(hasher) -> str:
    if id(hasher) not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[id(hasher)] = hash_password(hasher, secrets.token_hex(16))
    return _DUMMY_HASH_CACHE[id(hasher)]


@dataclass
class AuthSettings:
    hasher: object
    min_length: int = 12
    max_length: int = 128
    max_failures_account: int = 5
    max_failures_address: int = 20
    window_minutes: int = 15
    local_login: str = "on"  # or "admins": everyone else signs in through the OpenID Connect provider

    @classmethod
    def from_config(cls, config) -> "AuthSettings":
        from trainer.auth.passwords import hasher_from_config

        return cls(
            hasher=hasher_from_config(config),
            min_length=config["PASSWORD_MIN_LENGTH"],
            max_length=config["PASSWORD_MAX_LENGTH"],
            max_failures_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            max_failures_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            window_minutes=config["LOGIN_WINDOW_MINUTES"],
            local_login=config["LOCAL_LOGIN"],
        )

    def local_sign_in_allowed(self, user: User) -> bool:
        return self.local_login != "admins" or policy.has_ability(user, "sign_in.local_when_restricted")


class Throttled(Exception):
    def __init__(self, minutes: int):
        super().__init__(f"Too many failed sign-in attempts. Try again in {minutes} minutes.")
        self.minutes = minutes


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().lower()[:80]


def authenticate(settings: AuthSettings, username: str, password: str, address: str) -> User | None:
    """The user for these credentials, or None. Raises Throttled after too many recent failures."""
    username = normalise_username(username)
    address = (address or "unknown")[:64]
    since = utcnow() - dt.timedelta(minutes=settings.window_minutes)
    by_account = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.attempted_at >= since))
    by_address = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address, LoginAttempt.attempted_at >= since))
    if by_account >= settings.max_failures_account or by_address >= settings.max_failures_address:
        raise Throttled(settings.window_minutes)

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(settings.hasher, _dummy_hash(settings.hasher), password)
        ok = False
    else:
        ok = (verify_password(settings.hasher, user.password_hash, password) and not user.disabled
              and settings.local_sign_in_allowed(user))
    if not ok:
        db.session.add(LoginAttempt(username=username, address=address))
        db.session.flush()
        return None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    if settings.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(settings.hasher, password)
    user.last_login_at = utcnow()
    record_event(user, "auth.login", user)
    db.session.flush()
    return user


def end_all_sessions(user: User) -> None:
    user.session_version += 1


def logout_user_everywhere(user: User) -> None:
    end_all_sessions(user)
    record_event(user, "auth.logout", user)
    db.session.flush()


def _check_password(settings: AuthSettings, password: str, username: str) -> None:
    problems = password_problems(password, min_length=settings.min_length,
                                 max_length=settings.max_length, username=username)
    if problems:
        raise Invalid(" ".join(problems), errors=[("password", p) for p in problems])


def change_password(settings: AuthSettings, user: User, current: str, new: str) -> None:
    if not verify_password(settings.hasher, user.password_hash, current):
        raise Invalid("The current password is not correct.", errors=[("current_password", "Not correct.")])
    _check_password(settings, new, user.username)
    if verify_password(settings.hasher, user.password_hash, new):
        raise Invalid("Choose a password different from the current one.", errors=[("password", "Same as before.")])
    user.password_hash = hash_password(settings.hasher, new)
    user.must_change_password = False
    end_all_sessions(user)
    record_event(user, "auth.password_changed", user)
    db.session.flush()


def create_user(settings: AuthSettings, actor, *, username: str, display_name: str, password: str | None = None,
                email: str | None = None, person_id: int | None = None, grants: list[tuple] = (),
                must_change_password: bool = False, timezone: str = "UTC", audit: bool = True) -> tuple[User, str | None]:
    """Create an account. Without a password a one-time password is generated and returned."""
    username = normalise_username(username)
    if not username or any(c.isspace() for c in username):
        raise Invalid("An account name is required and may not contain spaces.", errors=[("username", "Invalid.")])
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise Conflict(f"The account name {username!r} is taken.", errors=[("username", "Taken.")])
    if person_id is not None:
        from trainer.org.models import Person

        try:
            person_id = int(person_id)
            if not 0 < person_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            person_id = 0
        if not person_id or db.session.get(Person, person_id) is None:
            raise Invalid("There is no personnel record with this number.",
                          errors=[("person_id", "Enter the number of an existing personnel record.")])
        if db.session.scalar(select(func.count()).select_from(User).where(User.person_id == person_id)):
            raise Conflict("This personnel record already has an account.",
                           errors=[("person_id", "Already linked to another account.")])
    one_time = None
    if password is None:
        one_time = generate_one_time_password()
        password = one_time
        must_change_password = True
    else:
        _check_password(settings, password, username)
    user = User(username=username, display_name=display_name or username, email=email or None,
                password_hash=hash_password(settings.hasher, password), person_id=person_id,
                must_change_password=must_change_password, timezone=timezone)
    db.session.add(user)
    db.session.flush()
    for grant in grants:
        _add_grant(user, *grant)
    if audit:
        record_event(actor, "user.create", user, after={"username": username, "grants": [g.describe() for g in user.grants]})
    db.session.flush()
    return user, one_time


def generate_one_time_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _add_grant(user: User, role, scope_kind, nation_code=None, unit_id=None) -> Grant:
    try:
        role, kind = Role(role), ScopeKind(scope_kind)
    except ValueError:
        raise Invalid("That grant is not valid: choose a role and a scope from the lists.")
    if kind is ScopeKind.NATION and not nation_code:
        raise Invalid("A nation scope needs a nation.")
    if kind is ScopeKind.UNIT and not unit_id:
        raise Invalid("A unit scope needs a unit.")
    if kind is ScopeKind.SELF and not user.person_id:
        raise Invalid("An own-record scope needs the account to be linked to a person.")
    problem = policy.grant_scope_problem(role, kind)
    if problem:
        raise Invalid(problem)
    from trainer.org.models import Nation, Unit

    if kind is ScopeKind.NATION and db.session.scalar(select(Nation.code).where(Nation.code == str(nation_code))) is None:
        raise Invalid("There is no such nation.", errors=[("nation_code", "Choose a nation from the list.")])
    if kind is ScopeKind.UNIT:
        try:
            unit_id = int(unit_id)
            if not 0 < unit_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            unit_id = None
        if unit_id is None or db.session.get(Unit, unit_id) is None:
            raise Invalid("There is no such unit.", errors=[("unit_id", "Choose a unit from the list.")])
    grant = Grant(role=role.value, scope_kind=kind.value,
                  nation_code=nation_code if kind is ScopeKind.NATION else None,
                  unit_id=unit_id if kind is ScopeKind.UNIT else None)
    user.grants.append(grant)
    db.session.flush()
    return grant


def add_grant(actor, user: User, role, scope_kind, nation_code=None, unit_id=None) -> Grant:
    grant = _add_grant(user, role, scope_kind, nation_code, unit_id)
    end_all_sessions(user)
    record_event(actor, "user.grant_add", user, after=grant.describe())
    db.session.flush()
    return grant


def remove_grant(actor, user: User, grant_id: int) -> None:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound()
    described = grant.describe()
    user.grants.remove(grant)
    end_all_sessions(user)
    record_event(actor, "user.grant_remove", user, before=described)
    db.session.flush()


def set_disabled(actor, user: User, disabled: bool) -> None:
    if actor is not None and actor.id == user.id and disabled:
        raise Invalid("You cannot disable your own account.")
    user.disabled = disabled
    end_all_sessions(user)
    record_event(actor, "user.disable" if disabled else "user.enable", user)
    db.session.flush()


def reset_password(settings: AuthSettings, actor, user: User) -> str:
    one_time = generate_one_time_password()
    user.password_hash = hash_password(settings.hasher, one_time)
    user.must_change_password = True
    end_all_sessions(user)
    record_event(actor, "user.password_reset", user)
    db.session.flush()
    return one_time


def set_language(actor: User, language: str) -> None:
    """The user's interface and training language (from the language switcher)."""
    if actor.language != language:
        record_event(actor, "user.profile", actor, before={"language": actor.language}, after={"language": language})
        actor.language = language
        db.session.flush()


def update_profile(actor: User, *, timezone: str, language: str, display_name: str | None = None) -> None:
    import zoneinfo

    if timezone not in zoneinfo.available_timezones():
        raise Invalid("Choose a time zone from the list.", errors=[("timezone", "Unknown time zone.")])
    from trainer.i18n import KNOWN

    if language not in KNOWN:
        raise Invalid(_("Choose a language from the list."), errors=[("language", _("Unknown language."))])
    before = {"timezone": actor.timezone, "language": actor.language}
    actor.timezone, actor.language = timezone, language
    if display_name:
        actor.display_name = display_name[:200]
    record_event(actor, "user.profile", actor, before=before, after={"timezone": timezone, "language": language})
    db.session.flush()


def list_users(search: str | None = None):
    query = select(User).order_by(User.username)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.username).like(like) | func.lower(User.display_name).like(like))
    return query


USERS_PER_PAGE = 50


def page_of_users(actor, search: str | None, *, page: int | None):
    """Accounts, for an administrator (the policy lets only admins in), by name."""
    return paginate(list_users(search), page=page, per_page=USERS_PER_PAGE)


def get_user(actor, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def grant_targets(actor) -> tuple[list, list]:
    """The active nations and every unit, for the grant form's choices."""
    from trainer.org.models import Nation, Unit

    nations = list(db.session.scalars(select(Nation).where(Nation.active).order_by(Nation.code)))
    units = list(db.session.scalars(select(Unit).order_by(Unit.nation_code, Unit.path)))
    return nations, units


# --- bulk trainee accounts ------------------------------------------------------------------

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
        user = User(username=username, display_name=person.full_name_latin or person.full_name, email=person.email,
                    password_hash=hashed, person_id=person.id, must_change_password=True)
        user.grants.append(Grant(role=policy.SELF_ROLE.value, scope_kind=ScopeKind.SELF.value))
        db.session.add(user)
        created.append(NewAccount(person, username, password))
    db.session.flush()
    return created
