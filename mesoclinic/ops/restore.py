"""``mesoclinic restore``: a backup back into an empty installation, every checksum verified.

Nothing of the installation is touched until the whole archive has been read, every member
checked against the manifest (name, size, SHA-256) and the database copy checked (SQLite's
``PRAGMA integrity_check``). A non-empty installation is refused unless ``force`` is given;
then the replaced SQLite file and media directory are kept beside the new ones, renamed with
the time of the restore, and PostgreSQL's tables are dropped first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection, connections

from mesoclinic.ops.backup import (
    ENCRYPTED_PREFIX,
    FORMAT,
    MANIFEST,
    MEDIA_PREFIX,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    BackupError,
    run_postgres_tool,
)

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Restored:
    created_at: str
    files: int
    replaced: list[Path]  # what a forced restore moved aside


def backup_restore(*, source: Path, key: str | None, force: bool) -> Restored:
    """Restore ``source`` into this installation; see the module docstring for the guarantees."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as work:
        staging = Path(work)
        tar_path = _plain_tar(source, key, staging)
        manifest = _unpack_verified(tar_path, staging / "unpacked")
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['database']} database; this installation uses "
                f"{connection.vendor}"
            )
        occupied = _occupied()
        if occupied and not force:
            raise BackupError(
                f"this installation is not empty ({'; '.join(occupied)}): restore into an "
                "empty one, or pass --force to replace it (stop the app first)"
            )
        unpacked = staging / "unpacked"
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        replaced = _restore_database(unpacked, stamp)
        replaced += _restore_media(unpacked / "media", stamp)
    files = sum(1 for m in manifest["members"] if m["name"].startswith(MEDIA_PREFIX))
    return Restored(created_at=manifest["created_at"], files=files, replaced=replaced)


def _plain_tar(source: Path, key: str | None, staging: Path) -> Path:
    with source.open("rb") as stream:
        encrypted = stream.read(len(ENCRYPTED_PREFIX)) == ENCRYPTED_PREFIX
    if not encrypted:
        return source
    if not key:
        raise BackupError("the backup is encrypted: set MESOCLINIC_BACKUP_KEY to its key")
    try:
        plain = Fernet(key.encode()).decrypt(source.read_bytes())
    except (InvalidToken, ValueError):
        raise BackupError(
            "the backup cannot be decrypted: the key is not its key, or the file is damaged"
        ) from None
    tar_path = staging / "backup.tar"
    tar_path.write_bytes(plain)
    return tar_path


def _unpack_verified(tar_path: Path, target: Path) -> dict[str, Any]:
    """Unpack every member into ``target``, checking each against the manifest."""
    try:
        with tarfile.open(tar_path, "r:") as tar:
            try:
                manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
            except KeyError:
                raise BackupError(
                    "the backup has no manifest: it is not a Mesoclinic backup"
                ) from None
            if manifest.get("format") != FORMAT:
                raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
            expected = {m["name"]: m for m in manifest["members"]}
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if entry is None or not member.isfile() or not _safe(member.name):
                    raise BackupError(f"the backup holds {member.name!r}, not in its manifest")
                _extract_checked(tar, member, target / member.name, entry)
                seen.add(member.name)
    except tarfile.TarError as error:
        raise BackupError(f"the backup is damaged: {error}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"the backup lacks {len(missing)} members, e.g. {missing[0]!r}")
    return manifest  # type: ignore[no-any-return]


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    return name in (SQLITE_MEMBER, POSTGRES_MEMBER) or name.startswith(MEDIA_PREFIX)


def _extract_checked(
    tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path, entry: dict[str, Any]
) -> None:
    stream = tar.extractfile(member)
    if stream is None:  # not a regular file; the caller has refused those already
        raise BackupError(f"{member.name} is not a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{member.name} does not match its checksum: the backup is damaged")


def _occupied() -> list[str]:
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(f"the database has {len(tables)} tables")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        found.append(f"{media} holds files")
    return found


def _restore_database(unpacked: Path, stamp: str) -> list[Path]:
    if connection.vendor == "sqlite":
        copy = unpacked / SQLITE_MEMBER
        check = sqlite3.connect(copy)
        try:
            (verdict,) = check.execute("PRAGMA integrity_check").fetchone()
        finally:
            check.close()
        if verdict != "ok":
            raise BackupError(f"the backed-up database fails its integrity check: {verdict}")
        connections.close_all()
        target = Path(settings.DATABASES["default"]["NAME"])
        replaced = []
        if target.exists() and connection.introspection.table_names():
            kept = target.with_name(f"{target.name}.replaced-{stamp}")
            sqlite_move_aside(target, kept)
            replaced.append(kept)
        connections.close_all()
        for leftover in (target, _sidecar(target, "-wal"), _sidecar(target, "-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(copy, target)
        return replaced
    # PostgreSQL: drop what is there (only with force, checked by the caller), then restore in
    # one transaction, so a failure leaves the database as empty as it was.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connections.close_all()
    run_postgres_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--clean",
        "--if-exists",
        f"--dbname={settings.DATABASES['default']['NAME']}",
        str(unpacked / POSTGRES_MEMBER),
    )
    return []


def sqlite_move_aside(target: Path, kept: Path) -> None:
    """Keep the replaced database as one self-contained file (its WAL folded in)."""
    src = sqlite3.connect(target)
    dst = sqlite3.connect(kept)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _restore_media(unpacked_media: Path, stamp: str) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    replaced = []
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        kept = media.with_name(f"{media.name}.replaced-{stamp}")
        media.rename(kept)
        replaced.append(kept)
    elif media.exists():
        shutil.rmtree(media)  # empty directories only
    if unpacked_media.is_dir():
        shutil.move(unpacked_media, media)
    else:
        media.mkdir(parents=True)
    return replaced
