"""Domain errors raised by services, and the handlers that turn them (and HTTP errors) into pages."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", *, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    422: _l("Cannot be processed"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The server could not understand the request. Please check what you entered and try again."),
    401: _l("Sign in to continue."),
    403: _l("Your account does not have access to this page."),
    404: _l("There is nothing here, or you do not have access to it."),
    405: _l("That action is not available here."),
    409: _l("Someone else changed this at the same time. Nothing of yours was lost: review and try again."),
    413: _l("The upload is larger than allowed."),
    422: _l("The input could not be processed."),
    429: _l("Too many requests. Wait a little and try again."),
    500: _l("An unexpected error happened. Nothing was changed. The administrators have the details."),
}


# Flask-WTF's reasons ("The CSRF token is missing.", "... has expired.", ...) are English and technical; the
# reader needs to know that nothing was saved and what to do.
CSRF_MESSAGE = _l("This form's security token is missing or out of date, so nothing was saved. Go back, reload the "
                  "page and send the form again.")


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, message: str | None = None, errors: list | None = None):
    from trainer.api.problems import is_api_request, problem
    from trainer.extensions import db

    db.session.rollback()
    if is_api_request():
        # The API answers every error as RFC 9457 problem details, with the service's field errors.
        return problem(status, message, errors), status
    message = str(message or MESSAGES.get(status, ""))
    title = str(TITLES.get(status) or _l("Error"))
    errors = [e if isinstance(e, str) else [str(part) for part in e] for e in errors or []]
    if wants_json():
        return jsonify(error=title, message=message, errors=errors), status
    return render_template("errors/error.html", status=status, title=title, message=message, errors=errors), status


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error(error.status, error.message or None, error.errors)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code in (301, 302, 303, 307, 308):
            return error
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        if data.get("messages"):  # request parsing (webargs): the field errors say what is wrong
            return render_error(status, data.get("message"), data["messages"])
        # Werkzeug's own descriptions are English and technical: ours replace them unless the code that
        # raised the error wrote a description of its own.
        own = error.description and error.description != type(error).description
        message = MESSAGES.get(status) if status in (403, 404, 500) or not own else error.description
        return render_error(status, message)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        # The reader gets one message; the log keeps Flask-WTF's reason (missing, expired, a referrer that
        # does not match the host behind a misconfigured proxy, ...).
        app.logger.warning("form refused on %s %s: %s", request.method, request.path, error.description)
        return render_error(400, CSRF_MESSAGE)

    from sqlalchemy.exc import DataError, IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def _taken_first(error: Exception):
        # A unique key or a versioned row another request took first, met by a write inside the request (the
        # commit at the boundary, and flush_versioned, answer the same way): a conflict to retry, nothing kept.
        # Any other constraint refusing a value is a fault of the code that let it through.
        from trainer.transactions import is_taken_first

        if isinstance(error, IntegrityError) and not is_taken_first(error):
            return _unexpected(error)
        app.logger.warning("refused as taken first on %s %s: %s", request.method, request.path,
                           getattr(error, "orig", None) or error)
        return render_error(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _overflow(error: Exception):
        # A number from the request too large for the database's integer type (SQLite raises this
        # while binding; PostgreSQL answers with a DataError): bad input, not a server fault.
        app.logger.warning("refused input on %s %s: %s", request.method, request.path, error)
        return render_error(400)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
