"""The API's access matrix: every API operation x every role (and no token) x an in-scope and an out-of-scope
object, each request carrying a bearer token of that role's user and no cookie, checked against
trainer.auth.policy.POLICY as the pages' matrix checks the pages (tests/auth/test_access_matrix.py, whose
world and object builders this walk shares).

Expected answers:
- no token: 401 (problem+json);
- a role the policy does not allow: 403;
- an allowed role on an object in its scope: anything but 403, 404 or 500 (writes, sent with an empty JSON
  body, answer 422 or better; never 403, nor 404 for the object the URL names);
- an allowed role on an object outside its scope: 404.
An operation missing from the policy is reported, and at run time refused even to an administrator.
"""
from __future__ import annotations

import pytest

from tests.auth.test_access_matrix import (ROLES, build_world, in_scope_problem, kind_for, make_actor, objects_for,
                                          policed_cells, url_cells, url_for_cell)
from trainer.auth.policy import POLICY
from trainer.enums import Role


def api_cells(app):
    return [cell for cell in url_cells(app) if cell.rule.startswith("/api/")
            and not (POLICY.get(cell.endpoint) and POLICY[cell.endpoint].public)]


def _token_for(world) -> str:
    from trainer.api.tokens import create_token

    user = make_actor(world, "api.matrix")
    _row, secret = create_token(user, user, name="matrix")
    world.db.session.commit()
    return secret


def _call(app, method: str, url: str, token: str | None):
    client = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    # An empty body, and the precondition an update needs: past the policy and scope, the service refuses it.
    headers["If-Match"] = "*"
    return client.open(url, method=method, json={}, headers=headers)


def walk(role, app, db, make_unit, make_person, make_user, only: set[str] | None = None) -> list[str]:
    from tests.curricula.matrix_builders import _ensure_curricula

    world = build_world(role, app, db, make_unit, make_person, make_user)
    _ensure_curricula(world)  # readiness needs a profile, learning a module
    token = _token_for(world) if role is not None else None
    problems: list[str] = []
    for cell, rule in policed_cells(api_cells(app), only, problems):
        objects = objects_for(world, kind_for(cell))
        where = f"{cell.method} {cell.rule} [{cell.endpoint}] as {role.value if role else 'no token'}"
        url = url_for_cell(app, cell, objects.inside, world)
        response = _call(app, cell.method, url, token)
        status = response.status_code
        if status >= 400 and response.content_type != "application/problem+json":
            problems.append(f"{where}: {status} is not problem+json ({response.content_type})")
        if role is None:
            if status != 401:
                problems.append(f"{where}: expected 401 without a token, got {status}")
            continue
        allowed = rule.allows(world.actor)
        problem = in_scope_problem(where, cell, status, allowed)
        if problem:
            problems.append(problem)
        if cell.method != "GET" and allowed:
            objects = objects_for(world, kind_for(cell), fresh=True)  # the write may have changed it
        if objects.outside is not None:
            url_out = url_for_cell(app, cell, {**objects.inside, **objects.outside}, world)
            response = _call(app, cell.method, url_out, token)
            expected = 404 if allowed else 403
            if response.status_code != expected:
                problems.append(f"{where} (out of scope): expected {expected}, got {response.status_code}")
    return problems


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r.value if r else "no-token")
def test_every_api_operation_answers_as_the_policy_says(role, app, db, make_unit, make_person, make_user):
    problems = walk(role, app, db, make_unit, make_person, make_user)
    assert not problems, f"{len(problems)} cells differ from the access policy:\n" + "\n".join(problems)


def test_the_walk_covers_every_operation_of_the_document(app):
    """Every operation the OpenAPI document lists is a cell of the walk, and every one is in the policy."""
    import re

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {(re.sub(r"{([^}]+)}", r"<\1>", path), method.upper())
                  for path, operations in document["paths"].items() for method in operations if method != "parameters"}
    walked = {(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", cell.rule), cell.method) for cell in api_cells(app)}
    assert documented == walked
    assert len(walked) >= 25
    assert all(cell.endpoint in POLICY for cell in api_cells(app))


def test_an_api_operation_missing_from_the_policy_is_refused(app, db, make_unit, make_person, make_user):
    """Fail closed: an operation nobody listed answers 403 even to an administrator's token, and the walk
    reports it."""
    from flask_smorest import Blueprint

    from trainer.api.tokens import create_token

    extra = Blueprint("api_matrix_extra", __name__, url_prefix="/api/v1")

    @extra.route("/matrix-unlisted")
    def unlisted():
        return {"reached": True}

    app.register_blueprint(extra)
    admin = make_user("admin")
    _row, secret = create_token(admin, admin, name="matrix")
    db.session.commit()
    response = app.test_client(use_cookies=False).get("/api/v1/matrix-unlisted",
                                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert "api_matrix_extra.unlisted" not in POLICY
    assert walk(Role.ADMIN, app, db, make_unit, make_person, make_user, only={"api_matrix_extra.unlisted"}) == \
        ["api_matrix_extra.unlisted: not in POLICY"]


def test_the_matrix_notices_an_operation_that_ignores_scope(app, db, make_unit, make_person, make_user, monkeypatch):
    """The walk itself can fail: an operation that forgets scoping is reported for its out-of-scope cell."""
    from flask_smorest import Blueprint

    from trainer.auth import policy
    from trainer.org.models import Person

    leaky = Blueprint("api_matrix_leaky", __name__, url_prefix="/api/v1")

    @leaky.route("/matrix-leaky/<int:person_id>")
    def person(person_id):
        return {"family_name": db.session.get(Person, person_id).family_name}  # no scope check at all

    app.register_blueprint(leaky)
    monkeypatch.setitem(policy.POLICY, "api_matrix_leaky.person", policy.roles(Role.TRAINING_OFFICER, obj="person"))
    problems = walk(Role.TRAINING_OFFICER, app, db, make_unit, make_person, make_user, only={"api_matrix_leaky.person"})
    assert problems == ["GET /api/v1/matrix-leaky/<int:person_id> [api_matrix_leaky.person] as training_officer "
                        "(out of scope): expected 404, got 200"]
