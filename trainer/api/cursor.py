"""Cursor (keyset) pagination of a service's query: each page starts after the last row of the one before,
so pages stay right while rows are added or removed, and no page costs an OFFSET scan.

The cursor is the sort key of the last row given, signed with the application's secret so that a client
can neither forge nor garble one into an error deeper down.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import tuple_

from trainer.errors import Invalid
from trainer.extensions import db

MAX_LIMIT = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def _encode(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:  # a decorated type (UTC datetimes) names its implementation's
        return column.type.impl.python_type


def decode(cursor: str, columns: Sequence) -> list:
    try:
        values = _serializer().loads(cursor)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        decoded = []
        for value, column in zip(values, columns):
            kind = _python_type(column)
            if kind is dt.datetime:
                value = dt.datetime.fromisoformat(value)
            elif not isinstance(value, kind):
                raise ValueError
            decoded.append(value)
        return decoded
    except (BadData, ValueError, TypeError):
        raise Invalid(_("The cursor is not valid: use the next_cursor (or the Link header) of the page before."),
                      errors=[("query.cursor", _("Not a cursor this API gave."))])


def keyset_page(query, columns: Sequence, key: Callable, *, cursor: str | None, limit: int,
                descending: bool = False) -> tuple[list, str | None]:
    """Up to `limit` rows of `query` ordered by `columns` (which must end with a unique column; all
    ascending, or all descending), after the row the cursor names; returns the rows and the cursor of the
    next page (None on the last page). `key(row)` gives a row's values of `columns`."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    if cursor:
        after = tuple_(*decode(cursor, columns))
        query = query.where(tuple_(*columns) < after if descending else tuple_(*columns) > after)
    order = [c.desc() for c in columns] if descending else list(columns)
    rows = db.session.scalars(query.order_by(None).order_by(*order).limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return list(rows), None
    rows = rows[:limit]
    return list(rows), _serializer().dumps([_encode(v) for v in key(rows[-1])])
