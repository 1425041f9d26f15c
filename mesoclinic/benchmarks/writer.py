"""A write loop that acknowledges each committed write: the load of the crash and backup tests.

``python -m mesoclinic.benchmarks.writer --count N`` registers N patients one after another
through ``patient_create`` (the service the pages use: the row, its search tokens and its audit
event in one transaction) and prints ``ack <id>`` after each has committed, flushed at once.
A line on standard output is the acknowledgement a client would get: whatever kills the
process afterwards, that patient must be in the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mesoclinic.benchmarks.writer")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from mesoclinic.accounts.models import Role, Site, User
    from mesoclinic.accounts.services import site_create, staff_create
    from mesoclinic.audit.context import acting_as
    from mesoclinic.patients.services import PatientDetails, patient_create

    site = Site.objects.filter(code="writer").first() or site_create(
        name="Write Loop Clinic", code="writer"
    )
    actor = User.objects.filter(username="writer.reception").first() or staff_create(
        username="writer.reception",
        password=os.urandom(16).hex(),
        role=Role.RECEPTIONIST,
        sites=[site],
    )
    run = os.getpid()
    out = sys.stdout
    with acting_as(actor):
        for number in range(args.count):
            patient = patient_create(
                actor=actor,
                site_id=site.pk,
                details=PatientDetails(
                    given_name=f"Writer{run}",
                    family_name=f"Loop{number}",
                    date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=number % 9000),
                ),
                confirm_duplicate=True,
            )
            out.write(f"ack {patient.pk}\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
