"""Accounts: sign-in with throttling, passwords, grants, disabling, one-time passwords, bulk trainee accounts."""
from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _, ngettext
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
        super().__init__(ngettext("Too many failed sign-in attempts. Try again in %(num)d minute.",
                                  "Too many failed sign-in attempts. Try again in %(num)d minutes.", minutes))
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
        raise Invalid(_("The current password is not correct."), errors=[("current_password", _("Not correct."))])
    _check_password(settings, new, user.username)
    if verify_password(settings.hasher, user.password_hash, new):
        raise Invalid(_("Choose a password different from the current one."),
                      errors=[("password", _("Same as before."))])
    user.password_hash = hash_password(settings.hasher, new)
    user.must_change_password = False
    end_all_sessions(user)
    record_event(user, "auth.password_changed", user)
    db.session.flush()


def create_user(settings: AuthSettings, actor, *, username: str, display_name: str, password: str | None = None,
                email: str | None = None, person_id: int | None = None, grants: list[tuple] = (),
                must_change_password: bool = False, timezone: str = "UTC", audit: bool = True) -> tuple[User, str | None]:
    """Create an account. Without a password a one-time password is generated and returned."""
    typed, username = (username or "").strip(), normalise_username(username)
    if not username or any(c.isspace() for c in username):
        raise Invalid(_("An account name is required and may not contain spaces."),
                      errors=[("username", _("Give an account name without spaces."))])
    too_long = [(field, message) for field, value, limit, message in (
        ("username", typed, 80, _("The account name is too long: at most 80 characters.")),
        ("display_name", display_name, 200, _("The name shown is too long: at most 200 characters.")),
        ("email", email, 254, _("The e-mail address is too long: at most 254 characters.")),
    ) if value and len(value) > limit]
    if too_long:  # the forms say so too; the command line and bulk callers reach here directly
        raise Invalid(" ".join(message for _field, message in too_long), errors=too_long)
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise Conflict(_("The account name %(name)s is taken.", name=username),
                       errors=[("username", _("Another account has this name: choose another."))])
    if person_id is not None:
        from trainer.org.models import Person

        try:
            person_id = int(person_id)
            if not 0 < person_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            person_id = 0
        if not person_id or db.session.get(Person, person_id) is None:
            raise Invalid(_("The account was not created: the linked person was not found."),
                          errors=[("person_id", _("Choose a person from the search results."))])
        if db.session.scalar(select(func.count()).select_from(User).where(User.person_id == person_id)):
            raise Conflict(_("This person already has an account."),
                           errors=[("person_id", _("Already linked to another account."))])
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
        record_event(actor, "user.create", user, after={"username": username, "grants": [g.record() for g in user.grants]})
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
        raise Invalid(_("That grant is not valid: choose a role and a scope from the lists."))
    if kind is ScopeKind.NATION and not nation_code:
        raise Invalid(_("A nation scope needs a nation."), errors=[("nation_code", _("Choose a nation."))])
    if kind is ScopeKind.UNIT and not unit_id:
        raise Invalid(_("A unit scope needs a unit."), errors=[("unit_id", _("Choose a unit."))])
    if kind is ScopeKind.SELF and not user.person_id:
        raise Invalid(_("An own-record scope needs the account to be linked to a person."))
    problem = policy.grant_scope_problem(role, kind)
    if problem:
        raise Invalid(str(problem), errors=[("scope_kind", str(problem))])
    from trainer.org.models import Nation, Unit

    if kind is ScopeKind.NATION and db.session.scalar(select(Nation.code).where(Nation.code == str(nation_code))) is None:
        raise Invalid(_("There is no such nation."), errors=[("nation_code", _("Choose a nation from the list."))])
    if kind is ScopeKind.UNIT:
        try:
            unit_id = int(unit_id)
            if not 0 < unit_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            unit_id = None
        if unit_id is None or db.session.get(Unit, unit_id) is None:
            raise Invalid(_("There is no such unit."), errors=[("unit_id", _("Choose a unit from the list."))])
    grant = Grant(role=role.value, scope_kind=kind.value,
                  nation_code=nation_code if kind is ScopeKind.NATION else None,
                  unit_id=unit_id if kind is ScopeKind.UNIT else None)
    def held(g: Grant) -> tuple:
        return g.role, g.scope_kind, g.nation_code, g.unit_id

    if any(held(g) == held(grant) for g in user.grants):  # the same role over the same scope, held already
        raise Conflict(_("The account already holds this grant."))
    user.grants.append(grant)
    db.session.flush()
    return grant


def add_grant(actor, user: User, role, scope_kind, nation_code=None, unit_id=None) -> Grant:
    grant = _add_grant(user, role, scope_kind, nation_code, unit_id)
    end_all_sessions(user)
    record_event(actor, "user.grant_add", user, after=grant.record())
    db.session.flush()
    return grant


def get_grant(actor, user: User, grant_id: int) -> Grant:
    """One of the account's grants (for an administrator, who reaches every account)."""
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound()
    return grant


def remove_grant(actor, user: User, grant_id: int) -> None:
    take_from_account(actor, user, "user.grant_remove", get_grant(actor, user, grant_id), user.grants.remove)


def take_from_account(actor, user: User, action: str, held, remove) -> None:
    """Take what the account holds (a grant, a sign-in link) away with `remove(held)`: its sessions end, so that
    it stops counting at once, and the audit event `action` records what it was."""
    described = held.record()
    remove(held)
    end_all_sessions(user)
    record_event(actor, action, user, before=described)
    db.session.flush()


def set_disabled(actor, user: User, disabled: bool) -> None:
    if actor is not None and actor.id == user.id and disabled:
        raise Invalid(_("You cannot disable your own account: ask another administrator."))
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
    from trainer.auth.zones import zone_named

    zone = zone_named(timezone)
    if zone is None:
        raise Invalid(_("Choose a time zone from the list."), errors=[("timezone", _("Unknown time zone."))])
    timezone = zone
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
