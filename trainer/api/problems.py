"""Errors of the API as RFC 9457 problem details (application/problem+json), with field-level details.

Every refusal the API gives takes this shape, whether it comes from a service (a domain error), from
parsing the request (webargs), from the token check, or from Flask itself (an unknown path, a method
not allowed): `errors.render_error` hands API requests here.
"""
from __future__ import annotations

import json

from flask import current_app, request
from flask_babel import lazy_gettext as _l

API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

# Types beyond the plain HTTP status (whose type is about:blank); each is described on the reference page.
TYPES = {
    "validation": "validation-error",
    "idempotency": "idempotency-key-reused",
    "precondition": "precondition-failed",
    "rate": "rate-limited",
    "token": "invalid-token",
    "cookie": "token-required",
    "read_only": "read-only-token",
}

TITLES = {
    400: _l("Bad request"),
    401: _l("Not authenticated"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    412: _l("Precondition failed"),
    413: _l("Too large"),
    415: _l("Unsupported media type"),
    422: _l("Cannot be processed"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Server error"),
    503: _l("Service unavailable"),
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def type_uri(kind: str | None) -> str:
    if kind is None:
        return "about:blank"
    return f"{current_app.config['PUBLIC_URL']}/api/v1/docs#problem-{TYPES[kind]}"


def field_errors(errors) -> list[dict]:
    """A service's (field, message) pairs, or webargs' nested messages, as a list of
    {"field", "pointer", "detail"} (field "" when the problem is not about one field)."""
    out: list[dict] = []
    if isinstance(errors, dict):
        _flatten(errors, [], out)
        return out
    for item in errors or ():
        if isinstance(item, dict):  # already shaped, e.g. a file's errors with their rows
            out.append({"field": str(item.get("field") or ""), **{k: v for k, v in item.items() if k != "field"}})
            continue
        if isinstance(item, (tuple, list)) and len(item) == 2:
            field, message = item
        else:
            field, message = "", item
        out.append(_entry(str(field or ""), str(message)))
    return out


def _entry(field: str, message: str) -> dict:
    entry = {"field": field, "detail": message}
    if field and not field.startswith(("query.", "header.", "path.")):
        entry["pointer"] = "#/" + field.replace(".", "/")  # into the request body
    return entry


# webargs puts each message under the part of the request it came from; a body field needs no prefix.
LOCATIONS = {"json": "", "form": "", "files": "", "query": "query", "headers": "header", "path": "path"}


def _flatten(messages, path: list[str], out: list[dict]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not path and key in LOCATIONS:
                _flatten(value, [LOCATIONS[key]] if LOCATIONS[key] else [], out)
            elif key == "_schema":  # marshmallow's name for the request as a whole
                _flatten(value, path, out)
            else:
                _flatten(value, path + [key], out)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            for message in messages:
                out.append(_entry(".".join(path), message))
        else:
            for index, value in enumerate(messages):
                _flatten(value, path + [str(index)], out)
    else:
        out.append(_entry(".".join(path), str(messages)))


def problem(status: int, detail: str | None = None, errors=None, *, kind: str | None = None,
            headers: dict | None = None):
    """A problem+json response; `errors` are (field, message) pairs or webargs messages."""
    if kind is None and status == 422 and errors:
        kind = "validation"
    if not detail and errors:
        detail = _l("The request is not valid: each problem is listed under errors.")
    body = {"type": type_uri(kind), "title": str(TITLES.get(status, "Error")), "status": status,
            "detail": str(detail) if detail else str(TITLES.get(status, "")), "instance": request.path}
    details = field_errors(errors)
    if details:
        body["errors"] = details
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="trainer"')
    return response
