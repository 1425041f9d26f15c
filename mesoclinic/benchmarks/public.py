"""The public answer page under load, beside a bare endpoint of the same stack.

Serves the app with ``mesoclinic serve`` (gunicorn, production settings, a scratch database) and
loads it with wrk from 16 connections, as anonymous visitors: the self-assessment's answer page
for one signed token (hair loss on the scalp and fine lines at the crow's feet, a visitor very
afraid of needles: two courses, findings, needle-free options and the evidence note), and the
form itself. Each answer runs the planning engine and the rephrasing; nothing is read from the
database. The floor is ``/health`` on the same server in the same run: the same WSGI server,
Django and middleware, with one ``SELECT 1``. The floor and the pages are measured in turn,
``--rounds`` times, each page compared with the floor of its own round (the median ratio is
printed). No target is set for these pages; the figures are recorded in docs/benchmarks.md.

``--smoke``: ``/health`` for ``--seconds`` (60 by default), then the answer page for as long,
from the same 16 connections; prints p50, p95 and p99 of each and fails (status 1) on any error
or non-2xx/3xx answer.

Needs ``wrk`` (Debian: ``apt-get install wrk``) and, for PostgreSQL, the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlencode

from mesoclinic.benchmarks.environment import prepare
from mesoclinic.benchmarks.pages import (
    FLOOR,
    ROUNDS_HEADER,
    _wrk,
    measure_rounds,
    rounds_row,
    served,
)

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/mesoclinic_bench_public"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesoclinic bench public", description=__doc__)
    parser.add_argument("--seconds", type=int, help="load duration per page (10; smoke 60)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="floor and pages measured this many times"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--postgres", help="scratch database URL (dropped and created)")
    parser.add_argument("--sqlite", action="store_true", help="use a scratch SQLite file")
    parser.add_argument(
        "--smoke", action="store_true", help="/health, then the answer page; 0 errors"
    )
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (60 if args.smoke else 10)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    environment = prepare(postgres_url=args.postgres or DEFAULT_POSTGRES, sqlite=args.sqlite)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from mesoclinic.planning.model import NeedleFear
    from mesoclinic.public.answers import Answers, answers_sign

    call_command("migrate", verbosity=0)
    # Signed with this run's secret key, which the server reads from the same environment.
    token = answers_sign(
        Answers(
            age=45,
            concerns=("hair_loss", "fine_lines"),
            zones=("scalp", "periorbital_lateral"),
            needle_fear=NeedleFear.SEVERE,
            blood_thinners=True,
        )
    )
    # A visitor's browser holds the CSRF cookie after its first page.
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = f"{settings.CSRF_COOKIE_NAME}={csrf}"

    with served(args.workers, environment.variables) as base:
        pages = {
            FLOOR: ("/health", "ok"),
            "answer page": (
                "/start/answer/?" + urlencode({"answers": token}),
                "These can be treated together in one course",
            ),
            "self-assessment": ("/start/", "Is this right for you?"),
        }
        for label, (path, marker) in pages.items():
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310 - ours
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - ours
                if response.status != 200 or marker not in response.read().decode():
                    raise SystemExit(f"{label}: not the expected page")
        if args.smoke:
            return _smoke(base, pages, cookie=cookie, args=args, database=environment.database)
        print(
            f"public benchmark: {environment.database}, mesoclinic serve {args.workers} "
            f"workers, wrk {args.connections} connections x {args.seconds} s, "
            f"{args.rounds} rounds"
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
        errors = 0
        for label, measured in loads.items():
            errors += sum(m.errors for m in measured)
            print(rounds_row(label, measured, ratios[label]))
    return 0 if errors == 0 else 1


def _smoke(
    base: str,
    pages: dict[str, tuple[str, str]],
    *,
    cookie: str,
    args: argparse.Namespace,
    database: str,
) -> int:
    """/health, then the answer page, each for ``args.seconds``; 1 if anything failed."""
    print(
        f"smoke load: {database}, mesoclinic serve {args.workers} workers, "
        f"wrk {args.connections} connections x {args.seconds} s each"
    )
    errors = 0
    print(f"{'load':18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label in (FLOOR, "answer page"):
        load = _wrk(
            base,
            [pages[label][0]],
            cookie=cookie,
            seconds=args.seconds,
            connections=args.connections,
            threads=2,
        )
        errors += load.errors
        print(
            f"{label:18} {load.requests_per_second:8.0f} {load.p50_ms:8.1f} "
            f"{load.p95_ms:8.1f} {load.p99_ms:8.1f} {load.errors:7d}"
        )
    print(f"errors: {errors}; target 0: {'met' if errors == 0 else 'NOT MET'}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
