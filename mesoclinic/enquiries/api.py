"""The enquiries API: the reception inbox, read-only. Bearer tokens only.

The same roles as the inbox (``HANDLE_ENQUIRIES``), the same site scope and the same audit
events; every answer is ``no-store`` (``core.no_store``). There is no public POST: people send
enquiries through the form, with its CSRF token, honeypot and throttle.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.params import integer_param, optional_integer_param
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.enquiries.models import Enquiry, EnquiryEvent, Status
from mesoclinic.enquiries.schemas import EnquiryDetailOut, EnquiryListOut
from mesoclinic.enquiries.selectors import enquiry_events, enquiry_get_for_user, enquiry_list

router = Router(tags=["enquiries"], auth=token_auth)

API_MAX_LIMIT = 100
_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "",
    response={200: EnquiryListOut, **_ERRORS},
    summary="List enquiries",
    operation_id="enquiries_list",
)
def enquiry_list_get(
    request: HttpRequest,
    site: str = "",
    status: str = "new",
    limit: str = "25",
    offset: str = "0",
) -> dict[str, Any]:
    """The enquiries of the caller's sites (or of ``site``, one of them) in ``status`` (new,
    contacted, converted or closed; default new), newest first. Audited (LIST)."""
    if status not in Status.values:
        choices = ", ".join(Status.values)
        raise Invalid({"status": [f"status: {status!r} is not one of {choices}."]})
    window_limit = integer_param("limit", limit, low=1, high=API_MAX_LIMIT)
    window_offset = integer_param("offset", offset, low=0, high=10**9)
    window = enquiry_list(
        staff(request),
        status=status,
        site_id=optional_integer_param("site", site),
        offset=window_offset,
        limit=window_limit,
    )
    return {
        "count": window.count,
        "limit": window_limit,
        "offset": window_offset,
        "items": [_out(enquiry) for enquiry in window.enquiries],
    }


@router.get(
    "/{int:enquiry_id}",
    response={200: EnquiryDetailOut, **_ERRORS},
    summary="One enquiry, with its history",
    operation_id="enquiries_get",
)
def enquiry_get(request: HttpRequest, enquiry_id: int) -> dict[str, Any]:
    """One enquiry of the caller's sites; audited (VIEW)."""
    enquiry = enquiry_get_for_user(staff(request), enquiry_id)
    return {**_out(enquiry), "events": [_event(e) for e in enquiry_events(enquiry)]}


def _out(enquiry: Enquiry) -> dict[str, Any]:
    return {
        "id": enquiry.pk,
        "site": enquiry.site_id,
        "site_name": enquiry.site.name,
        "name": enquiry.name,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "preferred_times": list(enquiry.preferred_times),
        "message": enquiry.message,
        "status": enquiry.status,
        "patient": enquiry.patient_id,
        "answers": enquiry.answers,
        "created_at": enquiry.created_at,
        "updated_at": enquiry.updated_at,
    }


def _event(event: EnquiryEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": event.actor_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
    }
