"""Reading the audit trail: what a manager may see of it, filtered, a page or a CSV at a time.

Which events a manager sees (``audit_scope``):
1. Events of their sites (``site`` one of the manager's sites).
2. Events with no site (lists, searches, refusals, sign-ins) when they concern a patient of the
   manager's sites (a refused look at "our" patient from anywhere), or when the actor works at
   one of the manager's sites (what "our" staff did).
3. Nothing else: not another site's events, and not events with neither site, patient nor a
   known actor (failed sign-ins of unknown usernames), which no one site owns.
A patient is named only if they belong to the manager's sites; others show as "another site".

Reading the log is itself audited: VIEW for each page shown, EXPORT for each CSV, both with
object_type "audit_log" and the filters in the detail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import Site, User
from mesoclinic.audit import wording
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.audit.services import audit_record
from mesoclinic.patients.models import Patient
from mesoclinic.patients.search import SearchTerms
from mesoclinic.patients.selectors import patient_matching

if TYPE_CHECKING:
    from collections.abc import Iterable

AUDIT_PAGE_SIZE = 50
EXPORT_CHUNK = 2000
DETAIL_SHOWN_MAX = 200


@dataclass(frozen=True)
class AuditScope:
    """What one manager may see: their sites, the zone times are shown in, their staff."""

    sites: frozenset[int]
    zone: zoneinfo.ZoneInfo
    staff: list[tuple[int, str]]  # (user id, "username (full name)") at the manager's sites


@dataclass(frozen=True)
class AuditFilters:
    """Filters on the log. Dates are days in the scope's zone; both ends are included."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    patient_id: int | None = None
    patient_terms: SearchTerms | None = None
    action: str = ""
    outcome: str = ""

    def describe(self) -> dict[str, Any]:
        """The filters as JSON-ready values, for the audit detail of a view or export."""
        described: dict[str, Any] = {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "actor_id": self.actor_id,
            "patient_id": self.patient_id,
            "patient_query": self.patient_terms.query if self.patient_terms else None,
            "action": self.action or None,
            "outcome": self.outcome or None,
        }
        return {key: value for key, value in described.items() if value is not None}


@dataclass(frozen=True)
class AuditRow:
    """One event as the page and the CSV show it."""

    event_id: int
    at_utc: dt.datetime
    at_local: dt.datetime
    actor: str
    action: str
    action_label: str
    outcome: str
    object_type: str
    object_id: str
    patient_id: int | None  # None unless the patient is one of the manager's sites'
    patient_name: str
    site: str
    ip: str
    path: str
    detail: str
    # For the page: what happened in words, the detail as labelled fields, and how many events
    # the row stands for (thumbnails of one page view are folded into one row).
    summary: str = ""
    details: tuple[tuple[str, str], ...] = ()
    count: int = 1


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    has_next: bool


def audit_log_access(user: User) -> AuditScope:
    """The manager's scope; raises ``Forbidden`` (audited) without Capability.VIEW_AUDIT.

    Cost: one query for the user's sites (cached), one for their zones, one for their staff.
    """
    require(user, Capability.VIEW_AUDIT, what="audit_log")
    sites = site_ids(user)
    zones = set(Site.objects.filter(pk__in=sites).values_list("time_zone", flat=True))
    staff = [
        (member.pk, _staff_label(member))
        for member in User.objects.filter(sites__in=sites).distinct().order_by("username")
    ]
    return AuditScope(sites=sites, zone=_zone(zones), staff=staff)


def audit_log_page(user: User, scope: AuditScope, filters: AuditFilters, *, page: int) -> AuditPage:
    """One page (50 events, newest first) of the filtered log; audited as VIEW "audit_log".

    No total is counted: counting millions of rows on every page is the slow part of an audit
    log, so the page fetches one row more than it shows to know whether an older page exists.
    Cost: one INSERT for the audit row, one SELECT (patient and site joined).
    """
    audit_record(
        action=Action.VIEW,
        object_type="audit_log",
        detail={"page": page, "filters": filters.describe()},
    )
    offset = (page - 1) * AUDIT_PAGE_SIZE
    events = list(audit_events(scope, filters)[offset : offset + AUDIT_PAGE_SIZE + 1])
    rows = _folded([_row(event, scope) for event in events[:AUDIT_PAGE_SIZE]])
    return AuditPage(rows=rows, page=page, has_next=len(events) > AUDIT_PAGE_SIZE)


# Thumbnails one page shows are fetched within moments of each other; a longer gap is
# another look at the page.
FOLD_WITHIN = dt.timedelta(seconds=30)


