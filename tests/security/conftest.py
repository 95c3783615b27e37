"""Helpers for the cross-cutting security tests: a snapshot of every table's row count and a
listener that records any INSERT, UPDATE or DELETE the application sends to the database."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, inspect, select

from tests.conftest import StatementRecorder

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    return CSRF_FIELD.search(page).group(1)


# Tables that hold no record of their own, only figures computed from the others (re-rendering a refused form
# may fill them); a refusal that writes nothing may still leave one there.
CACHES = {"readiness_figures"}


@pytest.fixture
def row_counts(db):
    """row_counts() -> {table: count} over every table the migrations made, caches left out."""
    def snapshot() -> dict[str, int]:
        db.session.rollback()
        existing = set(inspect(db.engine).get_table_names())
        return {t.name: db.session.scalar(select(func.count()).select_from(t))
                for t in db.metadata.sorted_tables if t.name in existing and t.name not in CACHES}
    return snapshot


class WriteRecorder(StatementRecorder):
    def picks(self, statement: str) -> bool:
        return bool(WRITE.match(statement))

    @property
    def writes(self) -> list[str]:
        """Each write's first line, cut short, to name it in a failure."""
        return [statement.split("\n", 1)[0][:200] for statement in self.statements]


@pytest.fixture
def record_writes(db):
    return lambda: WriteRecorder(db.engine)
