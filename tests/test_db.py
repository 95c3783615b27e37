"""trainer/db.py: the helpers every domain's queries share."""
from sqlalchemy import select


def test_among_ids_finds_the_same_rows_as_an_in_list_for_none_one_and_thousands_of_ids(db, make_unit):
    """On PostgreSQL the ids go as one array parameter (the statement's text does not change with their number);
    elsewhere as an IN list. Either way the rows are those named, and no id at all names none."""
    from trainer.db import among_ids
    from trainer.org.models import Unit

    units = [make_unit(nation="NPL", code=f"U-{n}") for n in range(5)]
    dialect = db.session.get_bind().dialect.name
    wanted = [units[1].id, units[3].id]
    found = set(db.session.scalars(select(Unit.id).where(among_ids(Unit.id, wanted, dialect))))
    assert found == set(wanted)
    assert list(db.session.scalars(select(Unit.id).where(among_ids(Unit.id, [], dialect)))) == []
    many = [u.id for u in units] + list(range(10_000_000, 10_005_000))
    assert set(db.session.scalars(select(Unit.id).where(among_ids(Unit.id, many, dialect)))) == {u.id for u in units}


def test_the_apps_postgresql_connections_compile_no_statement(app, db):
    """A page's statements are costly only on paper: PostgreSQL's JIT compilation (117 ms of a 556 ms count at
    100,000 people) is off on the app's connections."""
    import pytest
    from sqlalchemy import text

    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    assert db.session.scalar(text("SHOW jit")) == "off"


def test_jit_is_turned_off_beside_a_urls_own_server_options_and_a_deployments_connect_args_win(tmp_path):
    from flask import Flask

    from trainer.config import load_config

    def options(**config):
        app = Flask("trainer", instance_path=str(tmp_path))
        load_config(app, {"SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1:1/x", **config})
        return app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args")

    assert options() == {"options": "-c jit=off"}
    assert options(SQLALCHEMY_DATABASE_URI="postgresql://u@127.0.0.1:1/x?options=-c%20search_path%3Dtrainer") == {
        "options": "-c search_path=trainer -c jit=off"}
    assert options(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"sslmode": "require"}}) == {"sslmode": "require"}


def test_the_tables_rewritten_on_every_change_leave_room_for_a_rows_new_version_on_postgresql(app, db):
    """Each unit's kept readiness figures and its counter are rewritten in place by every change: with half of each
    page free, the new version goes beside the old one (a HOT update) and the table does not grow with each change;
    a page's cached figures, written by the first view after every change, are compressed with LZ4 where the server
    has it (migration 0018)."""
    import pytest
    from sqlalchemy import text

    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    options = dict(db.session.execute(text("SELECT relname, reloptions FROM pg_class WHERE relname IN "
                                           "('readiness_unit_figures', 'readiness_unit_versions')")).all())
    assert options == {"readiness_unit_figures": ["fillfactor=50"], "readiness_unit_versions": ["fillfactor=50"]}
    lz4 = db.session.scalar(text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"))
    compression = db.session.scalar(text(
        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'readiness_figures'::regclass AND attname = 'figures'"))
    assert compression == ("l" if lz4 else "")
    # The columns the migrations compress are those a restore compresses again (readiness.models.LZ4_COLUMNS).
    from trainer.readiness.models import LZ4_COLUMNS

    compressed = db.session.execute(text(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE a.attcompression = 'l' AND n.nspname = current_schema() AND a.attnum > 0")).tuples().all()
    assert sorted(compressed) == (sorted(LZ4_COLUMNS) if lz4 else [])
