"""The HTTP conventions every API operation shares: the acting user, ETag and If-Match, idempotent
writes under an Idempotency-Key, and cursor pagination with Link headers.

Views use these helpers; the reads and writes they keep (idempotent responses) go through
trainer.api.idempotency. Decorators mark the view (`_idempotent`, `_if_match`) so that the OpenAPI
document lists the headers and answers each operation has (see trainer.api.spec).
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from urllib.parse import urlencode

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api import idempotency
from trainer.api.auth import token_of_request
from trainer.api.problems import problem

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


def actor():
    """The user the request's token acts for (their grants as they are now)."""
    return current_user._get_current_object()


def finds(loader):
    """Find the object the URL names before the body is read: an object out of reach answers 404 whatever
    the body holds (a malformed body would otherwise be told apart from a missing object), and before a
    kept answer is replayed (a retry meets the token's grants as they are now). Put it above `idempotent`.
    `loader` takes the actor and the URL's parameters, and raises NotFound through the scoping helper."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            loader(actor(), **kwargs)
            return view(*args, **kwargs)
        return wrapper
    return decorate


# --- ETag and If-Match ---------------------------------------------------------------------------

def etag_of(representation) -> str:
    """A strong entity tag of a resource's JSON representation (the same data gives the same tag)."""
    canonical = json.dumps(representation, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40] + '"'


def etagged(representation, status: int = 200, headers: dict | None = None):
    """A JSON response of a resource with its ETag."""
    response = jsonify(representation)
    response.status_code = status
    response.headers["ETag"] = etag_of(representation)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class PreconditionProblem(Exception):
    def __init__(self, response):
        super().__init__("precondition")
        self.response = response


def require_match(representation) -> None:
    """Refuse a write unless its If-Match names the resource as it is now: 428 without the header, 412
    when the resource changed since the client read it (someone else's write landed first)."""
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionProblem(problem(428, _("Send If-Match with the ETag of the resource as you read it, so "
                                                 "that a change made meanwhile is not overwritten."), kind="precondition"))
    current = etag_of(representation)
    offered = [tag.strip() for tag in header.split(",")]
    if "*" not in offered and current not in offered:
        raise PreconditionProblem(problem(412, _("The resource changed since you read it. Read it again, check, "
                                                 "and send your change with its new ETag."), kind="precondition",
                                          headers={"ETag": current}))


def checks_if_match(view):
    """Mark a write that needs If-Match and turn a failed precondition into its answer."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except PreconditionProblem as failed:  # raised before the write: nothing to undo
            return failed.response

    wrapper._if_match = True
    return wrapper


# --- idempotent writes -----------------------------------------------------------------------------

def idempotent(view):
    """A write that a client may retry safely under an Idempotency-Key header."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        token = token_of_request()
        if key is None or token is None:
            return view(*args, **kwargs)
        if not KEY_PATTERN.match(key):
            return problem(400, _("An Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID."),
                           [("header.Idempotency-Key", _("Not a valid key."))])
        fingerprint = idempotency.fingerprint(request.method, request.path, request.query_string,
                                              request.mimetype or "", _canonical_body())
        stored = idempotency.find(token.token_id, key)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                return problem(422, _("This Idempotency-Key was used for a different request. Use a new key for "
                                      "a new request."), kind="idempotency")
            response = current_app.response_class(stored.body, status=stored.status)
            for name, value in stored.headers.items():
                response.headers[name] = value
            response.headers["Idempotent-Replayed"] = "true"
            return response
        response = view(*args, **kwargs)
        if 200 <= response.status_code < 300:
            idempotency.remember(token.token_id, key, fingerprint, status=response.status_code,
                                 body=response.get_data(as_text=True), headers=dict(response.headers))
        return response

    wrapper._idempotent = True
    return wrapper


def _canonical_body() -> bytes:
    """The request's body as its meaning, so that a client's retry is recognised: JSON with its keys sorted
    and no spacing, and an upload as its fields and files (each new multipart request has a new boundary)."""
    if request.mimetype == "multipart/form-data":
        digest = hashlib.sha256()
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(b"field\0" + name.encode() + b"\0" + value.encode() + b"\0")
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: (item[0], item[1].filename or "")):
            content = upload.stream.read()
            upload.stream.seek(0)
            digest.update(b"file\0" + name.encode() + b"\0" + (upload.filename or "").encode() + b"\0")
            digest.update(hashlib.sha256(content).digest())
        return digest.hexdigest().encode()
    raw = request.get_data(cache=True)
    if request.is_json:
        try:
            return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:
            return raw  # not JSON: refused by the operation, and never kept
    return raw


# --- cursor pagination -----------------------------------------------------------------------------

def page_response(items: list, next_cursor: str | None, *, status: int = 200):
    """A page of a list: {"items": [...], "next_cursor": ...}, with a Link header to the next page."""
    response = jsonify({"items": items, "next_cursor": next_cursor})
    response.status_code = status
    if next_cursor is not None:
        args = request.args.to_dict(flat=False)
        args["cursor"] = [next_cursor]
        url = url_for(request.endpoint, **(request.view_args or {}), _external=True).split("?")[0]
        response.headers["Link"] = f'<{url}?{urlencode(args, doseq=True)}>; rel="next"'
    return response
