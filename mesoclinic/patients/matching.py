"""The SQL that finds a user's patients: the list's and the search's one statement.

The patient list and search are the busiest pages of a clinic. Built through the ORM, their
window query (name search, count and page in one statement) cost 2 to 4 ms of Python to
assemble and compile, and 3 ms more to turn 25 rows into models with their sites, against
1 to 3 ms of database work (decision 0017). Here the statement is written once, as text with
parameters, and rows come back as plain tuples.

Rules of the match (``patients.search`` turns a query into terms):
- the patient is at one of ``sites``, and not archived unless archived patients are asked for;
- every name term prefix-matches one of the patient's name tokens (``PatientNameToken``);
- every date term equals the date of birth; every phone term is the start or the end of the
  phone digits (the end through ``search_phone_reversed``, the digits backwards, so that both
  are prefix matches an index serves).

Prefixes: PostgreSQL serves ``LIKE 'prefix%'`` from the pattern-operator-class indexes; SQLite
does not use an index for LIKE (it ignores case), so there a prefix is a range, exact under
SQLite's byte-wise comparison: every string that starts with ``prefix`` sorts between it and
``prefix`` followed by the last code point.

Name terms: the patients holding a token of every term are the INTERSECT of one index range
scan per term. On PostgreSQL that set is matched as ``id = ANY(ARRAY(...))``: computed once,
then primary-key lookups. With ``IN (...)`` the planner prefers walking the name-ordered index
to find the first 25 matches, which for an uncommon prefix reads most of the table (150 ms
instead of 4 ms for "smi" among 100,000 patients). A lone one-letter term is the exception: it
matches so many patients (one in six for "a") that the walk is the faster plan.

Pure text and parameters: nothing here touches a connection. Callers audit what they show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mesoclinic.patients.search import SearchTerms

PATIENTS = "patients_patient"
TOKENS = "patients_patientnametoken"
SITES = "accounts_site"
# Past the last code point: "prefix" <= s < "prefix" + LAST means s starts with prefix.
LAST = "\U0010ffff"


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]


@dataclass(frozen=True)
class Summary:
    """One patient as the list shows them."""

    id: int
    site_id: int
    site_name: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    phone: str
    is_archived: bool


# The columns of ``Summary``, in order, then the capped count.
_COLUMNS = (
    "p.id, p.site_id, s.name, p.given_name, p.family_name, p.date_of_birth, p.phone, "
    "p.archived_at IS NOT NULL"
)


def condition(
    vendor: str, sites: Iterable[int], terms: SearchTerms, *, include_archived: bool, alias: str
) -> Statement | None:
    """The WHERE condition on the patient table aliased ``alias``; None if nothing can match
    (no sites). ``vendor`` is the connection's (``"postgresql"`` or ``"sqlite"``)."""
    site_list = sorted(sites)
    if not site_list:
        return None
    in_sites = f"IN ({', '.join(['%s'] * len(site_list))})"
    parts = [f"{alias}.site_id {in_sites}"]
    params: list[Any] = [*site_list]
    if not include_archived:
        parts.append(f"{alias}.archived_at IS NULL")
    if terms.names:
        scans = []
        for name in terms.names:
            column, prefix_params = _prefix(vendor, "t.token", name)
            scans.append(
                f"SELECT t.patient_id FROM {TOKENS} t WHERE {column} AND t.site_id {in_sites}"
            )
            params.extend([*prefix_params, *site_list])
        # Unparenthesised: SQLite refuses parentheses around the members of a compound SELECT.
        holders = " INTERSECT ".join(scans)
        if vendor == "postgresql" and (len(scans) > 1 or len(terms.names[0]) > 1):
            parts.append(f"{alias}.id = ANY(ARRAY({holders}))")
        else:
            parts.append(f"{alias}.id IN ({holders})")
    for day in terms.dates:
        parts.append(f"{alias}.date_of_birth = %s")
        # SQLite stores dates as ISO text; PostgreSQL's driver adapts a date itself.
        params.append(day if vendor == "postgresql" else day.isoformat())
    for digits in terms.phones:
        starts, starts_params = _prefix(vendor, f"{alias}.search_phone", digits)
        ends, ends_params = _prefix(vendor, f"{alias}.search_phone_reversed", digits[::-1])
        parts.append(f"({starts} OR {ends})")
        params.extend([*starts_params, *ends_params])
    return Statement(" AND ".join(parts), tuple(params))


def window(
    vendor: str,
    sites: Iterable[int],
    terms: SearchTerms,
    *,
    include_archived: bool,
    offset: int,
    limit: int,
    count_cap: int,
) -> Statement | None:
    """The page of matches in name order (``Summary`` columns), each row ending with the
    number of matches counted up to ``count_cap + 1``; None if nothing can match.

    The uncorrelated count is evaluated once, not per row; it is taken from an unordered
    slice, since ordering would make the database sort every match first.
    """
    inner = condition(vendor, sites, terms, include_archived=include_archived, alias="c")
    outer = condition(vendor, sites, terms, include_archived=include_archived, alias="p")
    if inner is None or outer is None:
        return None
    sql = (
        f"SELECT {_COLUMNS}, (SELECT COUNT(*) FROM (SELECT c.id FROM {PATIENTS} c "
        f"WHERE {inner.sql} LIMIT %s) AS counted) "
        f"FROM {PATIENTS} p INNER JOIN {SITES} s ON s.id = p.site_id "
        f"WHERE {outer.sql} ORDER BY p.search_name, p.id LIMIT %s OFFSET %s"
    )
    return Statement(sql, (*inner.params, count_cap + 1, *outer.params, limit, offset))


def count(
    vendor: str, sites: Iterable[int], terms: SearchTerms, *, include_archived: bool, cap: int
) -> Statement | None:
    """The number of matches, counted up to ``cap + 1``; None if nothing can match."""
    where = condition(vendor, sites, terms, include_archived=include_archived, alias="c")
    if where is None:
        return None
    sql = f"SELECT COUNT(*) FROM (SELECT c.id FROM {PATIENTS} c WHERE {where.sql} LIMIT %s) AS n"
    return Statement(sql, (*where.params, cap + 1))


def ids(
    vendor: str, sites: Iterable[int], terms: SearchTerms, *, include_archived: bool
) -> Statement | None:
    """The ids of every match, for use as a subquery; None if nothing can match."""
    where = condition(vendor, sites, terms, include_archived=include_archived, alias="c")
    if where is None:
        return None
    return Statement(f"SELECT c.id FROM {PATIENTS} c WHERE {where.sql}", where.params)


def summary(row: tuple[Any, ...]) -> Summary:
    """A ``Summary`` from the first columns of a ``window`` row."""
    # Both drivers return the date column as a date (Django's SQLite backend converts by the
    # declared type); only the archived flag comes back as 0 or 1 from SQLite.
    patient_id, site_id, site_name, given, family, born, phone, archived = row[:8]
    return Summary(patient_id, site_id, site_name, given, family, born, phone, bool(archived))


def _prefix(vendor: str, column: str, prefix: str) -> tuple[str, tuple[str, ...]]:
    """``column`` starts with ``prefix``, in a form the database's b-tree index serves."""
    if vendor == "postgresql":
        # As Django writes startswith on PostgreSQL: the varchar cast to text, LIKE's own
        # characters escaped (a name term may hold "_", a word character).
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{column}::text LIKE %s", (escaped + "%",)
    return f"{column} >= %s AND {column} < %s", (prefix, prefix + LAST)
