"""``mesoclinic backup``: one archive holding a consistent copy of the database and the files.

The archive is a tar file: the database (``database.sqlite3`` made by SQLite's online backup
API, or ``database.pgdump`` made by ``pg_dump --format=custom``), every file under the media
directory (``media/...``: photos, thumbnails, signatures) and, last, ``manifest.json`` with
the SHA-256 and size of every other member. With a key (``MESOCLINIC_BACKUP_KEY``) the whole tar
is encrypted and authenticated with Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``).

Consistency while the app runs: the database is copied first, as one snapshot (SQLite's backup
API holds a read transaction for the copy; ``pg_dump`` runs in one repeatable-read transaction).
The files are copied after it. Files are written before the row that names them commits and
never changed afterwards, so every file a row in the snapshot names is in the archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
# Fernet tokens are URL-safe base64 of a version byte 0x80 and a timestamp: they start so.
ENCRYPTED_PREFIX = b"gAAAAA"
# Directories under the media root that hold no clinic data (the /ready probe's files).
SKIPPED_MEDIA = frozenset({".ready"})


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what to do."""


@dataclass(frozen=True)
class Written:
    path: Path
    files: int
    size: int
    encrypted: bool


def backup_create(*, destination: Path, key: str | None) -> Written:
    """Write a backup to ``destination`` (a file, or a directory to put a dated file in).

    The file appears complete or not at all: it is written beside its final name and renamed.
    """
    fernet = _fernet(key) if key else None
    if destination.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        destination = destination / f"mesoclinic-{stamp}.tar{'.enc' if fernet else ''}"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        staging = Path(work)
        database_member, database_file = _dump_database(staging)
        entries: list[dict[str, Any]] = []
        tar_path = staging / "backup.tar"
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            entries.append(_add(tar, database_member, database_file))
            for relative, path in _media_files():
                entries.append(_add(tar, MEDIA_PREFIX + relative, path))
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "mesoclinic": version("mesoclinic"),
                "database": connection.vendor,
                "migrations": _applied_migrations(),
                "members": entries,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial = staging / "backup.out"
        if fernet:
            partial.write_bytes(fernet.encrypt(tar_path.read_bytes()))
        else:
            tar_path.rename(partial)
        partial.chmod(0o600)  # it holds every patient's record
        _fsync(partial)
        os.replace(partial, destination)
    return Written(
        path=destination,
        files=len(entries) - 1,
        size=destination.stat().st_size,
        encrypted=fernet is not None,
    )


def new_key() -> str:
    return Fernet.generate_key().decode()


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError:
        raise BackupError(
            "MESOCLINIC_BACKUP_KEY is not a Fernet key (32 bytes, URL-safe base64): make one "
            "with `mesoclinic backup --new-key`"
        ) from None


def _dump_database(staging: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        target = staging / SQLITE_MEMBER
        sqlite_copy(Path(settings.DATABASES["default"]["NAME"]), target)
        return SQLITE_MEMBER, target
    if connection.vendor == "postgresql":
        target = staging / POSTGRES_MEMBER
        run_postgres_tool(
            "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"
        )
        return POSTGRES_MEMBER, target
    raise BackupError(f"no backup for the {connection.vendor} database")


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API, then check the copy.

    Never a file copy: that can catch a page half-written or miss what is still in the WAL.
    """
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    src = sqlite3.connect(source, timeout=20)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
    finally:
        dst.close()
        src.close()
    if verdict != "ok":
        raise BackupError(f"the copy of the database failed its integrity check: {verdict}")


def run_postgres_tool(tool: str, *args: str) -> None:
    """Run ``pg_dump`` or ``pg_restore`` against the configured database (libpq variables)."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed: on Debian `apt-get install postgresql-client` "
            "(its major version at least the server's)"
        )
    config = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(config["NAME"])}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if config.get(key):
            env[variable] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    if (config.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(config["OPTIONS"]["sslmode"])
    result = subprocess.run(  # noqa: S603 - a fixed tool with our own arguments
        [executable, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        if here == root:
            subdirectories[:] = [d for d in subdirectories if d not in SKIPPED_MEDIA]
        subdirectories.sort()
        for name in sorted(files):
            path = here / name
            yield path.relative_to(root).as_posix(), path


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """Add ``path`` as ``name``, hashing it on the way in; its manifest entry."""
    with path.open("rb") as stream:
        info = tar.gettarinfo(fileobj=stream, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        hashing = _HashingReader(stream)
        tar.addfile(info, hashing)
    return {"name": name, "size": info.size, "sha256": hashing.digest.hexdigest()}


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _fsync(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


class _HashingReader:
    """A file reader that feeds what it reads to SHA-256."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data
