"""A scratch database and production-like settings for one benchmark run.

Benchmarks never touch a real clinic's data: each run gets a fresh PostgreSQL database
(dropped and created again) or a fresh SQLite file in a temporary directory, and runs with
production settings (DEBUG off), as a clinic would.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/mesoclinic_bench"


@dataclass(frozen=True)
class Environment:
    database: str  # "postgresql" or "sqlite"
    variables: dict[str, str]  # what a server process for this run needs


def prepare(*, postgres_url: str | None, sqlite: bool) -> Environment:
    """Point this process at a fresh database; call before ``django.setup()``."""
    variables = {
        "MESOCLINIC_DEBUG": "false",
        "MESOCLINIC_SECRET_KEY": secrets.token_urlsafe(50),
        "MESOCLINIC_SECURE_SSL_REDIRECT": "false",
        "MESOCLINIC_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MESOCLINIC_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "mesoclinic.settings",
    }
    if sqlite:
        variables["MESOCLINIC_DATA_DIR"] = tempfile.mkdtemp(prefix="mesoclinic-bench-")
        os.environ.pop("DATABASE_URL", None)
        database = "sqlite"
    else:
        url = postgres_url or DEFAULT_POSTGRES
        _recreate_postgres_database(url)
        variables["DATABASE_URL"] = url
        database = "postgresql"
    os.environ.update(variables)
    return Environment(database=database, variables=variables)


def _recreate_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"benchmark database name must be letters, digits and _: {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
