"""Backup under write load and restore into a fresh installation, on the run's database.

The source is the demo clinic (patients, consultations, plans, signed consents, photos and
signatures) with the write loop registering patients while ``mesoclinic backup`` runs. The
restored installation must hold every patient acknowledged before the backup began, every
file that existed then (byte for byte), the same clinical records, and the database's audit and
consent triggers must still refuse changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from mesoclinic.ops.tests.installation import RUN_DATABASE, Installation, installation

# Tables the write loop does not touch: their rows must come back exactly.
CLINICAL_TABLES = (
    "consultations_consultation",
    "consent_consentrecord",
    "consent_photoconsent",
    "photos_photo",
    "accounts_user",
)


class WriteLoop:
    """The write loop as a process, its acknowledged ids collected as they arrive."""

    def __init__(self, site: Installation) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mesoclinic.benchmarks.writer", "--count", "100000"],
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.acked: list[int] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout or []:
            with self._lock:
                self.acked.append(int(line.split()[1]))

    def snapshot(self) -> list[int]:
        with self._lock:
            return list(self.acked)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.snapshot()) < count:
            assert self.process.poll() is None, "the write loop stopped"
            assert time.monotonic() < deadline, "the write loop is too slow"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=10)


@pytest.fixture
def write_loop() -> Iterator[list[WriteLoop]]:
    loops: list[WriteLoop] = []
    yield loops
    for loop in loops:
        loop.stop()


def _files(media: Path) -> dict[str, str]:
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def _count(site: Installation, table: str) -> int:
    ((count,),) = site.query(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - constant names
    return int(count)


def _refused(site: Installation, statement: str) -> str:
    """The error the database gives for ``statement``; fails the test if it is accepted."""
    try:
        site.query(statement)
    except Exception as error:  # sqlite3 and psycopg raise their own classes
        return str(error)
    raise AssertionError(f"the database accepted: {statement}")


@pytest.mark.slow
def test_a_backup_taken_under_write_load_restores_completely(
    tmp_path: Path, write_loop: list[WriteLoop]
) -> None:
    archive = tmp_path / "clinic.tar"
    with installation(tmp_path / "source") as source:
        source.run("demo", MESOCLINIC_DEBUG="1")
        loop = WriteLoop(source)
        write_loop.append(loop)
        loop.wait_for(20)
        acknowledged_before = loop.snapshot()
        files_before = _files(source.data_dir / "media")
        counts = {table: _count(source, table) for table in CLINICAL_TABLES}
        backed_up = source.run("backup", str(archive))
        during = len(loop.snapshot()) - len(acknowledged_before)
        loop.stop()
        assert during > 0, "no write happened while the backup ran"
        assert "Backed up to" in backed_up.stdout

    with installation(tmp_path / "restored") as restored:
        result = restored.run("restore", str(archive))
        assert "every checksum verified" in result.stdout

        present = {row[0] for row in restored.query("SELECT id FROM patients_patient")}
        assert set(acknowledged_before) <= present
        assert {table: _count(restored, table) for table in CLINICAL_TABLES} == counts
        assert counts["photos_photo"] > 0
        assert counts["consent_consentrecord"] > 0
        # Every file that existed before the backup began, byte for byte.
        files_after = _files(restored.data_dir / "media")
        assert {name: files_after.get(name) for name in files_before} == files_before
        # Every audit event of an acknowledged patient came back with it.
        audited = restored.query(
            "SELECT DISTINCT patient_id FROM audit_auditevent WHERE object_type = 'patient'"
            " AND action = 'create'"
        )
        assert set(acknowledged_before) <= {row[0] for row in audited}

        # The triggers came back in force.
        assert "append-only" in _refused(restored, "UPDATE audit_auditevent SET path = 'changed'")
        _refused(restored, "UPDATE consent_consentrecord SET signer_name = 'changed'")
        _refused(restored, "DELETE FROM consent_consentrecord")
        # Nothing is left to migrate, and the restored clinic serves its pages' checks.
        restored.run("migrate", "--check")
        if RUN_DATABASE == "sqlite":
            ((verdict,),) = restored.query("PRAGMA integrity_check")
            assert verdict == "ok"


def _small_installation(site: Installation) -> None:
    """A migrated installation with one stored file."""
    site.run("migrate", "--noinput")
    photo = site.data_dir / "media" / "photos" / "1" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 not really a photo \xff\xd9")


@pytest.mark.slow
def test_an_encrypted_backup_needs_its_key(tmp_path: Path) -> None:
    archive = tmp_path / "clinic.tar.enc"
    key, other = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with installation(tmp_path / "source") as source:
        _small_installation(source)
        source.run("backup", str(archive), MESOCLINIC_BACKUP_KEY=key)
    assert b"not really a photo" not in archive.read_bytes()
    assert b"CREATE TABLE" not in archive.read_bytes()
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only

    with installation(tmp_path / "restored") as restored:
        refused = restored.run("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "the backup is encrypted: set MESOCLINIC_BACKUP_KEY" in refused.stderr
        wrong = restored.run("restore", str(archive), check=False, MESOCLINIC_BACKUP_KEY=other)
        assert "cannot be decrypted" in wrong.stderr
        restored.run("restore", str(archive), MESOCLINIC_BACKUP_KEY=key)
        assert (restored.data_dir / "media/photos/1/a.jpg").read_bytes().startswith(b"\xff\xd8")


@pytest.mark.slow
def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path: Path) -> None:
    archive = tmp_path / "clinic.tar"
    with installation(tmp_path / "source") as source:
        _small_installation(source)
        source.run("backup", str(archive))
    data = bytearray(archive.read_bytes())
    at = data.index(b"not really a photo")
    data[at] ^= 0x01
    archive.write_bytes(bytes(data))

    with installation(tmp_path / "restored") as restored:
        refused = restored.run("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "media/photos/1/a.jpg does not match its checksum" in refused.stderr
        assert not (restored.data_dir / "media").exists()
        assert restored.query(_TABLES[RUN_DATABASE]) == []


@pytest.mark.slow
def test_restore_refuses_an_installation_in_use_unless_forced(tmp_path: Path) -> None:
    archive = tmp_path / "clinic.tar"
    with installation(tmp_path / "source") as source:
        _small_installation(source)
        source.run("backup", str(archive))
        refused = source.run("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "this installation is not empty" in refused.stderr
        forced = source.run("restore", str(archive), "--force")
        assert "every checksum verified" in forced.stdout
        assert (source.data_dir / "media/photos/1/a.jpg").exists()
        if RUN_DATABASE == "sqlite":
            assert "Kept what it replaced" in forced.stdout


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
}
