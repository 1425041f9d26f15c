"""Realistic patients in bulk, for benchmarks: names, birth dates, phones, archived ones."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection

from mesoclinic.accounts.models import Site
from mesoclinic.patients.models import Patient, normalise_name, phone_digits
from mesoclinic.patients.services import patient_search_reindex

# Read as prose; a list literal of 200 quoted names is harder to scan.
FAMILY = (  # noqa: SIM905
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason "
    "Mitchell Rose Davis Cox Campbell Stewart Murphy Graham Hamilton Murray Hughes Scott Reid "
    "Anderson Martin Harris Lee King Turner Hill Cooper Ward Morris Baker Morgan Allen Shaw "
    "Edwards Bell Griffiths Kelly Simpson Marshall Collins Bailey Owen Chapman Webb Kaur Singh "
    "Ahmed Ali Hussain Begum Nowak Kowalski Santos Silva Oliveira Costa Rossi Russo Ferrari "
    "Müller Schmidt Schneider Fischer Weber Dubois Durand Lefebvre García Fernández González "
    "López Martínez Sánchez de-Souza van-der-Berg O'Brien Nguyen Tran Wang Li Zhang Liu Chen"
).split()
GIVEN = (  # noqa: SIM905
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Willow Freya Florence Emily "
    "Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Alice Phoebe Sophie Harper Ruby "
    "Matilda Maya Emilia Millie Eva Ada Esme Chloe Luna Muhammad Noah Oliver George Arthur Leo "
    "Harry Oscar Archie Henry Theodore Freddie Jack Charlie Alfie Jacob Thomas William Lucas "
    "Isaac Alexander Edward James Joshua Elijah Max Mohammed Mason Sebastian Rory Jude Louis "
    "Mary Ann Jean Margaret Susan Patricia Linda Barbara Elizabeth Jennifer Maria Sarah Karen "
    "Zoë José Renée Siobhán Aoife Niamh"
).split()


def seed_patients(*, site: Site, other: Site, count: int, seed: int = 42) -> None:
    """``count`` patients, 90% at ``site``, 5% archived; then the search index and statistics."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not a secret
    batch: list[Patient] = []
    for n in range(count):
        given = rng.choice(GIVEN) + (f" {rng.choice(GIVEN)}" if rng.random() < 0.15 else "")
        family = rng.choice(FAMILY)
        phone = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        batch.append(
            Patient(
                site=site if n % 10 else other,
                given_name=given,
                family_name=family,
                date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 23_000)),
                phone=phone,
                search_name=normalise_name(f"{family} {given}"),
                search_phone=phone_digits(phone),
                search_phone_reversed=phone_digits(phone)[::-1],
                archived_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if rng.random() < 0.05 else None,
            )
        )
        if len(batch) == 5000:
            Patient.objects.bulk_create(batch)
            batch = []
    Patient.objects.bulk_create(batch)
    patient_search_reindex()
    with connection.cursor() as cursor:
        # What autovacuum does in production: statistics, and the visibility map that lets
        # PostgreSQL count from an index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
