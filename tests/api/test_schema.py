"""The OpenAPI document is valid OpenAPI 3.1, and requests generated from it by schemathesis (valid ones and
broken ones) against every operation, with a token of each role, get no server error and no answer that
breaks the document (status codes, content types, headers and bodies as documented).

The number of generated requests is fixed (EXAMPLES per operation and role, half of them about the
objects of the test world, half with whatever identifiers schemathesis makes up), and generation is
derandomized, so the run takes the same time and finds the same things on every run.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.api.test_access_matrix import _token_for
from tests.auth.test_access_matrix import ROLES, build_world, objects_for

EXAMPLES = 8


def test_the_document_is_valid_openapi_3_1(app):
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    problem = document["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert "application/problem+json" in problem


def test_the_document_is_served_without_a_token_and_the_reference_page_is_self_contained(app):
    client = app.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "/static/js/api-reference.js" in html
    assert "<script>" not in html.replace(" ", "") and "http" not in html.split("<body>")[1].split("</header>")[1]
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert "LICENSE" in {p.name for p in (app.static_folder and __import__("pathlib").Path(app.static_folder)
                                           / "vendor" / "swagger-ui").iterdir()}


def _world_parameters(world) -> dict:
    """Path parameters naming the test world's objects (in the role's scope where it has one)."""
    values = {"nation_code": world.nation_in, "module_code": "TS-01", "version": "1.0", "profile_code": "TST-PROFILE"}
    for kind in ("unit", "person", "session", "module_assignment", "profile_assignment", "exercise", "certificate"):
        values.update(objects_for(world, kind).inside)
    return values


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                                   response_schema_conformance, status_code_conformance)

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
            response_schema_conformance]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_generated_requests_meet_the_document(role, app, db, make_unit, make_person, make_user):
    import schemathesis
    from schemathesis import GenerationMode

    from tests.curricula.matrix_builders import _ensure_curricula

    app.config["API_RATE_LIMIT_PER_MINUTE"] = 1_000_000
    world = build_world(role, app, db, make_unit, make_person, make_user)
    _ensure_curricula(world)
    headers = {"Authorization": f"Bearer {_token_for(world)}"}
    known = _world_parameters(world)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = _checks()
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        fixed = {name: known[name] for name in names if name in known}
        strategies = [operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
                      operation.as_strategy(GenerationMode.NEGATIVE, headers=headers)]
        if fixed:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=fixed))
        seen: list[str] = []

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(*strategies))
        def run(case):
            case.headers = {**(case.headers or {}), **headers}
            # Through the test client: each request in its own context, after the test's own transaction ends.
            response = case.call(session=app.test_client(use_cookies=False))
            try:
                case.validate_response(response, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - a group of failures; all reported below
                text = " | ".join(line.strip() for line in str(exc).strip().splitlines() if line.strip())
                seen.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {text[:600]}")

        run()
        failures += seen[:3]
    assert operations >= 25
    assert not failures, f"{len(failures)} generated requests broke the document as {role.value}:\n" + "\n".join(failures)
