"""Reads of patients, each with its access check and audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from mesoclinic.accounts.access import Capability, check_site, require, site_ids
from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound
from mesoclinic.patients import matching
from mesoclinic.patients.errors import PatientArchived
from mesoclinic.patients.matching import Summary
from mesoclinic.patients.models import Patient, normalise_name, phone_digits
from mesoclinic.patients.search import MIN_PHONE_DIGITS, SearchTerms, parse_search

if TYPE_CHECKING:
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

    patients: list[Summary]
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
    ``COUNT_CAP`` (see ``PatientWindow``). Rows are ``Summary`` tuples, not models: what a list
    shows (``patient_get_many`` loads whole patients by id).

    Cost, whatever ``limit``: one query for the user's sites (cached per request), one SELECT
    of the window (with the site's name) that carries the capped count as a scalar subquery,
    one INSERT for the audit row; a page past the last adds a COUNT (to offer the last page);
    with problems in the query, only the INSERT. Each name term adds an index range scan on
    ``PatientNameToken``; phone and date terms use the (site, phone) and (site, date of birth)
    indexes (see ``patients.matching``).
    """
    require(user, Capability.VIEW_PATIENT, what="patient_list")
    terms = parse_search(query)
    patients: list[Summary] = []
    count = 0
    exact = True
    if not terms.problems:
        sites = site_ids(user)
        statement = matching.window(
            connection.vendor,
            sites,
            terms,
            include_archived=include_archived,
            offset=offset,
            limit=limit,
            count_cap=COUNT_CAP,
        )
        if statement is not None:
            rows = _fetch(statement)
            patients = [matching.summary(row) for row in rows]
            if rows:
                count = rows[0][-1]
            elif offset:
                counted = matching.count(
                    connection.vendor,
                    sites,
                    terms,
                    include_archived=include_archived,
                    cap=COUNT_CAP,
                )
                count = _fetch(counted)[0][0] if counted is not None else 0
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
            "shown": [patient.id for patient in patients],
        },
    )
    return PatientWindow(
        patients=patients, count=count, offset=offset, terms=terms, count_is_exact=exact
    )


def patient_get_many(ids: list[int]) -> list[Patient]:
    """Unaudited: the patients with ``ids``, in that order, with their sites; for a caller that
    has audited the list they come from (the API's list). Cost: one SELECT by primary key."""
    found = Patient.objects.select_related("site").in_bulk(ids)
    return [found[patient_id] for patient_id in ids if patient_id in found]


def patient_matching(
    sites: Iterable[int], terms: SearchTerms, *, include_archived: bool = False
) -> QuerySet[Patient]:
    """Unaudited: the patients of ``sites`` matching ``terms``, ordered by normalised name.

    For other selectors (the audit log's patient filter) that audit what they show; never hand
    the result to a page without an audit event. The match is ``patients.matching``'s.
    """
    statement = matching.ids(connection.vendor, sites, terms, include_archived=include_archived)
    if statement is None:
        return Patient.objects.none()
    # patients.matching's text with placeholders; every value is a parameter.
    ids = RawSQL(statement.sql, statement.params)  # noqa: S611
    return Patient.objects.filter(pk__in=ids).order_by("search_name", "id")


def _fetch(statement: matching.Statement) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


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
