"""Where a measurement runs: an instance folder and its database, SQLite (a file in the folder) or a database on
the throwaway PostgreSQL server of the run (started as the test suite starts one: tests/pg.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATABASES = ("sqlite", "postgresql")
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Target:
    database: str          # sqlite | postgresql
    scale: str             # a demo scale (small, medium, large, xlarge)
    path: Path             # the instance folder (keys, secrets; the SQLite file)
    url: str | None = None  # the PostgreSQL database

    @property
    def sqlalchemy_url(self) -> str:
        return self.url or f"sqlite:///{self.path / 'trainer.db'}"

    def env(self) -> dict:
        from bench.util import env_for

        return env_for(self.path, **({"TRAINER_DATABASE_URL": self.url} if self.url else {}))

    def argv(self) -> list[str]:
        return [self.database, self.scale, str(self.path), self.url or ""]

    @classmethod
    def from_argv(cls, database: str, scale: str, path: str, url: str) -> "Target":
        return cls(database, scale, Path(path), url or None)

    def activate(self) -> None:
        """Point this process's app at the target (as the section's environment does)."""
        os.environ["TRAINER_INSTANCE_PATH"] = str(self.path)
        if self.url:
            os.environ["TRAINER_DATABASE_URL"] = self.url
        else:
            os.environ.pop("TRAINER_DATABASE_URL", None)


class Server:
    """The run's throwaway PostgreSQL server: one database per target, copies made from a template."""

    def __init__(self):
        from tests.pg import ThrowawayPostgres

        self.server = ThrowawayPostgres()
        self.server.start()

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.server.port} user=trainer dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given; nobody may be connected to it); its URL."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.server.url(name).replace("postgresql+psycopg://", "postgresql://")

    def drop(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def version(self) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.server.port} user=trainer dbname=postgres") as connection:
            return connection.execute("SHOW server_version").fetchone()[0]

    def stop(self) -> None:
        self.server.stop()


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def engine_for(target: Target):
    from sqlalchemy import create_engine

    from trainer.config import normalise_database_url

    return create_engine(normalise_database_url(target.sqlalchemy_url))


def clone(target: Target, suffix: str) -> Target:
    """A copy of the target's instance folder and database (the database through SQLite's backup API, or as a
    PostgreSQL template: nobody may be connected to it)."""
    import shutil
    import sqlite3

    twin = Path(f"{target.path}-{suffix}")
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(target.path, twin, ignore=shutil.ignore_patterns("trainer.db*"))
    if target.url is None:
        source, copy = sqlite3.connect(target.path / "trainer.db"), sqlite3.connect(twin / "trainer.db")
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return Target(target.database, target.scale, twin)
    import psycopg

    base, name = target.url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}_{suffix}"')
        connection.execute(f'CREATE DATABASE "{name}_{suffix}" TEMPLATE "{name}"')
    return Target(target.database, target.scale, twin, f"{base}/{name}_{suffix}")


def discard(target: Target) -> None:
    import shutil

    shutil.rmtree(target.path, ignore_errors=True)
    if target.url:
        import psycopg

        base, name = target.url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
