"""The access matrix: every rule of the URL map x every role (and anonymous) x an in-scope and an
out-of-scope object, checked against trainer.auth.policy.POLICY.

Expected answers:
- anonymous on a non-public endpoint: a redirect to the sign-in page (401 for JSON/API paths);
- a role the policy does not allow: 403;
- an allowed role on an object in its scope: anything but 403, 404 or 500;
- an allowed role on an object outside its scope (rules with obj=...): 404;
- public endpoints: reachable anonymously (no sign-in redirect, no 401/403/500);
- the JSON API (/api/...): 401 to every role, since a session cookie alone is never accepted there (the API's
  own matrix, tests/api/test_access_matrix.py, walks it with a bearer token per role).
POSTs carry an empty form (CSRF is off in tests); for them only "no 500" and the 403/404 rules hold.

Objects come from OBJECT_BUILDERS: kind -> function(world) -> Objects(inside={url params},
outside={url params} or None). A domain that adds endpoints naming a new object kind adds a builder,
either here or in `tests/<domain>/matrix_builders.py` as a dict `BUILDERS = {"kind": function}`
(picked up automatically; it may also export PARAM_KINDS = {"param": "kind"} for URL
parameters not named "<kind>_id", and PARAM_BUILDERS = {"param": function(world, params) -> value}
for parameters that name a part of the object, e.g. objective_id of the exercise in params).
URL parameters a builder does not give are filled with the in-scope
object's first value. An endpoint without obj=... but with URL parameters uses the builder named
after its first parameter without "_id" (e.g. notification_id -> "notification").
"""
from __future__ import annotations

import importlib
import itertools
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, login
from trainer.auth.policy import POLICY
from trainer.enums import Role

ROLES = [Role.ADMIN, Role.TRAINING_OFFICER, Role.COMMANDER, Role.EVALUATOR, Role.TRAINEE]
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Values for URL parameters that are not objects.
PLAIN_PARAMS: dict[str, object] = {"filename": "css/app.css"}
# URL parameters not named "<kind>_id": the object kind they name.
PARAM_KINDS: dict[str, str] = {"code": "nation"}
# URL parameters that name a part of the object (objective_id of an exercise, ...):
# param -> function(world, params) -> value, where params are the object's (in- or out-of-scope) values.
PARAM_BUILDERS: dict[str, Callable] = {}


@dataclass
class Objects:
    inside: dict
    outside: dict | None = None


@dataclass
class World:
    """The data every builder can lean on, built once per role.

    nation_in (NPL) and unit_in are in every narrow scope below; nation_out (FRA) and unit_out are
    in none. person_in is the trainee's own person (in unit_in); evaluator_person is the evaluator's.
    Grants: training officer over nation NPL, commander over unit_in and its sub-units, trainee over
    their own record, evaluator over their exercises, admin over the mission.
    """

    role: Role | None
    app: object
    db: object
    make_unit: Callable
    make_person: Callable
    make_user: Callable
    nation_in: str = "NPL"
    nation_out: str = "FRA"
    unit_in: object = None
    subunit_in: object = None
    unit_out: object = None
    person_in: object = None
    person_out: object = None
    evaluator_person: object = None
    actor: object = None
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    cache: dict = field(default_factory=dict)

    def next(self) -> int:
        return next(self.seq)

    @property
    def reaches_everything(self) -> bool:
        """Admins (and mission-wide grants) reach every object: they have no out-of-scope cell."""
        return self.role is Role.ADMIN


# --- builders -------------------------------------------------------------------------------


def _unit(world: World) -> Objects:
    return Objects(inside={"unit_id": world.subunit_in.id},
                   outside=None if world.reaches_everything else {"unit_id": world.unit_out.id})


def _person(world: World) -> Objects:
    if world.role is Role.TRAINEE:
        inside = world.person_in  # a trainee reaches only their own record
    else:
        inside = world.make_person(unit=world.subunit_in)
    outside = None if world.reaches_everything else world.make_person(unit=world.unit_out)
    return Objects(inside={"person_id": inside.id}, outside=outside and {"person_id": outside.id})


def _user(world: World) -> Objects:
    # Only admins manage users and they reach every account: there is no out-of-scope user.
    target = world.make_user("training_officer", "nation", nation=world.nation_in,
                             username=f"target{world.next()}")
    return Objects(inside={"user_id": target.id, "grant_id": target.grants[0].id})


