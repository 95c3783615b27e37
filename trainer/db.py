"""Database foundations: the declarative base, a UTC datetime type, the columns of rows edited by several people,
stored values read as enumeration members, and SQLite connection settings."""
from __future__ import annotations

import contextvars
import datetime as dt

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator, UserDefinedType

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def utc_today() -> dt.date:
    """The installation's day, the same on every host whatever its time zone: the day readiness pages show by
    default, postings start, statuses and reminders count from, and the night's jobs run for. (A date a person
    types as "today" is checked against their own day instead: trainer.auth.zones.today_for.)"""
    return utcnow().date()


class UTCDateTime(TypeDecorator):
    """Stores timezone-aware datetimes as UTC; returns them aware (UTC) on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)



class Timestamped:
    """A row that says when it was created and last changed (UTC)."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def enum_view(enum, column: str) -> property:
    """A stored value read as a member of its enumeration: `status_enum = enum_view(ExerciseStatus, "status")`
    (ValueError for a value the enumeration does not know)."""
    return property(lambda row: enum(getattr(row, column)))


class Versioned:
    """A row that two people may edit at once: every save raises `version`, and a save over a version someone
    else saved in the meantime fails with StaleDataError (trainer.transactions.flush_versioned words it)."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

# Whether the current unit of work intends to write. On SQLite a writing transaction starts with
# BEGIN IMMEDIATE so that two writers never deadlock on a lock upgrade; readers start a plain BEGIN
# so that concurrent page views do not queue behind each other.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is broken).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


class _IdArrayText(UserDefinedType):
    """An INTEGER[] parameter sent as the array's text ('{1,2,3}'), its type named in the statement
    (`%(p)s::INTEGER[]`): the server parses it as it binds the parameter, so the plan holds one constant array (a
    row filter then hashes it). psycopg's list adapter would quote each item with a regular expression."""

    cache_ok = True
    render_bind_cast = True

    def get_col_spec(self, **kw) -> str:
        return "INTEGER[]"

    def bind_processor(self, dialect):
        def process(value):
            return None if value is None else "{" + ",".join(map(str, value)) + "}"
        return process


def among_ids(column, ids, dialect: str):
    """`column IN (ids)` for integer ids: on PostgreSQL one array parameter, so that the statement's text is the
    same for any number of ids (neither SQLAlchemy nor the driver then renders and parses thousands of
    placeholders, and PostgreSQL plans it by the array's length); elsewhere an IN list."""
    from sqlalchemy import any_, bindparam

    numbers = [int(i) for i in ids]
    if dialect == "postgresql":
        return column == any_(bindparam(None, numbers, type_=_IdArrayText()))
    return column.in_(numbers)


def copy_rows(conn, table: str, columns: tuple[str, ...], rows, *, chunk: int = 20000, binary: bool = False) -> int:
    """Write many rows (tuples in `columns`' order) to `table` in the current transaction: COPY on PostgreSQL,
    one prepared INSERT run over the rows on SQLite. For bulk loads and rebuilds of derived tables: no ORM
    object, no per-row statement. `conn` is a Session or a Connection; returns the number of rows.
    `binary`: COPY in PostgreSQL's binary format, with the columns' own types (the server parses no text; every
    value must then be of its column's Python type: int, str, bool, date, None)."""
    connection = conn.connection() if hasattr(conn, "connection") and callable(conn.connection) else conn
    names = ", ".join(f'"{c}"' for c in columns)
    written = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            types = None
            if binary:
                found = dict(cursor.execute(
                    "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                    " AND NOT attisdropped", (f'"{table}"',)).fetchall())
                types = [found[c] for c in columns]
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")) as copy:
                if types is not None:
                    copy.set_types(types)
                write = copy.write_row
                for row in rows:
                    write(row)
                    written += 1
        return written
    statement = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            connection.exec_driver_sql(statement, batch)
            written += len(batch)
            batch = []
    if batch:
        connection.exec_driver_sql(statement, batch)
        written += len(batch)
    return written


def move_sequence(conn, table: str) -> None:
    """After rows were written with explicit ids: on PostgreSQL, move the table's id sequence past them (SQLite
    needs nothing)."""
    from sqlalchemy import text

    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table}\"), false)"))


def compress_with_lz4(conn, columns: tuple[tuple[str, str], ...]) -> bool:
    """On a PostgreSQL server built with LZ4, store the (table, column) pairs' long values compressed with LZ4 rather
    than the default pglz (faster to write and read). Returns whether it did: elsewhere the columns stay as they
    are."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql" or not conn.execute(text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar():
        return False
    for table, column in columns:
        conn.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION lz4'))
    return True


def rewrite_tables(conn, tables: tuple[str, ...]):
    """Empty derived `tables` before they are written again whole, in the current transaction; returns a function
    that finishes the rewrite once the rows are written. Their secondary indexes are dropped and built again from
    their own definitions after the load (one sort each instead of millions of insertions); on PostgreSQL the
    tables are truncated, on SQLite their rows deleted."""
    from sqlalchemy import text

    connection = conn.connection() if hasattr(conn, "connection") and callable(conn.connection) else conn
    if connection.dialect.name == "postgresql":
        indexes = connection.execute(text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid IN (SELECT to_regclass(name) FROM unnest(CAST(:tables AS text[])) AS name)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
            {"tables": list(tables)}).all()
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)))
    else:  # named indexes only: those SQLite makes for its own constraints have no SQL and stay
        indexes = [(f'"{name}"', sql) for table in tables for name, sql in connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
            " ORDER BY name"), {"table": table})]
    for name, _definition in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    if connection.dialect.name != "postgresql":
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))

    def finish():
        for _name, definition in indexes:
            connection.execute(text(definition))
    return finish
