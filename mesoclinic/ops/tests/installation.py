"""Real installations for tests that run Mesoclinic as its own processes.

An installation is a data directory, plus a scratch PostgreSQL database when the tests run on
PostgreSQL (``DATABASE_URL`` names one): the scratch database sits on the same server, named
after the test database with a random suffix, and is dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mesoclinic.benchmarks.crash import Target
from mesoclinic.core.tests.helpers import PRODUCTION_KEY, REPO_ROOT, clean_env

MESOCLINIC = str(Path(sys.executable).with_name("mesoclinic"))


def postgres_url() -> str | None:
    """The server of the test run's PostgreSQL database, or None on an SQLite run."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


# The database of this test run: an SQLite run tests SQLite installations, a PostgreSQL run
# PostgreSQL ones (each run's other tests use the same database).
RUN_DATABASE = "postgresql" if postgres_url() else "sqlite"


@dataclass(frozen=True)
class Installation:
    data_dir: Path
    database_url: str | None  # None: SQLite in the data directory

    @property
    def env(self) -> dict[str, str]:
        variables = {
            "MESOCLINIC_DATA_DIR": str(self.data_dir),
            "MESOCLINIC_SECRET_KEY": PRODUCTION_KEY,
            "MESOCLINIC_SECURE_SSL_REDIRECT": "false",
            "MESOCLINIC_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        if self.database_url:
            variables["DATABASE_URL"] = self.database_url
        return clean_env(**variables)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "mesoclinic.sqlite3"

    @property
    def target(self) -> Target:
        if self.database_url:
            return Target(postgres_url=self.database_url)
        return Target(sqlite_path=self.sqlite_path)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` read straight from the database, as an outside tool would."""
        if self.database_url is None:
            db = sqlite3.connect(self.sqlite_path)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as pg:
            return pg.execute(sql).fetchall()

    def run(
        self, *args: str, check: bool = True, **variables: str
    ) -> subprocess.CompletedProcess[str]:
        """``mesoclinic *args`` against this installation."""
        result = subprocess.run(
            [MESOCLINIC, *args],
            cwd=REPO_ROOT,
            env={**self.env, **variables},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"mesoclinic {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
            )
        return result


@contextmanager
def installation(root: Path, *, postgres: bool | None = None) -> Iterator[Installation]:
    """A fresh, empty installation under ``root``; its scratch database is dropped after.

    ``postgres`` defaults to the run's database (``RUN_DATABASE``).
    """
    if postgres is None:
        postgres = RUN_DATABASE == "postgresql"
    data_dir = root / "data"
    if not postgres:
        yield Installation(data_dir=data_dir, database_url=None)
        return
    server = postgres_url()
    assert server, "a PostgreSQL installation needs DATABASE_URL to name the server"
    parts = urlsplit(server)
    name = f"{parts.path.lstrip('/')}_{secrets.token_hex(4)}"[:63]
    url = urlunsplit(parts._replace(path=f"/{name}"))
    _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield Installation(data_dir=data_dir, database_url=url)
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server: str, statement: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
