"""The API's blueprints: the operations under /api/v1/ (flask-smorest, one blueprint per domain), the
OpenAPI document and reference page, and the account page where a user manages their tokens."""
from __future__ import annotations

import importlib

from trainer.api.views.account import bp

__all__ = ["bp", "register_api", "OPERATION_BLUEPRINTS"]

# One module per domain, each with a flask-smorest blueprint `blp`.
OPERATION_BLUEPRINTS = ("org", "learning", "readiness", "curricula", "exercises", "assessments", "certificates")


def register_api(app) -> None:
    """Register the API's operations and its document on `app` (called by create_app)."""
    from trainer.api.spec import make_api
    from trainer.api.views import docs
    from trainer.extensions import csrf

    api = make_api(app)
    for name in OPERATION_BLUEPRINTS:
        blp = importlib.import_module(f"trainer.api.views.{name}").blp
        api.register_blueprint(blp)
        # No CSRF token: every request must carry a bearer token, which a browser never sends by itself;
        # a request with only a session cookie is refused before it reaches a view (trainer.api.auth).
        csrf.exempt(blp)
    app.register_blueprint(docs.bp)
    app.extensions["trainer-api"] = api
