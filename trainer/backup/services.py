"""Backing up an instance and restoring it into an empty one.

A backup is one encrypted file (sealing.py) holding a tar archive:

    manifest.json            what the backup holds: the database kind, its migration, row counts, when
    files/<folder>/...       the certificate signing keys, the audit log's keys and its signed checkpoints
    database.sqlite          SQLite: a consistent copy made with SQLite's online backup API, or
    database.pgdump          PostgreSQL: `pg_dump` in custom format

The folders are read before the database, so that no checkpoint in the backup signs an event the database copy
lacks. A restore goes only into a database that holds no data (a new instance, migrated or not): it never
overwrites records. Files already in the key folders that differ from the backup's are kept beside them, renamed.
"""
from __future__ import annotations

import datetime as dt
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from trainer.backup.sealing import SealedReader, SealedWriter
from trainer.db import compress_with_lz4
from trainer.extensions import db
from trainer.readiness.models import LZ4_COLUMNS

FORMAT = 1
# Rows the migrations themselves write: a database holding only these holds no data.
MIGRATION_ROWS = frozenset({"alembic_version", "audit_head", "readiness_figures_version", "readiness_figures"})
COUNTED = ("people", "units", "completions", "certificates", "audit_events")


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words (in the language in force)."""


@dataclass
class Outcome:
    database: str
    revision: str
    counts: dict
    files: int
    created_at: str


# --- where things are ----------------------------------------------------------------------------------------------

def _folders() -> dict[str, Path]:
    """The instance's folders a backup carries, by name in the archive."""
    from trainer.audit.services import checkpoint_path, key_folder

    instance = Path(current_app.instance_path)
    return {"signing-keys": Path(current_app.config.get("CERTIFICATE_KEY_DIR") or instance / "signing-keys"),
            "audit-keys": key_folder(),
            "audit-checkpoints": checkpoint_path().parent}


def _kind() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(_("backups of a %(kind)s database are not supported", kind=name))
    return name


