"""Flask extensions, created unbound and initialised in the app factory."""
from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from trainer.db import Base

# A page number beyond this is treated as this (an offset must fit the database's integer type).
MAX_PAGE = 1_000_000


class _SQLAlchemy(SQLAlchemy):
    def paginate(self, select, *, page=None, per_page=None, **kwargs):
        """Flask-SQLAlchemy's paginate with the page (and a per_page taken from the query string)
        clamped, so `?page=99999999999999999999` or `?page=-5` shows a page instead of failing."""
        if has_request_context():
            if page is None:
                page = request.args.get("page", 1, type=int)
            if per_page is None:
                per_page = request.args.get("per_page", 20, type=int)
        if page is not None:
            page = min(max(page, 1), MAX_PAGE)
        if per_page is not None:
            per_page = min(max(per_page, 1), kwargs.get("max_per_page") or 100)
        return super().paginate(select, page=page, per_page=per_page, **kwargs)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
