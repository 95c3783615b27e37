"""Shared fixtures: a per-test app on a fresh database (SQLite or a throwaway PostgreSQL server),
a test client whose every request runs in its own application context, a CLI runner, factories
and `login_as`.

Select the database with TRAINER_TEST_DB=sqlite (default) or TRAINER_TEST_DB=postgresql.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import itertools
import os
import shutil
import sqlite3
import time

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import event, text

from trainer import create_app
from trainer.db import write_intent

# The app's day is UTC's on every host (trainer.db.utc_today); the tests' own "today" (dt.date.today()) is taken
# on a UTC clock too, so that the suite agrees with the app on a machine set to any zone, around midnight included.
os.environ["TZ"] = "UTC"
time.tzset()

TEST_DB = os.environ.get("TRAINER_TEST_DB", "sqlite")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "correct horse battery staple"

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 1024,
    "PUBLIC_URL": "https://trainer.example.org",
    "SERVER_NAME": None,
    "AUDIT_CHECKPOINT_MINUTES": 0,  # checkpoints only where a test asks for them (tests/audit)
}


def pytest_report_header(config):
    return f"trainer test database: {TEST_DB}"


def migrated_app(url: str, instance, revision: str = "heads"):
    """An app on the database at `url` whose schema the migrations built up to `revision`, as production does;
    its connections are closed afterwards, so that the database can be copied or written to from outside."""
    from flask_migrate import upgrade

    from trainer.extensions import db

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()
    return app


def sqlite_template(folder, instance):
    """A SQLite file in `folder` with the whole schema, built through the migrations, for each test to copy: one
    file, its write-ahead log folded in."""
    path = folder / "template.db"
    migrated_app(f"sqlite:///{path}", instance)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once per run, through the migrations, as production does."""
    if TEST_DB == "postgresql":
        from tests.pg import ThrowawayPostgres, find_bindir

        if find_bindir() is None:
            if IN_CI:
                pytest.fail("CI=true but no PostgreSQL server binaries (initdb, pg_ctl) were found: "
                            "install Debian's postgresql-15 package")
            pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: skipping the PostgreSQL run "
                        "(install Debian's postgresql-15 package to run it)")
        try:
            server = ThrowawayPostgres()
            server.start()
        except RuntimeError as exc:
            if IN_CI:
                pytest.fail(f"CI=true but the throwaway PostgreSQL server did not start: {exc}")
            pytest.skip(f"the throwaway PostgreSQL server did not start ({exc}): skipping the PostgreSQL run")
        try:
            import psycopg

            with psycopg.connect(f"host=127.0.0.1 port={server.port} user=trainer dbname=postgres",
                                 autocommit=True) as conn:
                conn.execute("CREATE DATABASE trainer_test")
            url = server.url("trainer_test")
            migrated_app(url, tmp_path_factory.mktemp("instance"))
            yield {"kind": "postgresql", "url": url, "server": server}
        finally:
            server.stop()
    else:
        path = sqlite_template(tmp_path_factory.mktemp("template"), tmp_path_factory.mktemp("instance"))
        yield {"kind": "sqlite", "path": path}


def _truncate_all(app):
    from sqlalchemy import inspect

    from trainer.extensions import db

    with app.app_context():
        # Only the tables the migrations made (a model whose migration is not written yet has none).
        existing = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        tables = [t.name for t in db.metadata.sorted_tables if t.name in existing]
        if not tables:
            db.engine.dispose()
            return
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            conn.execute(text("INSERT INTO audit_head (id, seq, hash, keyed_from) VALUES (1, 0, :g, 1)"), {"g": "0" * 64})
        db.engine.dispose()


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app of the test process (each test has a new app, and
    compiling the same templates again for each would dominate page-heavy tests)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = _SharedBytecodeCache()


@pytest.fixture
def app_config():
    """Override in a test module to change settings for that module."""
    return {}


