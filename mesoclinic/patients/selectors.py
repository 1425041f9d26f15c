"""Reads of patients, each with its access check and audit event."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Q, QuerySet, Subquery

from mesoclinic.accounts.access import Capability, check_site, require, site_ids
from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.errors import PatientArchived
from mesoclinic.patients.models import Patient, PatientNameToken, normalise_name, phone_digits
from mesoclinic.patients.search import MIN_PHONE_DIGITS, SearchTerms, parse_search

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from mesoclinic.accounts.models import User


def patient_get_for_user(
    user: User,
    patient_id: int,
    *,
    capability: Capability = Capability.VIEW_PATIENT,
    audit_action: Action | None = Action.VIEW,
    object_type: str = "patient",
    object_id: object = None,
    site_id: int | None = None,
) -> Patient:
    """The patient, if the user may reach them with ``capability``; the one accessor.

    Another site's patient, or none, raises ``NotFound`` (404); a role without ``capability``
    raises ``Forbidden`` (403). Both refusals are audited. On success an event with
    ``audit_action`` is recorded against ``object_type`` and ``object_id`` (the patient's id
    unless given: the accessors of a patient's consultations, plans, consent records and photos
    name their own object, and ``site_id`` where it is not the patient's); pass None as
    ``audit_action`` when the caller records a more specific event itself. Cost: one query for
    the patient, one for the user's sites (cached per request), one INSERT for the audit row.
    """
    patient = Patient.objects.select_related("site").filter(pk=patient_id).first()
    if patient is None:
        audit_denied(reason="no_such_patient", object_type=object_type, object_id=patient_id)
        raise NotFound("No such patient.")
    check_site(user, patient.site_id, what=object_type, object_id=patient.pk, patient_id=patient.pk)
    require(user, capability, what=object_type, patient_id=patient.pk)
    if audit_action is not None:
        audit_record(
            action=audit_action,
            object_type=object_type,
            object_id=patient.pk if object_id is None else object_id,
            patient_id=patient.pk,
            site_id=patient.site_id if site_id is None else site_id,
        )
    return patient


def patient_get_for_write(
    user: User,
    patient_id: int,
    *,
    capability: Capability = Capability.EDIT_PATIENT,
    object_type: str = "patient",
    action: Action = Action.UPDATE,
) -> Patient:
    """The patient, for a write by ``user``: as ``patient_get_for_user``, and not archived.

    For every app that writes to a patient's record (consultations, consent, photos): an
    archived patient's record is read-only, so a write raises ``PatientArchived`` (409 in the
    API), audited as a refused ``action``. Records no VIEW event: the caller audits its write.
    """
    patient = patient_get_for_user(
        user, patient_id, capability=capability, audit_action=None, object_type=object_type
    )
    if patient.is_archived:
        audit_denied(
            reason="archived",
            object_type=object_type,
            object_id=patient.pk,
            patient_id=patient.pk,
            action=action,
        )
        raise PatientArchived(patient)
    return patient


def sites_of(user: User) -> list[Site]:
    """The user's sites, by name: where they may register patients. Cost: one query."""
    return list(Site.objects.filter(pk__in=site_ids(user)).order_by("name"))


