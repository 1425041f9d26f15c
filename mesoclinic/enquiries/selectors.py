"""Reads of enquiries, each with its access check and audit event.

An enquiry may hold a person's health answers, so every read that shows one is audited as a
read of patient data is: the inbox list (LIST), one enquiry (VIEW), the patients it may be
(SEARCH). Another site's enquiry is "not found" (404), a role without ``HANDLE_ENQUIRIES`` is
"forbidden" (403), both audited by ``accounts.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from mesoclinic.accounts.access import Capability, check_site, require, site_ids
from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound
from mesoclinic.enquiries.models import Enquiry, EnquiryEvent, Status
from mesoclinic.patients.models import Patient
from mesoclinic.patients.search import parse_search
from mesoclinic.patients.selectors import patient_matching

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User

PAGE_SIZE = 25
CANDIDATES_MAX = 10


def enquiry_get_for_user(
    user: User, enquiry_id: int, *, audit_action: Action | None = Action.VIEW
) -> Enquiry:
    """The enquiry, if the user may handle it; the one accessor. Audited (VIEW) unless
    ``audit_action`` is None (a write that audits itself). Cost: 1 query, the user's sites
    (cached per request), 1 INSERT."""
    enquiry = Enquiry.objects.select_related("site", "patient").filter(pk=enquiry_id).first()
    if enquiry is None:
        audit_denied(reason="no_such_enquiry", object_type="enquiry", object_id=enquiry_id)
        raise NotFound("No such enquiry.")
    check_site(user, enquiry.site_id, what="enquiry", object_id=enquiry.pk)
    require(user, Capability.HANDLE_ENQUIRIES, what="enquiry")
    if audit_action is not None:
        audit_record(
            action=audit_action,
            object_type="enquiry",
            object_id=enquiry.pk,
            patient_id=enquiry.patient_id,
            site_id=enquiry.site_id,
        )
    return enquiry


def enquiry_events(enquiry: Enquiry) -> list[EnquiryEvent]:
    """Unaudited (the caller read the enquiry): its history, oldest first, with the actors."""
    return list(enquiry.events.select_related("actor"))


@dataclass(frozen=True)
class EnquiryWindow:
    """One page of the inbox."""

    enquiries: list[Enquiry]
    count: int
    offset: int
    status: str
    site_id: int | None


def enquiry_list(
    user: User,
    *,
    status: str = Status.NEW,
    site_id: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> EnquiryWindow:
    """The enquiries of the user's sites (or of one of them) in ``status``, newest first.

    Audited (LIST) with the ids shown. ``site_id`` not one of the user's sites: ``NotFound``.
    Cost: the user's sites, a COUNT, a SELECT of the page (with the sites), an INSERT.
    """
    require(user, Capability.HANDLE_ENQUIRIES, what="enquiry")
    sites = site_ids(user)
    if site_id is not None:
        check_site(user, site_id, what="site", object_id=site_id)
        sites = frozenset({site_id})
    rows = _of_sites(sites).filter(status=status)
    count = rows.count()
    page = list(rows.select_related("site")[offset : offset + limit])
    audit_record(
        action=Action.LIST,
        object_type="enquiry",
        site_id=site_id,
        detail={"status": status, "offset": offset, "shown": [e.pk for e in page]},
    )
    return EnquiryWindow(enquiries=page, count=count, offset=offset, status=status, site_id=site_id)


def _of_sites(sites: frozenset[int]) -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(site_id__in=sorted(sites)).order_by("-created_at", "-id")


SAME_PERSON_MAX = 5


def enquiry_same_person(enquiry: Enquiry) -> list[Enquiry]:
    """Other enquiries of the enquiry's site with the same phone or email, newest first: the
    person who sent twice, so reception answers once. For a caller that read ``enquiry``
    through its accessor; audited (LIST) when there are any. Cost: one SELECT (an INSERT)."""
    same = Q(pk__in=[])
    if enquiry.phone:
        same |= Q(phone=enquiry.phone)
    if enquiry.email:
        same |= Q(email__iexact=enquiry.email)
    others = list(
        Enquiry.objects.filter(same, site_id=enquiry.site_id)
        .exclude(pk=enquiry.pk)
        .order_by("-created_at", "-id")[:SAME_PERSON_MAX]
    )
    if others:
        audit_record(
            action=Action.LIST,
            object_type="enquiry",
            site_id=enquiry.site_id,
            detail={"same_person_as": enquiry.pk, "shown": [e.pk for e in others]},
        )
    return others


def enquiry_sites(user: User) -> list[Site]:
    """The user's sites, by name, for the inbox's site filter. Cost: one query."""
    return list(Site.objects.filter(pk__in=site_ids(user)).order_by("name"))


def enquiry_candidates(user: User, enquiry: Enquiry) -> list[Patient]:
    """Patients of the enquiry's site who may be the person: every word of the name found in
    a patient's name, or the same phone number (the patient search's rules, so the candidates
    are the ones the search box would list). Audited (SEARCH, "patient_duplicates"), as the
    duplicates the patient form shows are. Cost: two SELECTs and an INSERT.
    """
    require(user, Capability.VIEW_PATIENT, what="patient")
    found: dict[int, Patient] = {}
    queries = [enquiry.name]
    if enquiry.phone:
        queries.append(enquiry.phone)
    for query in queries:
        terms = parse_search(query)
        if terms.problems or terms.is_empty:
            continue
        for patient in patient_matching([enquiry.site_id], terms)[:CANDIDATES_MAX]:
            found.setdefault(patient.pk, patient)
    candidates = list(found.values())[:CANDIDATES_MAX]
    audit_record(
        action=Action.SEARCH,
        object_type="patient_duplicates",
        object_id=enquiry.pk,
        site_id=enquiry.site_id,
        detail={"enquiry": enquiry.pk, "candidates": [p.pk for p in candidates]},
    )
    return candidates


def new_enquiry_count(user: User) -> int:
    """How many new enquiries wait at the user's sites: one COUNT, the sites in a subquery
    (the header shows it on every page; the user's sites may not be read yet)."""
    memberships = user.sites.through.objects.filter(user_id=user.pk).values("site_id")
    return Enquiry.objects.filter(status=Status.NEW, site_id__in=memberships).count()
