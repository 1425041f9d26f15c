"""Patient pages under load: authenticated and audited, beside a bare endpoint of the same stack.

Serves the app with ``mesoclinic serve`` (gunicorn, production settings, a scratch database with
``--patients`` patients) and loads it with wrk from 16 connections. Each page is fetched as a
signed-in receptionist whose second factor is passed: the list, a search and a patient's page,
each recording an audit event. The floor is ``/health`` on the same server: the same WSGI
server, Django, middleware and database round trip, without the page's work. The floor and the
pages are measured in turn, ``--rounds`` times, and each page is compared with the floor of its
own round; the verdict takes the median of those ratios. Target: every page at >= 50% of the
floor's throughput.

``--smoke`` is the load CI runs against the production server: ``/health`` for ``--seconds``
(60 by default), then the three pages in turn from the same 16 connections for as long; it
prints p50, p95 and p99 of each and fails (status 1) on any error or non-2xx/3xx answer.

Needs ``wrk`` (Debian: ``apt-get install wrk``) and the ``bench`` extra (psycopg).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mesoclinic.benchmarks.environment import prepare

TARGET_RATIO = 0.5
FLOOR = "floor: /health"


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


# wrk's --latency table has no 95th percentile; its Lua hook reports any percentile, and
# rotates requests over several paths when given more than one.
_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("percentile %%d %%d\\n", p, latency:percentile(p)))
  end
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(
    base: str, paths: Sequence[str], *, cookie: str, seconds: int, connections: int, threads: int
) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % ", ".join(f'"{path}"' for path in paths))
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own URL
            [
                shutil.which("wrk") or "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "-s",
                script.name,
                "-H",
                f"Cookie: {cookie}",
                base + paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    percentiles = {
        int(p): int(us) / 1000 for p, us in re.findall(r"^percentile (\d+) (\d+)$", out, re.M)
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Load(rate, percentiles[50], percentiles[95], percentiles[99], errors)


@contextlib.contextmanager
def served(workers: int, variables: dict[str, str]) -> Iterator[str]:
    """``mesoclinic serve`` with ``workers`` on a free port and this run's ``variables``, from
    the moment ``/health`` answers: its base URL. Stopped when the block ends."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(sys.executable).with_name("mesoclinic")),
            "serve",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env={**os.environ, **variables},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)  # noqa: S310 - ours
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_rounds(
    base: str,
    pages: dict[str, tuple[str, str]],
    *,
    cookie: str,
    seconds: int,
    connections: int,
    rounds: int,
) -> tuple[dict[str, list[Load]], dict[str, list[float]]]:
    """Each page under load, ``rounds`` times, the floor (the first page) first in each round:
    the loads, and each page's rate as a share of that round's floor.

    The floor is measured again in each round, just before the pages it is compared with: a
    shared machine's speed drifts by 10% or more over a minute.
    """
    loads: dict[str, list[Load]] = {label: [] for label in pages}
    ratios: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(rounds):
        floor = 0.0
        for label, (path, _) in pages.items():
            load = _wrk(
                base, [path], cookie=cookie, seconds=seconds, connections=connections, threads=2
            )
            floor = floor or load.requests_per_second
            loads[label].append(load)
            ratios[label].append(load.requests_per_second / floor)
    return loads, ratios


ROUNDS_HEADER = (
    f"{'endpoint':18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
    f"{'vs floor':>9} {'per round':>20}"
)


