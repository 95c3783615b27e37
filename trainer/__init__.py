"""trainer: training and exercise management for multinational peacekeeping forces."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# Domain packages, each with a `views.bp` blueprint and optionally a `cli.register(app)` hook.
DOMAINS = ("core", "auth", "audit", "org", "curricula", "learning", "exercises", "assessments",
           "readiness", "certificates", "demo", "api")


def create_app(config: dict | None = None) -> Flask:
    """The application: its configuration (trainer/config.py), extensions, every domain's models, scopes,
    listeners, blueprints and commands, and the JSON API."""
    app = _flask_app(config)
    from trainer.pdf import prepare_libraries

    prepare_libraries()  # the PDF adapters reach library internals of one release only
    _init_extensions(app)
    _register_domains(app)
    # The JSON API under /api/v1/: its operations and its OpenAPI document (flask-smorest).
    from trainer.api.views import register_api

    register_api(app)
    return app


def _flask_app(config: dict | None) -> Flask:
    """The Flask object with its folders and configuration, behind the trusted proxies if any."""
    instance_path = os.environ.get("TRAINER_INSTANCE_PATH") or (config or {}).get("INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from trainer.config import load_config

    load_config(app, config)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def _init_extensions(app: Flask) -> None:
    from trainer.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)


def _register_domains(app: Flask) -> None:
    """Every domain's models, so that the metadata (and Alembic) sees all tables; then how each domain's objects
    map onto grant scopes, the listeners that keep readiness exact and write the audit checkpoints, the request's
    boundary (security, errors, templates, language, the one commit), and each domain's blueprint and commands."""
    import importlib

    from trainer import errors, i18n, security, templating, transactions
    from trainer.audit import anchoring
    from trainer.readiness import listeners

    for domain in DOMAINS:
        _optional_module(domain, "models")
    for domain in DOMAINS:
        scopes = _optional_module(domain, "scopes")
        if scopes is not None:
            scopes.register()
    listeners.register()
    anchoring.register()

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    i18n.init_app(app)
    transactions.init_app(app)  # after security: its commit runs before the security headers are set

    for domain in DOMAINS:
        app.register_blueprint(importlib.import_module(f"trainer.{domain}.views").bp)
        cli = _optional_module(domain, "cli")
        if cli is not None:
            cli.register(app)


def _optional_module(domain: str, name: str):
    """trainer.<domain>.<name>, or None when the domain has no such module."""
    import importlib

    try:
        return importlib.import_module(f"trainer.{domain}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"trainer.{domain}.{name}":
            raise
        return None
