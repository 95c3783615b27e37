"""Cursor (keyset) pagination of a service's query: each page starts after the last row of the one before,
so pages stay right while rows are added or removed, and no page costs an OFFSET scan.

The cursor is the sort key of the last row given, signed with the application's secret so that a client
can neither forge nor garble one into an error deeper down.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import tuple_

from trainer.errors import Invalid
from trainer.extensions import db

MAX_LIMIT = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def decode(cursor: str, width: int) -> list:
    try:
        values = _serializer().loads(cursor)
    except BadSignature:
        values = None
    if not isinstance(values, list) or len(values) != width or not all(isinstance(v, (str, int)) for v in values):
        raise Invalid(_("The cursor is not valid: use the next_cursor (or the Link header) of the page before."),
                      errors=[("query.cursor", _("Not a cursor this API gave."))])
    return values


def keyset_page(query, columns: Sequence, key: Callable, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Up to `limit` rows of `query` ordered by `columns` (which must end with a unique column), after the
    row the cursor names; returns the rows and the cursor of the next page (None on the last page).
    `key(row)` gives a row's values of `columns`, as strings or integers."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    if cursor:
        query = query.where(tuple_(*columns) > tuple_(*decode(cursor, len(columns))))
    rows = db.session.scalars(query.order_by(None).order_by(*columns).limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return list(rows), None
    rows = rows[:limit]
    return list(rows), _serializer().dumps(list(key(rows[-1])))
