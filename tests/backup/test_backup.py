"""A backup restores into a new, empty instance (on the database the suite runs on: SQLite or PostgreSQL) with
the same records, an intact audit log and certificates that still verify offline; a database holding data, a
wrong passphrase and a damaged file are refused."""
from __future__ import annotations

import contextvars
import uuid

import pytest

from tests.certificates.builders import ensure_profile, issuer, make_ready
from tests.conftest import BASE_CONFIG
from trainer import create_app

PASSPHRASE = "a long passphrase kept apart from the backup"


@pytest.fixture
def instance(db, make_person, make_unit):
    """Five people, one of them certified (which writes audit events and a signed certificate)."""
    from trainer.certificates.services.documents import render_pdf
    from trainer.certificates.services.issuing import issue_certificate

    ensure_profile(db)
    unit = make_unit(nation="NPL", code="NPBATT-1")
    people = [make_person(unit=unit, family_name=f"Thapa{i}") for i in range(5)]
    make_ready(db, people[0])
    certificate = issue_certificate(issuer(db), people[0].id, "UN-PDT-MIL")
    db.session.commit()
    return {"pdf": render_pdf(certificate), "serial": certificate.serial}


@pytest.fixture
def empty_instance(database_template, tmp_path):
    """A second, new instance: its own folder and an empty database (on PostgreSQL, a new database on the same
    server)."""
    folder = tmp_path / "restored-instance"
    folder.mkdir()
    if database_template["kind"] == "sqlite":
        uri = f"sqlite:///{tmp_path / 'restored.db'}"
        drop = None
    else:
        import psycopg

        server = database_template["server"]
        name = f"restored_{uuid.uuid4().hex[:12]}"
        dsn = f"host=127.0.0.1 port={server.port} user=trainer dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        uri = server.url(name)

        def drop():
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": str(folder)})
    yield app
    from trainer.extensions import db

    contextvars.Context().run(_dispose, app, db)
    if drop is not None:
        drop()


def _dispose(app, db):
    with app.app_context():
        db.engine.dispose()


def invoke(app, *args, passphrase=PASSPHRASE):
    """Run a command of `app` as its own process would: in a context of its own, not the test's app."""
    env = {"TRAINER_BACKUP_PASSPHRASE": passphrase}
    return contextvars.Context().run(app.test_cli_runner().invoke, args=list(args), env=env)


def _counts(app) -> dict:
    def read():
        from trainer.backup.services import counts

        with app.app_context():
            return counts()
    return contextvars.Context().run(read)


