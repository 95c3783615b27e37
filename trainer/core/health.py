"""The health check: is the database answering, with the schema in place."""
from __future__ import annotations

from sqlalchemy import select, text

from trainer.extensions import db


def check() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        from trainer.auth.models import User

        db.session.execute(select(User.id).limit(1))
        return {"status": "ok", "database": {"status": "ok", "dialect": db.engine.dialect.name}}
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": {"status": "error", "error": exc.__class__.__name__}}