def _nation(world: World) -> Objects:
    # Nations are mission-wide reference data, managed by admins: nothing is out of scope.
    return Objects(inside={"code": world.nation_in})


def _notification(world: World) -> Objects:
    """Everyone reaches their own notifications only, admins included."""
    from trainer.auth.models import Notification

    other = world.make_user("admin", "mission", username=f"other{world.next()}")
    theirs = Notification(user_id=other.id, kind="info", dedupe_key=f"matrix:{world.next()}",
                          subject="Someone else's", body="")
    world.db.session.add(theirs)
    if world.actor is None:
        world.db.session.commit()
        return Objects(inside={"notification_id": theirs.id})
    mine = Notification(user_id=world.actor.id, kind="info", dedupe_key=f"matrix:{world.next()}",
                        subject="Mine", body="")
    world.db.session.add(mine)
    world.db.session.commit()
    return Objects(inside={"notification_id": mine.id}, outside={"notification_id": theirs.id})


OBJECT_BUILDERS: dict[str, Callable[[World], Objects]] = {
    "unit": _unit,
    "person": _person,
    "user": _user,
    "nation": _nation,
    "notification": _notification,
}


def _load_domain_builders() -> None:
    tests_root = Path(__file__).resolve().parents[1]
    for info in pkgutil.iter_modules([str(tests_root)]):
        if not info.ispkg or not (tests_root / info.name / "matrix_builders.py").exists():
            continue
        module = importlib.import_module(f"tests.{info.name}.matrix_builders")
        OBJECT_BUILDERS.update(getattr(module, "BUILDERS", {}))
        PARAM_KINDS.update(getattr(module, "PARAM_KINDS", {}))
        PARAM_BUILDERS.update(getattr(module, "PARAM_BUILDERS", {}))


_load_domain_builders()


# --- the walk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    endpoint: str
    method: str
    rule: str
    arguments: tuple[str, ...]


def url_cells(app) -> list[Cell]:
    cells = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            cells.append(Cell(rule.endpoint, method, rule.rule, tuple(sorted(rule.arguments))))
    # GETs first: a POST may change what later requests see.
    return sorted(cells, key=lambda c: (c.method != "GET", c.endpoint, c.method))


def kind_for(cell: Cell) -> str | None:
    policy_rule = POLICY.get(cell.endpoint)
    if policy_rule is not None and policy_rule.obj:
        return policy_rule.obj
    objects = [a for a in cell.arguments if a not in PLAIN_PARAMS]
    if not objects:
        return None
    first = sorted(objects)[0]
    if first in PARAM_KINDS:
        return PARAM_KINDS[first]
    return first[:-3] if first.endswith("_id") else first


def objects_for(world: World, kind: str | None, fresh: bool = False) -> Objects:
    if kind is None:
        return Objects(inside={})
    builder = OBJECT_BUILDERS.get(kind)
    if builder is None:
        raise LookupError(f"no object builder for kind {kind!r}: add one to OBJECT_BUILDERS in "
                          f"tests/auth/test_access_matrix.py or BUILDERS in tests/<domain>/matrix_builders.py")
    if fresh or kind not in world.cache:
        # End the test's own read transaction first: on SQLite a transaction that read before a
        # request wrote cannot write afterwards.
        world.db.session.commit()
        world.cache[kind] = builder(world)
        world.db.session.commit()
    return world.cache[kind]


def url_for_cell(app, cell: Cell, params: dict, world: World | None = None) -> str:
    values = {}
    fallback = next(iter(params.values()), 1) if params else 1
    for name in cell.arguments:
        if name in params:
            values[name] = params[name]
        elif name in PLAIN_PARAMS:
            values[name] = PLAIN_PARAMS[name]
        elif name in PARAM_BUILDERS and world is not None:
            world.db.session.commit()
            values[name] = PARAM_BUILDERS[name](world, params)
            world.db.session.commit()
        else:
            values[name] = fallback
    with app.test_request_context():
        from flask import url_for

        return url_for(cell.endpoint, **values)


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and "/login" in response.headers.get("Location", "")


def request(client, method: str, url: str):
    response = client.open(url, method=method, data={} if method != "GET" else None)
    response.close()  # file responses (static, downloads) hold the file open until closed
    return response