def own_instance(tmp_path) -> str:
    """A test's own instance folder (keys, uploads)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    return str(instance)


def own_sqlite_copy(template, tmp_path, name: str = "test.db") -> str:
    """The URI of a test's own copy of the migrated SQLite template."""
    path = tmp_path / name
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_template, tmp_path, app_config):
    if database_template["kind"] == "sqlite":
        uri = own_sqlite_copy(database_template["path"], tmp_path)
    else:
        uri = database_template["url"]
    application = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": own_instance(tmp_path),
                              **app_config})
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    ctx = application.app_context()
    ctx.push()
    token = write_intent.set(False)
    try:
        yield application
    finally:
        from trainer.extensions import db

        db.session.rollback()
        db.session.remove()
        write_intent.reset(token)
        ctx.pop()
        if database_template["kind"] == "postgresql":
            _truncate_all(application)
        else:
            with application.app_context():
                db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, so it gets its own application context, `g` and
    database session, exactly as a real request would, even while the test holds a context."""

    def open(self, *args, **kwargs):
        _end_test_transaction()
        return contextvars.Context().run(super().open, *args, **kwargs)


def _end_test_transaction() -> None:
    """End the test's own open transaction before a request runs.

    On SQLite a transaction that has read cannot write once another connection (the request) wrote
    ("database is locked"), so a factory called after a request would fail. Committing here makes
    pending test data visible to the request and starts the next read afresh. Loaded objects are not
    expired (call db.session.expire_all() to re-read what a request changed).
    """
    from flask import has_app_context

    if not has_app_context():
        return
    from trainer.extensions import db

    session = db.session()
    if not session.in_transaction():
        return
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from trainer.extensions import db as database

    return database


class StatementRecorder:
    """`with StatementRecorder(engine) as r:` records in `r.statements` the statements the engine runs inside the
    block that `picks` keeps (a subclass says which)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def picks(self, statement: str) -> bool:
        return True

    def _on(self, conn, cursor, statement, parameters, context, executemany):
        if self.picks(statement):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._on)


class QueryCounter(StatementRecorder):
    def picks(self, statement: str) -> bool:
        return not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA"))

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """with count_queries() as q: ...; q.count"""
    return lambda: QueryCounter(db.engine)


# --- factories ------------------------------------------------------------------------------

_seq = itertools.count(1)


@pytest.fixture
def make_nation(db):
    def make(code="NPL", name=None):
        from trainer.org.models import Nation

        nation = db.session.get(Nation, code)
        if nation is None:
            import pycountry

            country = pycountry.countries.get(alpha_3=code)
            nation = Nation(code=code, name=name or (country.name if country else code))
            db.session.add(nation)
            db.session.commit()
        return nation
    return make


@pytest.fixture
def make_module(db):
    """make(code="HR-01", version="1.0", title="Human rights", validity_months=12, ...): a curriculum module, committed (the
    one already there for that code and version); tests/curricula/builders.py."""
    from tests.curricula.builders import add_module

    def make(code="HR-01", version="1.0", title="Human rights", **fields):
        return add_module(db.session, code, version, title=title, **fields)
    return make


@pytest.fixture
def make_unit(db, make_nation):
    def make(nation="NPL", code=None, name=None, parent=None, kind="battalion"):
        from trainer.org.services import create_unit

        make_nation(nation)
        code = code or f"U{next(_seq)}"
        unit = create_unit(None, nation_code=nation, code=code, name=name or f"Unit {code}", kind=kind,
                           parent_id=parent.id if parent else None)
        db.session.commit()
        return unit
    return make