def _folded(rows: list[AuditRow]) -> list[AuditRow]:
    """Consecutive allowed thumbnail views of one patient by one actor, each within
    ``FOLD_WITHIN`` of the one before, as one row counting them (a gallery is one look)."""
    folded: list[AuditRow] = []
    for row in rows:
        last = folded[-1] if folded else None
        if (
            last is not None
            and row.object_type == last.object_type == "photo_thumbnail"
            and (row.actor, row.action, row.outcome, row.patient_name)
            == (last.actor, last.action, last.outcome, last.patient_name)
            and row.outcome == "allowed"
            and abs(last.at_utc - row.at_utc) <= FOLD_WITHIN * last.count
        ):
            count = last.count + 1
            folded[-1] = dataclasses.replace(
                last,
                count=count,
                summary=wording.sentence(
                    last.actor, last.action, last.object_type, denied=False, count=count
                ),
                details=(("Photos", f"{count} thumbnails shown together"),),
            )
        else:
            folded.append(row)
    return folded


def audit_log_export(user: User, scope: AuditScope, filters: AuditFilters) -> Iterator[AuditRow]:
    """Every filtered event, newest first, read in chunks; audited as EXPORT "audit_log".

    The EXPORT event is written when this is called, before the first row is read, so an
    export that fails half-way is still on record. Memory stays flat: rows are read
    ``EXPORT_CHUNK`` at a time (a server-side cursor on PostgreSQL).
    """
    audit_record(
        action=Action.EXPORT,
        object_type="audit_log",
        detail={"format": "csv", "filters": filters.describe()},
    )
    events = audit_events(scope, filters).iterator(chunk_size=EXPORT_CHUNK)
    return (_row(event, scope) for event in events)


def audit_events(scope: AuditScope, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Unaudited: the events in ``scope`` that pass ``filters``, newest first.

    For ``audit_log_page`` and ``audit_log_export``, which audit the read.
    """
    events = AuditEvent.objects.filter(audit_scope(scope.sites))
    if filters.date_from is not None:
        events = events.filter(at__gte=_midnight(filters.date_from, scope.zone))
    if filters.date_to is not None:
        events = events.filter(at__lt=_midnight(filters.date_to + dt.timedelta(days=1), scope.zone))
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.patient_id is not None:
        events = events.filter(patient_id=filters.patient_id)
    if filters.patient_terms is not None:
        matching = patient_matching(scope.sites, filters.patient_terms, include_archived=True)
        events = events.filter(patient_id__in=matching.values("id"))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    return events.select_related("patient", "site").order_by("-at", "-id")


def audit_scope(sites: Iterable[int]) -> Q:
    """The events managers of ``sites`` may see (rules 1 to 3 of the module docstring)."""
    site_list = sorted(sites)
    their_patients = Patient.objects.filter(site_id__in=site_list).values("id")
    their_staff = User.objects.filter(sites__in=site_list).values("id")
    return Q(site_id__in=site_list) | (
        Q(site__isnull=True) & (Q(patient_id__in=their_patients) | Q(actor_id__in=their_staff))
    )


def _row(event: AuditEvent, scope: AuditScope) -> AuditRow:
    patient = event.patient
    ours = patient is not None and patient.site_id in scope.sites
    if patient is None:
        patient_name = ""
    elif ours:
        patient_name = f"{patient.family_name}, {patient.given_name}"
    else:
        patient_name = "(a patient of another site)"
    return AuditRow(
        event_id=event.pk,
        at_utc=event.at,
        at_local=timezone.localtime(event.at, scope.zone),
        actor=event.actor_username or "(no signed-in user)",
        action=event.action,
        action_label=event.get_action_display(),
        outcome=event.outcome,
        object_type=event.object_type,
        object_id=event.object_id,
        patient_id=event.patient_id if ours else None,
        patient_name=patient_name,
        site=event.site.name if event.site is not None else "",
        ip=event.ip or "",
        path=event.path,
        detail=json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
        summary=wording.sentence(
            event.actor_username or "Someone not signed in",
            event.action,
            event.object_type,
            denied=event.outcome == "denied",
        ),
        details=tuple(wording.fields(event.detail)),
    )


def _midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _zone(names: set[str]) -> zoneinfo.ZoneInfo:
    # One zone when all the manager's sites share it; otherwise the clinic's configured zone.
    name = next(iter(names)) if len(names) == 1 else settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _staff_label(member: User) -> str:
    full = member.get_full_name()
    return f"{member.username} ({full})" if full else member.username