def build_world(role, app, db, make_unit, make_person, make_user) -> World:
    world = World(role=role, app=app, db=db, make_unit=make_unit, make_person=make_person, make_user=make_user)
    world.unit_in = make_unit(nation="NPL", code="NPL-BN")
    world.subunit_in = make_unit(nation="NPL", code="NPL-COY", parent=world.unit_in, kind="company")
    world.unit_out = make_unit(nation="FRA", code="FRA-BN")
    world.person_in = make_person(unit=world.subunit_in, family_name="Inside")
    world.person_out = make_person(unit=world.unit_out, family_name="Outside")
    world.evaluator_person = make_person(unit=make_unit(nation="RWA", code="RWA-BN"), family_name="Evaluator")
    return world


def make_actor(world: World, username_prefix: str = "matrix"):
    """The world's user for its role, scoped to the objects built inside: the one whose answers the walk checks."""
    role = world.role
    if role is Role.ADMIN:
        user = world.make_user("admin", "mission", username=f"{username_prefix}.admin")
    elif role is Role.TRAINING_OFFICER:
        user = world.make_user("training_officer", "nation", nation=world.nation_in,
                               username=f"{username_prefix}.officer")
    elif role is Role.COMMANDER:
        user = world.make_user("commander", "unit", unit=world.unit_in, username=f"{username_prefix}.commander")
    elif role is Role.EVALUATOR:
        user = world.make_user("evaluator", "exercises", person=world.evaluator_person,
                               username=f"{username_prefix}.evaluator")
    else:
        user = world.make_user("trainee", "self", person=world.person_in, username=f"{username_prefix}.trainee")
    world.actor = user
    return user


def policed_cells(cells: list[Cell], only: set[str] | None, problems: list[str]):
    """The cells to walk (those of the endpoints in `only`, where given), each with its access rule; a cell whose
    endpoint the policy does not name is reported in `problems` instead."""
    for cell in cells:
        if only is not None and cell.endpoint not in only:
            continue
        rule = POLICY.get(cell.endpoint)
        if rule is None:
            problems.append(f"{cell.endpoint}: not in POLICY")
            continue
        yield cell, rule


def in_scope_problem(where: str, cell: Cell, status: int, allowed: bool) -> str | None:
    """What is wrong with the answer to a request on an object inside the actor's scope, if anything."""
    if not allowed:
        if status != 403:
            return f"{where}: role not allowed, expected 403, got {status}"
    elif status >= 500:
        return f"{where} (in scope): server error {status}"
    elif cell.method == "GET" and status in (403, 404):
        return f"{where} (in scope): expected access, got {status}"
    elif cell.method != "GET" and status == 403:
        return f"{where} (in scope): expected access, got 403"
    elif cell.method != "GET" and status == 404 and kind_for(cell) is not None:
        return f"{where} (in scope): expected access, got 404"
    return None


def sign_in_as(world: World, client) -> None:
    user = make_actor(world)
    response = login(client, user.username)
    assert response.status_code == 302, f"could not sign in as {world.role}"


def actor_state(world: World) -> tuple:
    from trainer.auth.models import User

    world.db.session.commit()
    world.db.session.expire_all()
    user = world.db.session.get(User, world.actor.id)
    return (user.session_version, user.disabled, user.must_change_password, user.password_hash)


def restore_actor(world: World, client, before: tuple) -> None:
    """After a POST: if it ended the actor's session (sign-out, password change, ...), sign in again."""
    from trainer.auth.models import User

    if actor_state(world) == before:
        return
    from trainer.auth.passwords import hash_password, hasher_from_config

    user = world.db.session.get(User, world.actor.id)
    user.disabled = False
    user.must_change_password = False
    user.password_hash = hash_password(hasher_from_config(world.app.config), PASSWORD)
    world.db.session.commit()
    response = login(client, user.username)
    assert response.status_code == 302, "could not sign in again after a POST"