def _sqlite_path() -> str:
    path = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not path or path == ":memory:":
        raise BackupError(_("the SQLite database is in memory: there is nothing to back up"))
    return path


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: BACKUP_PG_BINDIR if set, else the newest Debian install, else PATH."""
    folder = current_app.config.get("BACKUP_PG_BINDIR")
    candidates = [os.path.join(folder, name)] if folder else sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("%(tool)s was not found: install the PostgreSQL client (postgresql-client-15), or set "
                             "BACKUP_PG_BINDIR", tool=name))
    return found


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL tools, the password in the environment (never on a command line)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, environment


def _run(args: list[str], environment: dict) -> None:
    finished = subprocess.run(args, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s", tool=os.path.basename(args[0]),
                             error=finished.stderr.strip()[-2000:]))


# --- what the database holds ---------------------------------------------------------------------------------------

def data_tables() -> list[str]:
    """The tables that hold data (rows the migrations did not write themselves)."""
    with db.engine.connect() as connection:
        names = set(inspect(connection).get_table_names()) - MIGRATION_ROWS
        return sorted(n for n in names
                      if connection.execute(select(text("1")).select_from(table(n)).limit(1)).first() is not None)


def counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        return {name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in COUNTED if name in present}


def _revision() -> str:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return ""
        return ",".join(sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))))


# --- backing up ----------------------------------------------------------------------------------------------------

def create_backup(target: Path, passphrase: str) -> Outcome:
    """Write an encrypted backup of the instance to `target` (a new file; refused if it exists)."""
    kind = _kind()
    target = Path(target)
    if target.exists():
        raise BackupError(_("%(file)s already exists: choose a new file name", file=target))
    outcome = Outcome(kind, _revision(), {}, 0, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    with tempfile.TemporaryDirectory(prefix="trainer-backup-") as work:
        staged = Path(work) / "files"
        for name, folder in _folders().items():  # before the database: see the module's docstring
            if folder.is_dir():
                shutil.copytree(folder, staged / name)
                outcome.files += sum(1 for p in (staged / name).rglob("*") if p.is_file())
        outcome.counts = counts()
        dump = Path(work) / ("database.sqlite" if kind == "sqlite" else "database.pgdump")
        if kind == "sqlite":
            _sqlite_copy(_sqlite_path(), str(dump))
        else:
            args, environment = _pg_environment()
            # Without the columns' compression methods: a restore onto a server built without LZ4 would otherwise
            # stop at the first one. restore_backup sets them again where the server has LZ4.
            _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--no-toast-compression",
                  "--file", str(dump), *args], environment)
        manifest = {"format": FORMAT, "database": kind, "revision": outcome.revision, "counts": outcome.counts,
                    "files": outcome.files, "created_at": outcome.created_at}
        partial = target.with_name(target.name + ".partial")
        try:
            with open(partial, "xb") as out:
                os.chmod(partial, 0o600)
                sealed = SealedWriter(out, passphrase)
                with tarfile.open(fileobj=sealed, mode="w|gz") as archive:
                    _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
                    if staged.exists():
                        archive.add(staged, arcname="files")
                    archive.add(dump, arcname=dump.name)
                sealed.close()
                out.flush()
                os.fsync(out.fileno())
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
    return outcome


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _sqlite_copy(source: str, destination: str) -> None:
    """Copy a SQLite database with the online backup API: consistent while the app keeps writing."""
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst, pages=1024)
    src.close()
    dst.close()


# --- restoring -----------------------------------------------------------------------------------------------------

def restore_backup(source: Path, passphrase: str) -> Outcome:
    """Restore the backup in `source` into this instance, whose database must hold no data."""
    kind = _kind()
    with tempfile.TemporaryDirectory(prefix="trainer-restore-") as work:
        work_path = Path(work)
        with open(source, "rb") as handle:
            with tarfile.open(fileobj=SealedReader(handle, passphrase), mode="r|gz") as archive:
                archive.extractall(work_path, filter="data")
        manifest = _manifest(work_path / "manifest.json")
        if manifest["database"] != kind:
            raise BackupError(_("this is a backup of a %(backup)s database; this instance uses %(instance)s",
                                backup=manifest["database"], instance=kind))
        holding = data_tables()
        if holding:
            raise BackupError(_("the database already holds data (%(tables)s): restore only into a new, empty instance",
                                tables=", ".join(holding[:5]) + (", ..." if len(holding) > 5 else "")))
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            _sqlite_copy(str(work_path / "database.sqlite"), _sqlite_path())
        else:
            args, environment = _pg_environment()
            _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", *args, str(work_path / "database.pgdump")], environment)
        db.engine.dispose()
        files = _restore_folders(work_path / "files")
        if kind == "postgresql":
            _compress_where_the_server_can()
    return Outcome(kind, manifest.get("revision", ""), counts(), files, manifest.get("created_at", ""))


def _compress_where_the_server_can() -> None:
    """Set LZ4 compression again on the columns that use it (the dump leaves compression methods out, so that it
    restores on a server built without LZ4). Only how fast those columns are written depends on it: once the
    database and the folders are back, a failure here is logged and the restore stands."""
    try:
        with db.engine.begin() as connection:
            compress_with_lz4(connection, LZ4_COLUMNS)
    except SQLAlchemyError as exc:
        current_app.logger.warning("restored without LZ4 compression on %s: %s", LZ4_COLUMNS, exc)
    finally:
        db.engine.dispose()


def _manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("the backup has no readable manifest (%(error)s)", error=exc)) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("the backup's format %(format)s is not one this version reads",
                            format=repr(manifest.get("format"))))
    return manifest


def _restore_folders(staged: Path) -> int:
    """Put the backup's key and checkpoint files in place (private files stay private); returns how many."""
    restored = 0
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for name, folder in _folders().items():
        origin = staged / name
        if not origin.is_dir():
            continue
        for path in sorted(p for p in origin.rglob("*") if p.is_file()):
            destination = folder / path.relative_to(origin)
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            data = path.read_bytes()
            if destination.exists():
                if destination.read_bytes() == data:
                    restored += 1
                    continue
                destination.rename(destination.with_name(f"{destination.name}.before-restore-{stamp}"))
            mode = path.stat().st_mode & 0o777
            descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            restored += 1
    return restored
