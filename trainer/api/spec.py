"""The OpenAPI 3.1 document, generated from the API's blueprints and schemas by flask-smorest, with what
every operation shares added once: the bearer-token security scheme, the problem answers, and the
Idempotency-Key and If-Match headers of the operations that take them."""
from __future__ import annotations

import copy
import http
import re

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from trainer.api.schemas.common import ProblemSchema

TITLE = "trainer API"
VERSION = "1"

DESCRIPTION = """\
The JSON API of trainer, for the mission's other systems (personnel and deployment planning, national
training databases, other learning platforms, reporting). It calls the same services as the pages: every
rule, every scope and every audit event is the same.

**Authentication.** Every operation needs a personal access token, sent as `Authorization: Bearer <token>`.
A user makes, names and revokes their tokens on their account page (Account → API tokens); an administrator
issues one with `flask --app wsgi api token create USERNAME`. A token acts with its user's grants as they
are at each request. The API never accepts the session cookie of a signed-in browser.

**Scope.** An object outside the token's scope answers 404, exactly as one that does not exist.

**Errors** are RFC 9457 problem details (`application/problem+json`); `errors` lists the field-level
problems, each with its `field`, a JSON `pointer` into the request body and a `detail`.

**Writes** may carry an `Idempotency-Key` (1 to 255 visible ASCII characters, e.g. a UUID). A retry with
the same key and the same request gets the first answer again (with `Idempotent-Replayed: true`) and
writes nothing; the same key with a different request is refused (422). Keys are kept for 24 hours.

**Updates** need `If-Match` with the `ETag` the resource was read with: 412 when it changed meanwhile,
428 without the header.

**Lists** are paged by cursor: follow `next_cursor`, or the `Link: <...>; rel="next"` header, until it is
absent. Dates are ISO 8601 (`2026-12-31`); times are UTC with their offset (`2026-12-31T08:00:00+00:00`).

**Rate limit.** Each token may make a limited number of requests per minute; past it the answer is 429
with `Retry-After`.

Problem types (the `type` of a problem other than `about:blank`, each a link to this list):

- `…#problem-validation-error`: the request's fields are wrong (see `errors`);
- `…#problem-idempotency-key-reused`: the key was used for another request;
- `…#problem-precondition-failed`: If-Match is missing or names an older version;
- `…#problem-rate-limited`: wait `Retry-After` seconds;
- `…#problem-invalid-token`: the token is unknown, revoked, expired or of a disabled account;
- `…#problem-token-required`: no bearer token was sent;
- `…#problem-read-only-token`: a read-only token cannot write.
"""


class TrainerApi(Api):
    """flask-smorest's Api, answering errors as problem details through the application's one error
    handler (trainer.errors) rather than its own, and serving the document from trainer.api.views.docs."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, "application/problem+json")
            self.spec.components.response(status.name, response, lazy=True)


def make_api(app) -> TrainerApi:
    app.config.setdefault("API_TITLE", TITLE)
    app.config.setdefault("API_VERSION", VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION}})
    return TrainerApi(app)


# --- what every operation shares -------------------------------------------------------------------

ALWAYS = (400, 401, 403, 404, 429)
WRITES = (409, 413, 422)
IDEMPOTENCY_HEADER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "Makes the write safe to retry: the same key and request get the first answer again.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
IF_MATCH_HEADER = {
    "in": "header", "name": "If-Match", "required": True,
    "description": "The ETag of the resource as the client read it.",
    "schema": {"type": "string", "minLength": 1},
}
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


# The blueprints' names (their endpoints' prefix in the access policy) and the headings they show under.
TAGS = {"api_org": "Organisation", "api_learning": "Training", "api_readiness": "Readiness",
        "api_curricula": "Curricula", "api_exercises": "Exercises", "api_assessments": "Assessments",
        "api_certificates": "Certificates"}


def _problem(status: int) -> dict:
    return {"$ref": f"#/components/responses/{http.HTTPStatus(status).name}"}


def document(app, api: TrainerApi) -> dict:
    """The OpenAPI document of this application's API, completed with what every operation shares."""
    spec = copy.deepcopy(api.spec.to_dict())
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearerToken"] = {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token (trn_...), made on the account page or with the CLI."}
    responses = components.setdefault("responses", {})
    for status in ALWAYS + WRITES + (412, 428):
        name = http.HTTPStatus(status).name
        responses.setdefault(name, {"description": http.HTTPStatus(status).phrase, "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    spec["security"] = [{"bearerToken": []}]
    spec["tags"] = [{**tag, "name": TAGS.get(tag["name"], tag["name"])} for tag in spec.get("tags", [])]
    marks = _marks(app)
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operation["tags"] = [TAGS.get(tag, tag) for tag in operation.get("tags", [])]
            answers = operation.setdefault("responses", {})
            codes = set(ALWAYS)
            if method != "get":
                codes |= set(WRITES)
            if operation.get("parameters") or operations.get("parameters"):
                codes.add(422)
            endpoint, idempotent, if_match = marks.get((path, method), (None, False, False))
            if endpoint:  # e.g. org_list_people: stable names for generated clients and the reference page
                operation.setdefault("operationId", endpoint.removeprefix("api_").replace(".", "_"))
            parameters = operation.setdefault("parameters", [])
            if idempotent:
                parameters.append(dict(IDEMPOTENCY_HEADER))
            if if_match:
                parameters.append(dict(IF_MATCH_HEADER))
                codes |= {412, 428}
            for code in sorted(codes):
                answers.setdefault(str(code), _problem(code))
            if not parameters:
                del operation["parameters"]
    return spec


def _marks(app) -> dict[tuple[str, str], tuple[str, bool, bool]]:
    """(OpenAPI path, method) -> the endpoint, whether the view is idempotent and whether it needs If-Match."""
    marks = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            marks[(path, method.lower())] = (rule.endpoint, getattr(view, "_idempotent", False),
                                             getattr(view, "_if_match", False))
    return marks