@pytest.mark.parametrize("migrated_first", [True, False], ids=["into-a-migrated-instance", "into-a-bare-database"])
def test_a_backup_restores_into_an_empty_instance_with_its_records_audit_log_and_certificates(
        app, instance, empty_instance, tmp_path, migrated_first):
    """Into a new instance set up as usual (migrated, holding no data yet) or into a bare database, as
    docs/deploying.md restores one: the records, the audit chain with its signed checkpoints, and the keys that
    verify certificates offline all come back."""
    before = _counts(app)
    assert before["people"] == 5 and before["certificates"] == 1 and before["audit_events"] > 1
    checkpoint = invoke(app, "audit", "checkpoint")  # as cron does: the head signed into the checkpoint file
    assert checkpoint.exit_code == 0, checkpoint.output
    chain = invoke(app, "audit", "verify")
    assert chain.exit_code == 0 and "the latest, checkpoint" in chain.output, chain.output
    backup = tmp_path / "trainer.backup"
    created = invoke(app, "backup", "create", str(backup))
    assert created.exit_code == 0, created.output
    assert b"Thapa" not in backup.read_bytes() and b"PRIVATE KEY" not in backup.read_bytes()

    if migrated_first:
        migrated = invoke(empty_instance, "db", "upgrade")
        assert migrated.exit_code == 0, migrated.output
    restored = invoke(empty_instance, "backup", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _counts(empty_instance) == before

    verified = invoke(empty_instance, "audit", "verify")  # the same events, checkpoints and latest signed head
    assert verified.exit_code == 0 and verified.output == chain.output, verified.output
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(instance["pdf"])
    offline = invoke(empty_instance, "certificates", "verify", str(pdf))
    assert offline.exit_code == 0 and "AUTHENTIC" in offline.output and instance["serial"] in offline.output, \
        offline.output

    again = invoke(empty_instance, "backup", "restore", str(backup))
    assert again.exit_code != 0 and "already holds data" in again.output
    assert _counts(empty_instance) == before


def test_a_restore_into_a_database_that_holds_data_is_refused(app, instance, tmp_path):
    backup = tmp_path / "trainer.backup"
    assert invoke(app, "backup", "create", str(backup)).exit_code == 0
    refused = invoke(app, "backup", "restore", str(backup))
    assert refused.exit_code != 0 and "already holds data" in refused.output
    assert _counts(app)["people"] == 5


def test_a_wrong_passphrase_or_a_changed_byte_restores_nothing(app, instance, empty_instance, tmp_path):
    backup = tmp_path / "trainer.backup"
    assert invoke(app, "backup", "create", str(backup)).exit_code == 0
    wrong = invoke(empty_instance, "backup", "restore", str(backup), passphrase="not the passphrase")
    assert wrong.exit_code != 0 and "wrong passphrase" in wrong.output

    damaged = tmp_path / "damaged.backup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    changed = invoke(empty_instance, "backup", "restore", str(damaged))
    assert changed.exit_code != 0 and "changed or cut short" in changed.output
    assert not _counts(empty_instance).get("people")

    exists = invoke(app, "backup", "create", str(backup))
    assert exists.exit_code != 0 and "already exists" in exists.output


def _storage(app) -> dict:
    """How PostgreSQL stores the tables that have settings of their own (migration 0018)."""
    def read():
        from sqlalchemy import text

        from trainer.extensions import db

        with app.app_context():
            return {"fillfactor": dict(db.session.execute(text(
                        "SELECT relname, reloptions FROM pg_class WHERE relname IN "
                        "('readiness_unit_figures', 'readiness_unit_versions')")).all()),
                    "compression": db.session.scalar(text(
                        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'readiness_figures'::regclass "
                        "AND attname = 'figures'"))}
    return contextvars.Context().run(read)


def test_a_postgresql_backup_names_no_compression_method_and_the_restore_sets_the_storage_settings_again(
        app, instance, empty_instance, database_template, tmp_path):
    """A dump that named LZ4 for a column would stop a restore (one transaction, exiting on the first error) on a
    server built without it: the backup leaves compression methods out, and the restore sets them again where
    the server has LZ4, so that a restored instance stores as a migrated one does. (Both halves are held here
    only where this server has LZ4: elsewhere no column uses it to begin with.)"""
    import subprocess
    import tarfile

    from trainer.backup.sealing import SealedReader
    from trainer.backup.services import pg_tool

    if database_template["kind"] != "postgresql":
        pytest.skip("PostgreSQL storage settings")
    before = _storage(app)
    assert before["compression"] in ("l", "")  # "l" where this server has LZ4 (test_db.py holds it to that)
    backup = tmp_path / "trainer.backup"
    assert invoke(app, "backup", "create", str(backup)).exit_code == 0
    with open(backup, "rb") as handle, tarfile.open(fileobj=SealedReader(handle, PASSPHRASE), mode="r|gz") as tar:
        tar.extractall(tmp_path / "opened", filter="data")
    schema = subprocess.run([pg_tool("pg_restore"), "--schema-only", "--file", "-",
                             str(tmp_path / "opened" / "database.pgdump")],
                            capture_output=True, text=True, check=True).stdout
    assert "CREATE TABLE public.readiness_figures" in schema and "COMPRESSION" not in schema

    assert invoke(empty_instance, "db", "upgrade").exit_code == 0
    restored = invoke(empty_instance, "backup", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _storage(empty_instance) == before


def test_a_restore_stands_when_compression_cannot_be_set_again(app, instance, empty_instance, database_template,
                                                                tmp_path, monkeypatch):
    """Setting LZ4 again is the last step of a PostgreSQL restore and only makes writes faster: if it fails, the
    database and the key folders are back all the same (a retry would be refused, the database holding data)."""
    from sqlalchemy.exc import OperationalError

    if database_template["kind"] != "postgresql":
        pytest.skip("PostgreSQL storage settings")
    backup = tmp_path / "trainer.backup"
    assert invoke(app, "backup", "create", str(backup)).exit_code == 0

    def refused(connection, columns):
        raise OperationalError("ALTER TABLE", {}, Exception("permission denied"))

    monkeypatch.setattr("trainer.backup.services.compress_with_lz4", refused)
    assert invoke(empty_instance, "db", "upgrade").exit_code == 0
    restored = invoke(empty_instance, "backup", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _counts(empty_instance) == _counts(app)
    verified = invoke(empty_instance, "audit", "verify")  # the audit keys and checkpoints came back too
    assert verified.exit_code == 0 and verified.output.startswith("OK:"), verified.output
