"""The diary on PostgreSQL at clinic scale: course availability and whole-course bookings under
concurrent clients, each beside its floor measured in the same run.

A seeded clinic: one site, 20 practitioners working Monday to Saturday 08:00-20:00, 10
treatment rooms, and 200,000 one-hour bookings (45 minutes and 15 to clean up), ten at a time in
the ten rooms, over the past years and the coming months. The coming months are booked in the
mornings only, so courses have room in the afternoons.

- Availability: each of 16 clients (processes, as the app's workers are, each with its own
  database connection) asks for a 6-session course, 14 days apart with 3 days' tolerance
  (about 12 weeks), any practitioner, as ``course_book`` places one before it writes
  (``scheduling.placement.course_placement``): the calendar read and the engine. Floor: the
  same clients running only the single SQL query of the window's busy intervals (every
  practitioner's, with the rooms'), through a bare cursor. Targets: p95 <= 50 ms, and p95
  within 3x of the floor's p95.
- Bookings: clients booking whole 6-session courses through ``course_book`` (named
  practitioner, distinct patients). Floor: bare transactions inserting the same six
  appointment rows. Targets: >= 100 courses/s, and >= 0.25 of the floor's rate.

Figures and ratios are printed with PASS or FAIL; the exit status is 1 on a FAIL only with
``--strict`` (CI runs ``--smoke`` to prove the benchmark runs end to end on any machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from mesoclinic.benchmarks.environment import prepare

PRACTITIONERS, ROOMS = 20, 10
OPEN, CLOSE = 8, 20  # the working day, local hours
BUSY_FUTURE_UNTIL = 13  # the coming months are booked from OPEN to 13:00 only
AHEAD_DAYS = 150
SESSIONS, INTERVAL_DAYS, TOLERANCE_DAYS = 6, 14, 3
TARGET_P95_MS, TARGET_P95_RATIO = 50.0, 3.0
TARGET_RATE, TARGET_RATE_RATIO = 100.0, 0.25


def _percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def _concurrently(
    clients: int, seconds: float, work: Callable[[int, int], str | None]
) -> tuple[list[float], list[str]]:
    """Run ``work(client, n)`` in ``clients`` processes for ``seconds``: each call's
    milliseconds, and the refusals ``work`` returned (the name of what refused it).

    Clients are processes, forked from this one, as the app's are (gunicorn workers): threads
    of one process would share one interpreter lock, and measure that lock rather than the
    code on a machine with more than one core. Each has its own database connection: the
    parent's is closed before forking, so that no child talks on it. Cost: a fork per client.
    """
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    start = context.Value("d", 0.0)
    results = context.Queue()

    def client(index: int) -> None:
        mine: list[float] = []
        refused: list[str] = []
        try:
            barrier.wait()
            deadline = start.value + seconds
            n = 0
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                refusal = work(index, n)
                mine.append((time.perf_counter() - began) * 1000)
                if refusal is not None:
                    refused.append(refusal)
                n += 1
        finally:
            connections.close_all()
            results.put((mine, refused))

    processes = [context.Process(target=client, args=(i,)) for i in range(clients)]
    for process in processes:
        process.start()
    # perf_counter is the system's monotonic clock, the same in every process of the machine.
    start.value = time.perf_counter() + 0.05
    barrier.wait()
    samples: list[float] = []
    refusals: list[str] = []
    for _ in processes:
        mine, refused = results.get()
        samples.extend(mine)
        refusals.extend(refused)
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a benchmark client failed (exit code {process.exitcode})")
    return samples, refusals


def seed(*, appointments: int, today: dt.date) -> dict[str, Any]:
    """The clinic, with ``appointments`` bookings that overlap nothing (the exclusion
    constraints check). Returns what the measurements need."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth.hashers import make_password

    from mesoclinic.accounts.models import Role, Site, User
    from mesoclinic.patients.models import Patient
    from mesoclinic.scheduling.models import Appointment, Room, Service, WorkingHours

    site = Site.objects.create(name="Bench Clinic", code="bench", time_zone="Europe/London")
    zone = ZoneInfo(site.time_zone)
    staff = User.objects.bulk_create(
        [
            User(
                username=f"bench.p{i}",
                first_name="Bench",
                last_name=f"Practitioner {i}",
                role=Role.PRACTITIONER,
                password=make_password(None),  # unusable: these never sign in
            )
            for i in range(PRACTITIONERS)
        ]
    )
    User.sites.through.objects.bulk_create(
        [User.sites.through(user_id=u.pk, site_id=site.pk) for u in staff]
    )
    receptionist = User.objects.create(
        username="bench.reception", role=Role.RECEPTIONIST, password=make_password(None)
    )
    User.sites.through.objects.create(user_id=receptionist.pk, site_id=site.pk)
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                practitioner=u, site=site, weekday=d, start=dt.time(OPEN), end=dt.time(CLOSE)
            )
            for u in staff
            for d in range(6)
        ]
    )
    rooms = Room.objects.bulk_create(
        [Room(site=site, name=f"Room {i + 1}", room_type="treatment") for i in range(ROOMS)]
    )
    service = Service.objects.create(
        code="bench_session",
        name="Bench session",
        patient_facing_name="Skin treatment",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
        room_type="treatment",
    )
    patients = Patient.objects.bulk_create(
        [
            Patient(
                site=site,
                given_name=f"Bench{i}",
                family_name="Patient",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=i % 9000),
                search_name=f"bench{i} patient",
            )
            for i in range(4000)
        ]
    )
    # Ten at a time: in hour h, the practitioners p with (p + h) even, each in room p // 2.
    # Patients 0-1999 have the seeded bookings; 2000-3999 are left for the booking clients.
    days_future = [today + dt.timedelta(days=k) for k in range(1, AHEAD_DAYS)]
    future = [
        (d, h) for d in days_future if d.weekday() < 6 for h in range(OPEN, BUSY_FUTURE_UNTIL)
    ]
    per_hour = PRACTITIONERS // 2
    past_hours = max(0, appointments // per_hour - len(future))
    past: list[tuple[dt.date, int]] = []
    day = today
    while len(past) < past_hours:
        day -= dt.timedelta(days=1)
        if day.weekday() < 6:
            past.extend((day, h) for h in range(CLOSE - 1, OPEN - 1, -1))
    rows = []
    counter = 0
    for day, hour in sorted(past[:past_hours]) + future:
        start = dt.datetime.combine(day, dt.time(hour), zone)
        for p in range(PRACTITIONERS):
            if (p + hour) % 2:
                continue
            rows.append(
                Appointment(
                    site=site,
                    patient=patients[counter % 2000],
                    service=service,
                    practitioner=staff[p],
                    room=rooms[p // 2],
                    start=start,
                    end=start + dt.timedelta(minutes=45),
                    held_from=start,
                    held_until=start + dt.timedelta(hours=1),
                    booked_by=receptionist,
                )
            )
            counter += 1
    Appointment.objects.bulk_create(rows, batch_size=5000)
    return {
        "site": site,
        "zone": zone,
        "staff": staff,
        "rooms": rooms,
        "service": service,
        "patients": patients[2000:],
        "receptionist": receptionist,
        "appointments": len(rows),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesoclinic bench booking", description=__doc__)
    parser.add_argument("--appointments", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--smoke", action="store_true", help="20,000 bookings, 2 s each")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--postgres", help="scratch database URL (dropped and created)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.appointments, args.seconds = min(args.appointments, 20_000), 2.0
    environment = prepare(postgres_url=args.postgres, sqlite=False)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mesoclinic.audit.context import acting_as
    from mesoclinic.core.errors import Conflict
    from mesoclinic.core.time import today_in
    from mesoclinic.scheduling.models import HOLDING, MAX_HELD, Appointment, Course
    from mesoclinic.scheduling.placement import course_placement
    from mesoclinic.scheduling.services import course_book

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    import zoneinfo

    today = today_in(zoneinfo.ZoneInfo("Europe/London"))
    world = seed(appointments=args.appointments, today=today)
    seeded = time.perf_counter() - started
    site, zone, service = world["site"], world["zone"], world["service"]
    staff, receptionist = world["staff"], world["receptionist"]
    rng = random.Random(7)  # noqa: S311 - reproducible dates, not secrets
    firsts = [
        dt.datetime.combine(today + dt.timedelta(days=rng.randint(2, 40)), dt.time(14), zone)
        for _ in range(500)
    ]

    def availability(client: int, n: int) -> str | None:
        placement, _ = course_placement(
            site=site,
            service=service,
            first_start=firsts[(client * 31 + n) % len(firsts)],
            sessions=SESSIONS,
            interval_days=INTERVAL_DAYS,
            tolerance_days=TOLERANCE_DAYS,
            preferred=None,
            patient_id=None,
        )
        assert placement.failed_session is None  # noqa: S101 - the afternoons are free
        return None

    ids = [u.pk for u in staff]
    room_ids = [r.pk for r in world["rooms"]]

    def floor_query(client: int, n: int) -> str | None:
        # The calendar's one busy query (practitioners' and rooms' rows together), as text
        # through a bare cursor: no ORM, no conversion beyond the driver's.
        first = firsts[(client * 31 + n) % len(firsts)]
        lo = first - dt.timedelta(days=TOLERANCE_DAYS + 3)
        hi = first + dt.timedelta(days=(SESSIONS - 1) * INTERVAL_DAYS + TOLERANCE_DAYS + 3)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT practitioner_id, room_id, held_from, held_until"
                " FROM scheduling_appointment"
                " WHERE status = ANY(%s) AND held_until > %s AND held_from < %s AND held_from > %s"
                " AND (practitioner_id = ANY(%s) OR room_id = ANY(%s))",
                [[str(x) for x in HOLDING], lo, hi, lo - MAX_HELD, ids, room_ids],
            )
            cursor.fetchall()
        return None

    print(
        f"booking benchmark: {environment.database}, {world['appointments']:,} appointments, "
        f"{PRACTITIONERS} practitioners, {ROOMS} rooms; seeded in {seeded:.1f} s"
    )
    print(f"{args.clients} clients, {args.seconds:g} s per measurement; times in ms")
    failures = 0

    floor, _ = _concurrently(args.clients, args.seconds, floor_query)
    full, _ = _concurrently(args.clients, args.seconds, availability)
    floor_p95, full_p95 = _percentile(floor, 0.95), _percentile(full, 0.95)
    ratio = full_p95 / floor_p95
    print(f"{'course availability':28} {'p50':>8} {'p95':>8} {'per s':>8}")
    for label, samples in (("floor: busy-interval query", floor), ("availability", full)):
        rate = len(samples) / args.seconds
        print(
            f"{label:28} {statistics.median(samples):8.1f} {_percentile(samples, 0.95):8.1f} "
            f"{rate:8.1f}"
        )
    for label, ok in (
        (f"p95 {full_p95:.1f} ms <= {TARGET_P95_MS:g} ms", full_p95 <= TARGET_P95_MS),
        (f"p95 / floor p95 {ratio:.2f} <= {TARGET_P95_RATIO:g}", ratio <= TARGET_P95_RATIO),
    ):
        failures += not ok
        print(f"  {'PASS' if ok else 'FAIL'}: {label}")

    patients = world["patients"]

    def patient(client: int, n: int) -> Any:
        # Distinct for every call of every client (until the list wraps), without shared state.
        return patients[(n * args.clients + client) % len(patients)]

    def bare(client: int, n: int) -> str | None:
        who = patient(client, n)
        first = firsts[(client * 31 + n) % len(firsts)] + dt.timedelta(hours=5)
        with transaction.atomic():
            course = Course.objects.create(patient=who, service=service, created_by=receptionist)
            Appointment.objects.bulk_create(
                [
                    Appointment(
                        site=site,
                        patient=who,
                        service=service,
                        practitioner=staff[client % PRACTITIONERS],
                        room=None,
                        start=first + dt.timedelta(days=INTERVAL_DAYS * k),
                        end=first + dt.timedelta(days=INTERVAL_DAYS * k, minutes=45),
                        held_from=first + dt.timedelta(days=INTERVAL_DAYS * k),
                        held_until=first + dt.timedelta(days=INTERVAL_DAYS * k, hours=1),
                        booked_by=receptionist,
                        course=course,
                        status="cancelled",  # holds no time: the courses below stay placeable
                    )
                    for k in range(SESSIONS)
                ]
            )
        return None

    def book(client: int, n: int) -> str | None:
        who = patient(client, n)
        practitioner = staff[(client * 7 + n) % PRACTITIONERS]
        day = today + dt.timedelta(days=2 + (client * 13 + n * 5) % 40)
        hour = BUSY_FUTURE_UNTIL + (n % (CLOSE - BUSY_FUTURE_UNTIL - 1))
        with acting_as(receptionist):
            try:
                course_book(
                    actor=receptionist,
                    patient_id=who.pk,
                    service_code=service.code,
                    sessions=SESSIONS,
                    interval_days=INTERVAL_DAYS,
                    tolerance_days=TOLERANCE_DAYS,
                    first_start=dt.datetime.combine(day, dt.time(hour), zone),
                    practitioner_id=practitioner.pk,
                )
            except Conflict as refused:  # a full afternoon is a refusal, not a failure
                return type(refused).__name__
        return None

    bare_samples, _ = _concurrently(args.clients, args.seconds, bare)
    book_samples, errors = _concurrently(args.clients, args.seconds, book)
    bare_rate = len(bare_samples) / args.seconds
    book_rate = (len(book_samples) - len(errors)) / args.seconds
    print(f"{'whole 6-session courses':28} {'p50':>8} {'p95':>8} {'per s':>8}")
    for label, samples, rate in (
        ("floor: bare 6-row inserts", bare_samples, bare_rate),
        ("course_book", book_samples, book_rate),
    ):
        print(
            f"{label:28} {statistics.median(samples):8.1f} {_percentile(samples, 0.95):8.1f} "
            f"{rate:8.1f}"
        )
    if errors:
        print(f"  refused: {len(errors)} ({', '.join(sorted(set(errors)))})")
    share = book_rate / bare_rate
    for label, ok in (
        (f"{book_rate:.1f} courses/s >= {TARGET_RATE:g}", book_rate >= TARGET_RATE),
        (f"rate / floor rate {share:.2f} >= {TARGET_RATE_RATIO:g}", share >= TARGET_RATE_RATIO),
    ):
        failures += not ok
        print(f"  {'PASS' if ok else 'FAIL'}: {label}")
    overlaps = _overlaps(connection)
    print(f"overlapping pairs of holding appointments afterwards: {overlaps}")
    return 1 if overlaps or (args.strict and failures) else 0


def _overlaps(connection: Any) -> int:
    """Appointments that hold time and start before an earlier one of the same practitioner
    ends (must be 0). One pass in start order per practitioner, not a self-join."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT held_from, max(held_until) OVER ("
            " PARTITION BY practitioner_id ORDER BY held_from, id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_ends"
            " FROM scheduling_appointment"
            " WHERE status NOT IN ('cancelled', 'no_show') AND overbook_reason = '') AS t"
            " WHERE held_from < before_ends"
        )
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
