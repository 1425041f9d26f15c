"""Crash safety: kill -9 of a process in the middle of acknowledged writes, again and again.

Each round starts the write loop (``mesoclinic.benchmarks.writer``: patients registered through
the service the pages use, each acknowledged on standard output once committed), lets it
acknowledge a random number of writes, kills it with SIGKILL, and then checks the database from
outside: every acknowledged patient is there with its audit event, and on SQLite
``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` find nothing wrong. The figure is
the number of acknowledged writes lost over all rounds; the target is 0.

``mesoclinic bench crash`` runs 20 rounds of loops of 1,000 writes on a scratch database
(PostgreSQL by default, ``--sqlite`` for SQLite in WAL mode).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """Where the write loop writes: an SQLite file, or a PostgreSQL URL."""

    sqlite_path: Path | None = None
    postgres_url: str | None = None


@dataclass
class Round:
    acknowledged: int = 0
    lost: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # integrity or consistency findings


def crash_rounds(
    *, env: dict[str, str], target: Target, rounds: int, writes: int, seed: int = 0
) -> list[Round]:
    """Run ``rounds`` kill -9 rounds against ``target``; each round's findings."""
    chooser = random.Random(seed)  # noqa: S311 - where to kill, not a secret
    results = []
    for _ in range(rounds):
        kill_after = chooser.randint(1, max(1, writes - 1))
        acked = _run_and_kill(env, writes=writes, kill_after=kill_after)
        results.append(_check(target, acked))
    return results


def _run_and_kill(env: dict[str, str], *, writes: int, kill_after: int) -> list[int]:
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "mesoclinic.benchmarks.writer", "--count", str(writes)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: list[int] = []
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.extend(process.stderr or []), daemon=True)
    drain.start()
    try:
        stdout: Iterable[str] = process.stdout or []
        for line in stdout:
            acked.append(int(line.split()[1]))
            if len(acked) >= kill_after:
                os.kill(process.pid, signal.SIGKILL)
                break
        # What was already in the pipe was acknowledged too: read it to the end.
        for line in stdout:
            acked.append(int(line.split()[1]))
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        drain.join(timeout=5)
    if process.returncode not in (-signal.SIGKILL, 0):
        raise RuntimeError(f"the write loop failed ({process.returncode}): {''.join(errors)}")
    if not acked:
        raise RuntimeError(f"the write loop acknowledged nothing: {''.join(errors)}")
    return acked


def _check(target: Target, acked: list[int]) -> Round:
    found = Round(acknowledged=len(acked))
    if target.sqlite_path is not None:
        db = sqlite3.connect(target.sqlite_path)
        try:
            (verdict,) = db.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                found.problems.append(f"integrity_check: {verdict}")
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                found.problems.append(f"foreign_key_check: {broken[:3]}")
            rows = db.execute(_AUDITED_PATIENTS).fetchall()
        finally:
            db.close()
    else:
        import psycopg

        with psycopg.connect(target.postgres_url or "") as pg:
            rows = pg.execute(_AUDITED_PATIENTS).fetchall()
    present = {row[0] for row in rows}
    found.lost = sorted(set(acked) - present)
    return found


# Each patient with its CREATE audit event: a patient without one would be half a transaction.
_AUDITED_PATIENTS = """
SELECT p.id FROM patients_patient p
JOIN audit_auditevent a ON a.patient_id = p.id AND a.object_type = 'patient' AND a.action = 'create'
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesoclinic bench crash", description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writes", type=int, default=1000, help="writes per loop")
    parser.add_argument("--postgres", help="scratch database URL (dropped and created)")
    parser.add_argument("--sqlite", action="store_true", help="use a scratch SQLite file")
    args = parser.parse_args(argv)

    from mesoclinic.benchmarks.environment import prepare

    environment = prepare(postgres_url=args.postgres, sqlite=args.sqlite)
    env = {**os.environ, **environment.variables}
    subprocess.run(  # noqa: S603 - our own command
        [str(Path(sys.executable).with_name("mesoclinic")), "migrate", "-v0"], env=env, check=True
    )
    if args.sqlite:
        target = Target(sqlite_path=Path(env["MESOCLINIC_DATA_DIR"]) / "mesoclinic.sqlite3")
    else:
        target = Target(postgres_url=env["DATABASE_URL"])
    started = time.perf_counter()
    results = crash_rounds(env=env, target=target, rounds=args.rounds, writes=args.writes)
    elapsed = time.perf_counter() - started
    acknowledged = sum(r.acknowledged for r in results)
    lost = sum(len(r.lost) for r in results)
    problems = [p for r in results for p in r.problems]
    print(
        f"crash benchmark: {environment.database}, {args.rounds} rounds of kill -9 during a "
        f"loop of {args.writes:,} writes, {elapsed:.0f} s"
    )
    print(
        f"acknowledged writes: {acknowledged:,}; lost: {lost}; integrity problems: {len(problems)}"
    )
    for problem in problems:
        print(f"  {problem}")
    verdict = "met" if lost == 0 and not problems else "NOT MET"
    print(f"target 0 lost, 0 problems: {verdict}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
