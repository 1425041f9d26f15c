"""The list's and search's SQL: whole statements per query shape, and what they find."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.accounts.models import Site, User
from mesoclinic.patients import matching
from mesoclinic.patients.models import Patient, PatientNameToken
from mesoclinic.patients.search import parse_search
from mesoclinic.patients.selectors import patient_list
from mesoclinic.patients.tests.helpers import make_patient


def test_it_names_the_models_tables() -> None:
    assert Patient._meta.db_table == matching.PATIENTS
    assert PatientNameToken._meta.db_table == matching.TOKENS
    assert Site._meta.db_table == matching.SITES


SCAN = "SELECT t.patient_id FROM patients_patientnametoken t WHERE "
SCAN_PG = SCAN + "t.token::text LIKE %s"
SCAN_LITE = SCAN + "t.token >= %s AND t.token < %s"
LAST = matching.LAST


@pytest.mark.parametrize(
    ("vendor", "query", "include_archived", "sql", "params"),
    [
        ("postgresql", "", False, "p.site_id IN (%s, %s) AND p.archived_at IS NULL", (1, 2)),
        ("sqlite", "", True, "p.site_id IN (%s, %s)", (1, 2)),
        # A lone one-letter term: IN, so that PostgreSQL may walk the name index instead.
        (
            "postgresql",
            "a",
            True,
            f"p.site_id IN (%s, %s) AND p.id IN ({SCAN_PG} AND t.site_id IN (%s, %s))",
            (1, 2, "a%", 1, 2),
        ),
        (
            "postgresql",
            "smi",
            False,
            "p.site_id IN (%s, %s) AND p.archived_at IS NULL AND p.id = ANY(ARRAY("
            f"{SCAN_PG} AND t.site_id IN (%s, %s)))",
            (1, 2, "smi%", 1, 2),
        ),
        (
            "postgresql",
            "oli smi",
            True,
            f"p.site_id IN (%s, %s) AND p.id = ANY(ARRAY({SCAN_PG} AND t.site_id IN (%s, %s) "
            f"INTERSECT {SCAN_PG} AND t.site_id IN (%s, %s)))",
            (1, 2, "oli%", 1, 2, "smi%", 1, 2),
        ),
        (
            "sqlite",
            "oli smi",
            True,
            f"p.site_id IN (%s, %s) AND p.id IN ({SCAN_LITE} AND t.site_id IN (%s, %s) "
            f"INTERSECT {SCAN_LITE} AND t.site_id IN (%s, %s))",
            (1, 2, "oli", "oli" + LAST, 1, 2, "smi", "smi" + LAST, 1, 2),
        ),
        # LIKE's own characters in a term are matched literally.
        (
            "postgresql",
            "o_b",
            True,
            f"p.site_id IN (%s, %s) AND p.id = ANY(ARRAY({SCAN_PG} AND t.site_id IN (%s, %s)))",
            (1, 2, "o\\_b%", 1, 2),
        ),
        (
            "postgresql",
            "14/03/1984 07700 900",
            True,
            "p.site_id IN (%s, %s) AND p.date_of_birth = %s "
            "AND (p.search_phone::text LIKE %s OR p.search_phone_reversed::text LIKE %s)",
            (1, 2, dt.date(1984, 3, 14), "07700900%", "00900770%"),
        ),
        (
            "sqlite",
            "14/03/1984 07700 900",
            True,
            "p.site_id IN (%s, %s) AND p.date_of_birth = %s "
            "AND (p.search_phone >= %s AND p.search_phone < %s "
            "OR p.search_phone_reversed >= %s AND p.search_phone_reversed < %s)",
            (1, 2, "1984-03-14", "07700900", "07700900" + LAST, "00900770", "00900770" + LAST),
        ),
    ],
)
def test_it_writes_the_condition_of_each_query_shape(
    vendor: str, query: str, include_archived: bool, sql: str, params: tuple[object, ...]
) -> None:
    statement = matching.condition(
        vendor, {2, 1}, parse_search(query), include_archived=include_archived, alias="p"
    )
    assert statement == matching.Statement(sql, params)


def test_it_matches_nothing_for_a_user_without_sites() -> None:
    terms = parse_search("smi")
    assert matching.condition("sqlite", set(), terms, include_archived=False, alias="p") is None
    window = matching.window(
        "sqlite", [], terms, include_archived=False, offset=0, limit=25, count_cap=1000
    )
    assert window is None
    assert matching.count("sqlite", [], terms, include_archived=False, cap=1000) is None
    assert matching.ids("sqlite", [], terms, include_archived=False) is None


def test_the_window_counts_once_and_pages_in_name_order() -> None:
    statement = matching.window(
        "sqlite", {1}, parse_search(""), include_archived=False, offset=50, limit=25, count_cap=1000
    )
    assert statement == matching.Statement(
        "SELECT p.id, p.site_id, s.name, p.given_name, p.family_name, p.date_of_birth, p.phone, "
        "p.archived_at IS NOT NULL, (SELECT COUNT(*) FROM (SELECT c.id FROM patients_patient c "
        "WHERE c.site_id IN (%s) AND c.archived_at IS NULL LIMIT %s) AS counted) "
        "FROM patients_patient p INNER JOIN accounts_site s ON s.id = p.site_id "
        "WHERE p.site_id IN (%s) AND p.archived_at IS NULL "
        "ORDER BY p.search_name, p.id LIMIT %s OFFSET %s",
        (1, 1001, 1, 25, 50),
    )


def test_an_underscore_in_a_name_matches_only_an_underscore(
    practitioner_a: User, site_a: Site
) -> None:
    underscored = make_patient(site_a, given_name="Ann", family_name="O_Brien")
    make_patient(site_a, given_name="Ann", family_name="Oxbrien")
    window = patient_list(practitioner_a, query="o_b")
    assert [patient.id for patient in window.patients] == [underscored.pk]


def test_rows_carry_what_the_list_shows(practitioner_a: User, site_a: Site) -> None:
    patient = make_patient(
        site_a,
        given_name="Zoë",
        family_name="de Souza",
        date_of_birth=dt.date(1984, 3, 14),
        phone="07700 900123",
    )
    [row] = patient_list(practitioner_a, query="souza").patients
    assert row == matching.Summary(
        id=patient.pk,
        site_id=site_a.pk,
        site_name=site_a.name,
        given_name="Zoë",
        family_name="de Souza",
        date_of_birth=dt.date(1984, 3, 14),
        phone="07700 900123",
        is_archived=False,
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("900123", True),  # the last six digits
        ("0900123", True),
        ("07700 900123", True),
        ("077009", True),  # the first six
        ("+44 7700 900123", True),
        ("700900", False),  # neither start nor end
        ("900125", False),
    ],
)
def test_a_phone_term_matches_the_start_or_the_end_of_the_number(
    practitioner_a: User, site_a: Site, query: str, found: bool
) -> None:
    patient = make_patient(site_a, given_name="Ann", family_name="Lee", phone="+44 7700 900123")
    make_patient(site_a, given_name="Bo", family_name="Kay", phone="01632 960124")
    window = patient_list(practitioner_a, query=query)
    assert [row.id for row in window.patients] == ([patient.pk] if found else [])


def test_the_reversed_phone_is_kept_in_step_with_the_phone(site_a: Site) -> None:
    patient = make_patient(site_a, phone="01632 960001")
    assert patient.search_phone_reversed == "10006923610"
    patient.phone = "+44 7700 900123"
    patient.save()
    patient.refresh_from_db()
    assert patient.search_phone_reversed == "32100900770"
