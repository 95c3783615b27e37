"""Ids posted in a form or named in a URL, read as numbers. Pure module."""
from __future__ import annotations

from trainer.errors import NotFound


def id_or_not_found(value) -> int:
    """The id, or NotFound when it is not a number (nothing has such an id)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound()


def id_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