def rounds_row(label: str, measured: list[Load], ratios: list[float]) -> str:
    """One line of the table under ``ROUNDS_HEADER``: medians over the rounds, errors summed."""
    rounds = " ".join(f"{value:.0%}" for value in ratios)
    return (
        f"{label:18} {statistics.median(m.requests_per_second for m in measured):8.0f} "
        f"{statistics.median(m.p50_ms for m in measured):8.1f} "
        f"{statistics.median(m.p95_ms for m in measured):8.1f} "
        f"{statistics.median(m.p99_ms for m in measured):8.1f} "
        f"{sum(m.errors for m in measured):7d} {statistics.median(ratios):9.0%} {rounds:>20}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesoclinic bench pages", description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, help="load duration per page (10; smoke 60)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="floor and pages measured this many times"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--postgres", help="scratch database URL (dropped and created)")
    parser.add_argument("--sqlite", action="store_true", help="use a scratch SQLite file")
    parser.add_argument(
        "--smoke", action="store_true", help="CI's load: /health, then the pages mixed; 0 errors"
    )
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (60 if args.smoke else 10)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    environment = prepare(postgres_url=args.postgres, sqlite=args.sqlite)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mesoclinic.accounts.middleware import LAST_SEEN, STARTED
    from mesoclinic.accounts.models import Role
    from mesoclinic.accounts.services import site_create, staff_create
    from mesoclinic.benchmarks.seed import seed_patients
    from mesoclinic.patients.models import Patient

    call_command("migrate", verbosity=0)
    site = site_create(name="Bench Clinic", code="bench")
    other = site_create(name="Bench Clinic Two", code="bench2")
    seed_patients(site=site, other=other, count=args.patients)
    user = staff_create(
        username="bench.reception", password="x" * 20, role=Role.RECEPTIONIST, sites=[site]
    )
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    now = int(time.time())
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            "otp_device_id": device.persistent_id,
            STARTED: now,
            LAST_SEEN: now,
        }
    )
    session.create()
    # A browser holds the CSRF cookie after its first page; without it every response would
    # mint and set a new one, which no real visit pays.
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )
    patient = Patient.objects.filter(site=site, archived_at__isnull=True).order_by("id")[100]

    with served(args.workers, environment.variables) as base:
        pages = {
            FLOOR: ("/health", "ok"),
            "patient list": ("/patients/", "Patients"),
            "search 'smi'": ("/patients/?q=smi", "Smith"),
            "patient page": (f"/patients/{patient.pk}/", patient.family_name),
        }
        for label, (path, marker) in pages.items():
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310 - ours
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - ours
                body = response.read().decode()
                # A page that redirected to sign-in would measure the wrong thing.
                if response.status != 200 or marker not in body or response.url != base + path:
                    raise SystemExit(f"{label}: not the signed-in page ({response.url})")
        if args.smoke:
            return _smoke(base, pages, cookie=cookie, args=args, database=environment.database)
        print(
            f"pages benchmark: {environment.database}, {args.patients:,} patients, mesoclinic "
            f"serve {args.workers} workers, wrk {args.connections} connections x "
            f"{args.seconds} s, {args.rounds} rounds"
        )
        loads, ratios = measure_rounds(
            base,
            pages,
            cookie=cookie,
            seconds=args.seconds,
            connections=args.connections,
            rounds=args.rounds,
        )
        print(ROUNDS_HEADER)
        worst = 1.0
        for label, measured in loads.items():
            if label != FLOOR:
                worst = min(worst, statistics.median(ratios[label]))
            print(rounds_row(label, measured, ratios[label]))
        verdict = "met" if worst >= TARGET_RATIO else "NOT MET"
        print(
            f"worst page / floor (median of rounds): {worst:.0%}; "
            f"target >= {TARGET_RATIO:.0%}: {verdict}"
        )
    return 0


def _smoke(
    base: str,
    pages: dict[str, tuple[str, str]],
    *,
    cookie: str,
    args: argparse.Namespace,
    database: str,
) -> int:
    """/health, then the pages mixed, each for ``args.seconds``; 1 if anything failed."""
    print(
        f"smoke load: {database}, {args.patients:,} patients, mesoclinic serve {args.workers} "
        f"workers, wrk {args.connections} connections x {args.seconds} s each"
    )
    page_paths = [path for label, (path, _) in pages.items() if label != FLOOR]
    loads = {FLOOR: ["/health"], "pages (list, search, patient) in turn": page_paths}
    errors = 0
    print(f"{'load':40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, paths in loads.items():
        load = _wrk(
            base,
            paths,
            cookie=cookie,
            seconds=args.seconds,
            connections=args.connections,
            threads=2,
        )
        errors += load.errors
        print(
            f"{label:40} {load.requests_per_second:8.0f} {load.p50_ms:8.1f} "
            f"{load.p95_ms:8.1f} {load.p99_ms:8.1f} {load.errors:7d}"
        )
    print(f"errors: {errors}; target 0: {'met' if errors == 0 else 'NOT MET'}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