def site_zone(site: Site) -> zoneinfo.ZoneInfo:
    """The site's time zone, for showing times; the clinic's default if the name is unknown."""
    try:
        return zoneinfo.ZoneInfo(site.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- lists and search ----------------------------------------------------------------------

PAGE_SIZE = 25
API_MAX_LIMIT = 100
# A list or search counts its matches up to here: past it the count says "more than 1,000"
# (search to narrow it). Counting every one of 100,000 patients on each page view would cost in
# proportion to the clinic's size; a capped count costs at most 1,001 index entries.
COUNT_CAP = 1000


@dataclass(frozen=True)
class PatientWindow:
    """One window of a patient list or search: ``patients`` out of ``count`` matches.

    ``count_is_exact`` is False when more than ``COUNT_CAP`` patients matched; ``count`` is
    then ``COUNT_CAP`` and means "more than that".
    """

    patients: list[Patient]
    count: int
    offset: int
    terms: SearchTerms
    count_is_exact: bool = True


def patient_list(
    user: User,
    *,
    query: str = "",
    include_archived: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    audit_detail: dict[str, Any] | None = None,
) -> PatientWindow:
    """The patients of the user's sites matching ``query`` (``patients.search``), in name order.

    Archived patients only with ``include_archived``. Records one audit event: SEARCH when there
    is a query, LIST otherwise, object_type "patient_list", with the query, the window, the
    total and the ids shown (plus ``audit_detail``). The total is counted only up to
    ``COUNT_CAP`` (see ``PatientWindow``).

    Cost, whatever ``limit``: one query for the user's sites (cached per request), one SELECT
    of the window (with the site joined) that carries the capped count as a scalar subquery,
    one INSERT for the audit row; a page past the last adds a COUNT (to offer the last page);
    with problems in the query, only the INSERT. Each name term adds an index range scan on
    ``PatientNameToken``; phone and date terms use the (site, phone) and (site, date of birth)
    indexes.
    """
    require(user, Capability.VIEW_PATIENT, what="patient_list")
    terms = parse_search(query)
    patients: list[Patient] = []
    count = 0
    exact = True
    if not terms.problems:
        matching = patient_matching(site_ids(user), terms, include_archived=include_archived)
        # Unordered: any 1,001 matches will do for counting, and ordering a slice would make
        # the database sort every match first.
        capped = matching.order_by()[: COUNT_CAP + 1]
        # One round trip for the window and its count: the database evaluates the
        # uncorrelated count once, not per row.
        patients = list(
            matching.select_related("site").annotate(matches=_CountOf(capped.values("pk")))[
                offset : offset + limit
            ]
        )
        if patients:
            count = patients[0].matches  # type: ignore[attr-defined]
        elif offset:
            count = capped.count()
        exact = count <= COUNT_CAP
        count = min(count, COUNT_CAP)
    audit_record(
        action=Action.LIST if terms.is_empty else Action.SEARCH,
        object_type="patient_list",
        detail={
            **(audit_detail or {}),
            "query": terms.query,
            "include_archived": include_archived,
            "offset": offset,
            "count": count if exact else f"more than {count}",
            "shown": [patient.pk for patient in patients],
        },
    )
    return PatientWindow(
        patients=patients, count=count, offset=offset, terms=terms, count_is_exact=exact
    )


def patient_matching(
    sites: Iterable[int], terms: SearchTerms, *, include_archived: bool = False
) -> QuerySet[Patient]:
    """Unaudited: the patients of ``sites`` matching ``terms``, ordered by normalised name.

    For other selectors (``patient_list``, the audit log's patient filter) that audit what they
    show; never hand the result to a page without an audit event.

    Each name term is a range scan of the token index; the patients holding a token of every
    term are the INTERSECT of those scans. On PostgreSQL that set is matched as
    ``id = ANY(ARRAY(...))``: computed once, then primary-key lookups. With ``IN (...)`` the
    planner prefers walking the name-ordered index to find the first 25 matches, which for an
    uncommon prefix reads most of the table (150 ms instead of 4 ms for "smi" among 100,000
    patients). A lone one-letter term is the exception: it matches so many patients (one in
    six for "a") that the walk is the faster plan.
    """
    site_list = sorted(sites)
    matching = Patient.objects.filter(site_id__in=site_list)
    if not include_archived:
        matching = matching.filter(archived_at__isnull=True)
    if terms.names:
        per_term = [
            PatientNameToken.objects.filter(_prefix("token", name), site_id__in=site_list)
            .values("patient_id")
            .order_by()
            for name in terms.names
        ]
        holders = per_term[0].intersection(*per_term[1:]) if len(per_term) > 1 else per_term[0]
        if connection.vendor == "postgresql" and (len(per_term) > 1 or len(terms.names[0]) > 1):
            matching = matching.filter(_EqualsAnyOf(F("pk"), Subquery(holders)))
        else:
            matching = matching.filter(pk__in=holders)
    for day in terms.dates:
        matching = matching.filter(date_of_birth=day)
    for digits in terms.phones:
        matching = matching.filter(_prefix("search_phone", digits))
    # search_name is "family given", normalised: family-name order, case and accents folded.
    return matching.order_by("search_name", "id")


def _prefix(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, in a form the database's b-tree index serves.

    PostgreSQL serves ``LIKE 'prefix%'`` from the pattern-operator-class indexes. SQLite does
    not use an index for Django's ``LIKE ... ESCAPE`` (its LIKE ignores case), so there the
    prefix is a range, exact under SQLite's byte-wise (BINARY) comparison: every string that
    starts with ``prefix`` sorts between it and ``prefix`` followed by the last code point.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


class _CountOf(Subquery):
    """``(SELECT COUNT(*) FROM (<subquery>))``: the number of rows a subquery returns."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class _EqualsAnyOf(Func):
    """``<column> = ANY(ARRAY(<subquery>))``, a PostgreSQL condition (see patient_matching)."""

    output_field = BooleanField()

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)  # "(SELECT ...)"
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def patient_possible_duplicates(
    *,
    site_id: int,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    phone: str,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Patient]:
    """Non-archived patients of the site who may be the same person. Unaudited: for services.

    Same normalised name and date of birth, or the same phone digits (when there are at least
    6). Cost: one SELECT on the (site, name) and (site, phone) indexes.
    """
    same = Q(search_name=normalise_name(f"{family_name} {given_name}"), date_of_birth=date_of_birth)
    digits = phone_digits(phone)
    if len(digits) >= MIN_PHONE_DIGITS:
        same |= Q(search_phone=digits)
    candidates = Patient.objects.filter(same, site_id=site_id, archived_at__isnull=True)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    return list(candidates.select_related("site").order_by("search_name", "id")[:limit])