@pytest.fixture
def make_person(db, make_unit):
    def make(unit=None, nation=None, family_name=None, given_names=None, family_name_latin=None,
             given_names_latin=None, rank_code="OF-2", category="military", screening="cleared",
             service_number=None, start_on=None, email=None):
        from trainer.org.people import create_person

        if unit is None:
            unit = make_unit(nation=nation or "NPL")
        n = next(_seq)
        person = create_person(None, {
            "nation": unit.nation_code, "unit_id": unit.id, "service_number": service_number or f"SN{n:06d}",
            "family_name": family_name or f"Family{n}", "given_names": given_names or f"Given{n}",
            "family_name_latin": family_name_latin, "given_names_latin": given_names_latin,
            "rank_code": rank_code, "national_rank": "", "category": category, "email": email,
            "screening": screening,
        }, start_on=start_on or dt.date(2020, 1, 1))
        db.session.commit()
        return person
    return make


@pytest.fixture
def make_user(db, app):
    def make(role="admin", scope="mission", nation=None, unit=None, person=None, username=None,
             password=PASSWORD, extra_grants=()):
        from trainer.auth.services import AuthSettings, create_user

        settings = AuthSettings.from_config(app.config)
        grants = []
        if role:
            if scope == "nation":
                grants.append((role, "nation", nation))
            elif scope == "unit":
                grants.append((role, "unit", None, unit.id))
            else:
                grants.append((role, scope))
        grants.extend(extra_grants)
        user, _ = create_user(settings, None, username=username or f"user{next(_seq)}", display_name="Test User",
                              password=password, person_id=person.id if person else None, grants=grants)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_exercise(db, make_nation):
    """make_exercise(lead="NPL", nations=("FRA",), objectives=2) -> an exercise written directly (for speed).

    The lead and the `nations` taking part are made when missing; `units` are committed; `objectives`
    is how many plain objectives to add, or a (description, capability, module code) triple for each.
    """
    def make(lead="NPL", nations=(), code=None, start=None, end=None, timezone="UTC", status="planning",
             type_="tabletop", units=(), prerequisites="", title=None, objectives=0, scenario_summary="",
             location_name="Somewhere"):
        from trainer.exercises.models import Exercise, ExerciseNation, ExerciseUnit, Objective

        codes = list(dict.fromkeys([lead, *nations]))
        for c in codes:
            make_nation(c)
        start = start or dt.datetime(2030, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
        end = end or start + dt.timedelta(days=2)
        code = code or f"EX-{next(_seq):04d}"
        ex = Exercise(code=code, title=title or f"Exercise {code}", type=type_, lead_nation_code=lead, timezone=timezone,
                      start_at=start, end_at=end, status=status, scenario_summary=scenario_summary,
                      location_name=location_name, prerequisite_modules=prerequisites)
        ex.nations = [ExerciseNation(nation_code=c) for c in codes]
        ex.units = [ExerciseUnit(unit_id=u.id) for u in units]
        db.session.add(ex)
        db.session.flush()
        if isinstance(objectives, int):
            objectives = [(f"Objective {i}", "Protection", None) for i in range(1, objectives + 1)]
        for number, (description, capability, module) in enumerate(objectives, start=1):
            db.session.add(Objective(exercise_id=ex.id, number=number, description=description, capability=capability,
                                     module_code=module))
        db.session.commit()
        return ex
    return make


@pytest.fixture
def add_participant(db, make_person):
    """add_participant(ex, person, role="evaluator") -> a participant; without a person, a new one of `unit`."""
    def add(ex, person=None, role="player", status="confirmed", *, unit=None):
        from trainer.exercises.models import Participant

        person = person or make_person(unit=unit)
        participant = Participant(exercise_id=ex.id, person_id=person.id, nation_code=person.nation_code,
                                  unit_id=person.unit_id, role=role, status=status)
        db.session.add(participant)
        db.session.commit()
        return participant
    return add


def login(client, username, password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data)


@pytest.fixture
def login_as(client, make_user, make_nation):
    """login_as('commander', 'nation', nation='NPL') -> the signed-in user."""
    def do(role="admin", scope="mission", **kwargs):
        if scope == "nation":
            make_nation(kwargs.get("nation") or "NPL")
            kwargs.setdefault("nation", "NPL")
        user = make_user(role, scope, **kwargs)
        response = login(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user
    return do