def walk(role, app, db, client, make_unit, make_person, make_user, only: set[str] | None = None) -> list[str]:
    world = build_world(role, app, db, make_unit, make_person, make_user)
    if role is not None:
        sign_in_as(world, client)
    problems: list[str] = []

    for cell, rule in policed_cells(url_cells(app), only, problems):
        try:
            objects = objects_for(world, kind_for(cell))
        except LookupError as exc:
            problems.append(f"{cell.endpoint}: {exc}")
            continue
        where = f"{cell.method} {cell.rule} [{cell.endpoint}] as {role.value if role else 'anonymous'}"
        url = url_for_cell(app, cell, objects.inside, world)

        if role is None:
            response = request(client, cell.method, url)
            if rule.public:
                if response.status_code in (401, 403) or response.status_code >= 500 or is_login_redirect(response):
                    problems.append(f"{where}: public endpoint answered {response.status_code}")
            elif not (is_login_redirect(response) or response.status_code == 401):
                problems.append(f"{where}: expected a sign-in redirect or 401, got {response.status_code}")
            continue

        if cell.rule.startswith("/api/") and not rule.public:
            # The API takes bearer tokens only (tests/api/test_access_matrix.py walks it with one per role):
            # a signed-in browser's cookie alone is refused, whatever the role.
            response = request(client, cell.method, url)
            if response.status_code != 401:
                problems.append(f"{where}: the API answered a session cookie with {response.status_code}, not 401")
            continue

        allowed = rule.allows(world.actor)
        writes = allowed and cell.method != "GET"
        before = actor_state(world) if writes else None
        response = request(client, cell.method, url)
        problem = in_scope_problem(where, cell, response.status_code, allowed)
        if problem:
            problems.append(problem)
        if writes:
            restore_actor(world, client, before)
            objects = objects_for(world, kind_for(cell), fresh=True)  # the POST may have changed it

        if objects.outside is not None:
            url_out = url_for_cell(app, cell, {**objects.inside, **objects.outside}, world)
            before = actor_state(world) if writes else None
            response = request(client, cell.method, url_out)
            expected = 404 if allowed else 403
            if response.status_code != expected:
                problems.append(f"{where} (out of scope): expected {expected}, got {response.status_code}")
            if writes:
                restore_actor(world, client, before)
    return problems


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r.value if r else "anonymous")
def test_every_route_answers_as_the_policy_says(role, app, db, client, make_unit, make_person, make_user):
    problems = walk(role, app, db, client, make_unit, make_person, make_user)
    assert not problems, f"{len(problems)} cells differ from the access policy:\n" + "\n".join(problems)


def test_policy_and_url_map_name_the_same_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(POLICY))
    stale = sorted(set(POLICY) - endpoints)
    assert not missing, f"endpoints without an access rule in trainer/auth/policy.py: {missing}"
    assert not stale, f"POLICY names endpoints that do not exist: {stale}"


def test_every_object_kind_in_the_policy_has_a_builder_and_a_scope(app):
    from trainer.auth.scoping import registered_kinds

    kinds = {rule.obj for rule in POLICY.values() if rule.obj}
    assert not kinds - set(OBJECT_BUILDERS), f"no matrix builder for: {sorted(kinds - set(OBJECT_BUILDERS))}"
    assert not kinds - set(registered_kinds()), f"not registered with the scoping helper: {sorted(kinds - set(registered_kinds()))}"


def test_an_endpoint_missing_from_the_policy_is_refused(app, client, make_user):
    """Fail closed: a route nobody listed answers 403 even to an admin."""
    from flask import Blueprint

    extra = Blueprint("matrix_extra", __name__)

    @extra.route("/matrix-unlisted")
    def unlisted():
        return "should not be reachable"

    app.register_blueprint(extra)
    user = make_user("admin")
    login(client, user.username)
    assert client.get("/matrix-unlisted").status_code == 403


def test_the_matrix_notices_a_view_that_ignores_scope(app, db, client, make_unit, make_person, make_user,
                                                     monkeypatch):
    """The walk itself can fail: a person page that forgets scoping is reported for its out-of-scope cell."""
    from flask import Blueprint

    from trainer.auth import policy
    from trainer.org.models import Person

    leaky = Blueprint("matrix_leaky", __name__)

    @leaky.route("/matrix-leaky/<int:person_id>")
    def person(person_id):
        return db.session.get(Person, person_id).family_name  # no scope check at all

    app.register_blueprint(leaky)
    monkeypatch.setitem(policy.POLICY, "matrix_leaky.person", policy.roles(Role.TRAINING_OFFICER, obj="person"))
    problems = walk(Role.TRAINING_OFFICER, app, db, client, make_unit, make_person, make_user,
                    only={"matrix_leaky.person"})
    assert problems == ["GET /matrix-leaky/<int:person_id> [matrix_leaky.person] as training_officer "
                        "(out of scope): expected 404, got 200"]
